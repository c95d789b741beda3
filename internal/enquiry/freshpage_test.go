package enquiry

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"iordesk/internal/catalog"
	"iordesk/internal/lang"
	"iordesk/internal/web"
	"iordesk/templates"
)

// TestFreshPageEqualsTheTemplate checks the spliced empty form against the
// template itself, byte for byte, with hostile tracking values.
func TestFreshPageEqualsTheTemplate(t *testing.T) {
	r, err := web.NewRenderer(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandlers(Deps{Render: r, Catalog: catalog.New()})
	values := []string{"", "newsletter", `"><script>alert(1)</script>`, "a+b&c=d'e", "nul\x00", "日本語 ümlaut",
		"zqxcaptchazqx", "https://example.com/?q=1&r=<2>"}
	for n, page := range []string{"enquiry", "home"} {
		// Every language has its own pieces; each page is tried in a few.
		l := lang.All[n%len(lang.All)]
		for i, v := range values {
			if i%3 == 0 {
				l = lang.All[(n+i)%len(lang.All)]
			}
			id := []string{"ABCDEFGHIJKLMNOPQRSTUVWX", "234567ABCDEFGHIJKLMNOPQR"}[i%2]
			f := (&Form{UTMSource: v, UTMMedium: "m" + v, UTMCampaign: v + "c", Referrer: v}).withDefaults()
			want, err := r.Execute(page, h.view(page, l, f, Errors{}, id, false))
			if err != nil {
				t.Fatal(err)
			}
			got, ok, err := h.fresh.write(page, l, [slotCount]string{id, f.UTMSource, f.UTMMedium, f.UTMCampaign, f.Referrer})
			if err != nil || !ok {
				t.Fatalf("%s: ok %v, %v", page, ok, err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s in %s with %q: spliced page differs from the template at byte %d", page, l.Code, v, firstDiff(got.Bytes(), want))
			}
			if strings.Count(got.String(), id) < 3 {
				t.Errorf("%s: the challenge id is not in the image, audio and hidden field", page)
			}
		}
	}
	// An id that is not base32 is never spliced raw.
	if _, ok, _ := h.fresh.write("enquiry", lang.English, [slotCount]string{`"><x`}); ok {
		t.Error("a malformed id was spliced")
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestWriteEscapedMatchesHTMLTemplate(t *testing.T) {
	tmpl := template.Must(template.New("").Parse(`<p>{{.}}</p><input value="{{.}}">`))
	for _, s := range []string{"", "plain", `<script>alert("x")</script>`, "a&b", "it's", "1+1", "nul\x00byte", "é ü 日本"} {
		var want, got strings.Builder
		if err := tmpl.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		got.WriteString("<p>")
		writeEscaped(&got, s)
		got.WriteString(`</p><input value="`)
		writeEscaped(&got, s)
		got.WriteString(`">`)
		if got.String() != want.String() {
			t.Errorf("%q: %q, want %q", s, got.String(), want.String())
		}
	}
}
