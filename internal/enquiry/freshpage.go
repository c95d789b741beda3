package enquiry

import (
	"bytes"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"iordesk/internal/lang"
)

// freshPages serves the empty form pages (/ and /enquiry), the site's
// busiest, without running html/template for each visitor: walking the
// form's fields by reflection cost ~0.35 ms a page, for output in which
// visitors differ only in the challenge id and the tracking fields. Each
// page is rendered once (again when the year in its footer changes) with a
// marker in place of each of those values, and cut at the markers; a
// visitor's page is the pieces with the values spliced in, escaped as
// html/template escapes them. A test checks the two ways give the same
// bytes for hostile values.
type freshPages struct {
	render func(page string, v *formView) ([]byte, error)
	view   func(page string, l *lang.Language, f *Form, errs Errors, captchaID string, reloaded bool) *formView

	mu    sync.Mutex
	pages map[string]*splicedPage // by page and language: "home en"
}

// Per-visitor values of an empty form, in slot order.
const (
	slotCaptcha = iota
	slotUTMSource
	slotUTMMedium
	slotUTMCampaign
	slotReferrer
	slotCount
)

// slotMarkers stand for the values when the page is rendered: plain
// lowercase letters, which no escaper changes.
var slotMarkers = [slotCount]string{"zqxcaptchazqx", "zqxutmsourcezqx", "zqxutmmediumzqx", "zqxutmcampaignzqx", "zqxreferrerzqx"}

var slotMarker = regexp.MustCompile(`zqx(?:captcha|utmsource|utmmedium|utmcampaign|referrer)zqx`)

// challengeID is what a spliced challenge id may be: it goes into URLs (the
// image and audio links) as well as attributes, and only base32, as issued,
// needs escaping in neither. Anything else takes the template's way.
var challengeID = regexp.MustCompile(`^[A-Z2-7]{1,64}$`)

type splicedPage struct {
	year  int
	parts [][]byte
	slots []int // slots[i] goes between parts[i] and parts[i+1]
}

// pageBuffers keep the ~50 KB a page is assembled in from one visitor to
// the next.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// write renders the page in l for one visitor into a pooled buffer, which
// the caller hands back with pageBuffers.Put once the page is sent; ok is
// false when a value cannot be spliced (the caller renders the template
// instead).
func (fp *freshPages) write(page string, l *lang.Language, vals [slotCount]string) (body *bytes.Buffer, ok bool, err error) {
	if !challengeID.MatchString(vals[slotCaptcha]) {
		return nil, false, nil
	}
	sp, err := fp.spliced(page, l)
	if err != nil {
		return nil, false, err
	}
	b := pageBuffers.Get().(*bytes.Buffer)
	b.Reset()
	size := 0
	for _, p := range sp.parts {
		size += len(p)
	}
	b.Grow(size + 512)
	for i, p := range sp.parts {
		b.Write(p)
		if i < len(sp.slots) {
			writeEscaped(b, vals[sp.slots[i]])
		}
	}
	return b, true, nil
}

func (fp *freshPages) spliced(page string, l *lang.Language) (*splicedPage, error) {
	year := time.Now().Year()
	key := page + " " + l.Code
	fp.mu.Lock()
	defer fp.mu.Unlock()
	if sp := fp.pages[key]; sp != nil && sp.year == year {
		return sp, nil
	}
	f := (&Form{UTMSource: slotMarkers[slotUTMSource], UTMMedium: slotMarkers[slotUTMMedium],
		UTMCampaign: slotMarkers[slotUTMCampaign], Referrer: slotMarkers[slotReferrer]}).withDefaults()
	body, err := fp.render(page, fp.view(page, l, f, Errors{}, slotMarkers[slotCaptcha], false))
	if err != nil {
		return nil, err
	}
	sp := &splicedPage{year: year}
	last := 0
	for _, m := range slotMarker.FindAllIndex(body, -1) {
		sp.parts = append(sp.parts, body[last:m[0]])
		sp.slots = append(sp.slots, slices.Index(slotMarkers[:], string(body[m[0]:m[1]])))
		last = m[1]
	}
	sp.parts = append(sp.parts, body[last:])
	if fp.pages == nil {
		fp.pages = map[string]*splicedPage{}
	}
	fp.pages[key] = sp
	return sp, nil
}

// htmlEscaper escapes as html/template does in text and in quoted
// attribute values, which is where the spliced values stand.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;",
	"+", "&#43;", "\x00", "\uFFFD")

// writeEscaped writes s to w escaped as html/template would.
func writeEscaped(w io.Writer, s string) { htmlEscaper.WriteString(w, s) }
