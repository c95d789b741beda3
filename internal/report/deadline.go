package report

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// deadlineWindow is how long a streamed download may go without progress
// before its write deadline ends it.
const deadlineWindow = 30 * time.Second

// deadline moves a response's write deadline forward as a download makes
// progress (http.ResponseController), at most once a second.
type deadline struct {
	rc       *http.ResponseController
	extended time.Time
}

func newDeadline(w http.ResponseWriter) *deadline {
	d := &deadline{rc: http.NewResponseController(w)}
	d.extend()
	return d
}

// extend gives the download another deadlineWindow from now (real time:
// the server's deadlines do not follow a test's clock). A writer that
// cannot set deadlines (a test recorder) has none to extend, so the error
// is ignored.
func (d *deadline) extend() {
	now := time.Now()
	if now.Sub(d.extended) < time.Second {
		return
	}
	d.extended = now
	_ = d.rc.SetWriteDeadline(now.Add(deadlineWindow))
}

// progressWriter extends the deadline with every write that got through.
type progressWriter struct {
	w        io.Writer
	deadline *deadline
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	if n > 0 {
		p.deadline.extend()
	}
	return n, err
}

// errorText keeps an error storable in the audit log: one line, bounded.
func errorText(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
