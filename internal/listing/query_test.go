package listing

import (
	"net/url"
	"testing"
	"time"

	"iordesk/internal/catalog"
)

// FuzzListQuery parses arbitrary query strings: never a panic, only known
// values kept, and what is kept survives a round trip through the URL.
func FuzzListQuery(f *testing.F) {
	f.Add("country=DE&status=new&page=2")
	f.Add("q=%25_'+OR+1%3D1--&assignee=me&from=2026-01-01&to=2026-12-31")
	f.Add("country=XX&status=bogus&page=-1&assignee=0&sort=oldest")
	f.Add("page=99999999999999999999&q=" + string([]byte{0xff, 0xfe}))
	cat := catalog.New()
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q := Parse(v, cat)
		if q.Page < 1 || q.Page > 100000 {
			t.Fatalf("page %d", q.Page)
		}
		if q.Status != "" && q.Status != "open" && !catalog.HasChoice(catalog.Statuses, q.Status) {
			t.Fatalf("status %q kept", q.Status)
		}
		if q.Country != "" {
			if _, ok := cat.Country(q.Country); !ok {
				t.Fatalf("country %q kept", q.Country)
			}
		}
		if again := Parse(q.Values(), cat); again != q {
			t.Fatalf("round trip: %+v → %+v", q, again)
		}
		f := q.Filter(1, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), time.UTC)
		if f.Limit != PageSize || f.Offset < 0 {
			t.Fatalf("filter %+v", f)
		}
	})
}
