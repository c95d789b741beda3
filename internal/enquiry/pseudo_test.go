package enquiry

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"iordesk/internal/catalog"
	"iordesk/internal/lang"
	"iordesk/internal/web"
	"iordesk/templates"
)

// marked is one message of the pseudo language, innermost first.
var marked = regexp.MustCompile(`⟦[^⟦⟧]*⟧`)

// TestEveryPublicTextComesFromTheCatalogues draws every public page, and
// the form with every error it can show, in the pseudo language, whose
// messages are all marked: any text left unmarked was written into a
// template or a handler and would stay English on a Spanish page. Only
// names that are data (countries, regions, currency codes) and the brand
// may be unmarked.
func TestEveryPublicTextComesFromTheCatalogues(t *testing.T) {
	r, err := web.NewRenderer(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New()
	h := NewHandlers(Deps{Render: r, Catalog: cat})
	p := lang.Pseudo()
	names := cat.In(p)
	allowed := map[string]bool{}
	allow := func(s string) { allowed[trimmed(s)] = true }
	// The brand, and what the prospect typed (kept in the form) or was given.
	for _, s := range []string{"IOR", "Desk", "IOR Desk", "×", "© " + strconv.Itoa(time.Now().Year()) + " IOR Desk", "short", "a\uFFFDb", "ENQ"} {
		allow(s)
	}
	for _, l := range lang.All {
		allow(l.Name) // the switcher names each language in itself
	}
	for _, c := range names.CountryChoices {
		allow(c.Label)
	}
	for _, r := range names.Regions {
		allow(r.Name)
	}
	for _, c := range names.Currencies {
		allow(c.Label)
	}

	// A form with every field wrong: the messages the validation gives.
	errs := Errors{}
	f := &Form{FullName: "x", Company: "www.example.com/x", Email: "nope", Phone: "12", Service: "?", OriginCountry: "??",
		DestinationCountries: []string{"AQ", "DE", "DE"}, ProductCategory: "?", ProductDescription: "short", Condition: "?",
		HSCode: "12ab", EndUserHQCountry: "??", ContainsEncryption: "?", WirelessRadio: "?", LithiumBatteries: "?",
		ShipmentValue: "abc", Currency: "XXX", TargetDate: "2001-01-01", Message: "a\x00b"}
	f.Validate(cat, time.Now(), errs, p)
	errs.Add("captcha_solution", p.T(errCaptchaWrong.id()))
	errs.Add(AttachmentsField, p.T("upload.kind", "Name", "a.exe")+" "+p.T("upload.again"))
	if len(errs) < 18 {
		t.Fatalf("only %d errors: %v", len(errs), errs)
	}
	invalid := h.view("enquiry", p, f, errs, "ABCDEFGHIJKLMNOPQRSTUVWX", false)
	reloaded := h.view("enquiry", p, (&Form{}).withDefaults(), Errors{}, "ABCDEFGHIJKLMNOPQRSTUVWX", true)
	reloaded.FilesDropped = true
	embedded := h.view("enquiry", p, (&Form{}).withDefaults(), Errors{}, "ABCDEFGHIJKLMNOPQRSTUVWX", false)
	embedded.embed("https://blog.example.com", false)

	pages := map[string]struct {
		name string
		data any
	}{
		"home":     {"home", h.view("home", p, (&Form{}).withDefaults(), Errors{}, "ABCDEFGHIJKLMNOPQRSTUVWX", false)},
		"invalid":  {"enquiry", invalid},
		"reloaded": {"enquiry", reloaded},
		"embedded": {"enquiry", embedded},
		"thanks": {"thanks", struct {
			web.Page
			Reference string
		}{web.Page{Lang: p, Title: p.T("thanks.page_title")}, "ENQ-23456789"}},
		"privacy": {"privacy", struct {
			web.Page
			Version string
		}{web.Page{Lang: p, Title: p.T("site.privacy")}, "2026-11-30"}},
		"error": {"error", web.ErrorPage{Page: web.Page{Lang: p, Title: web.StatusTextIn(p, 404)}, Status: 404, Message: web.StatusTextIn(p, http.StatusNotFound)}},
	}
	for label, page := range pages {
		body, err := r.Execute(page.name, page.data)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range unmarked(t, body) {
			if !allowed[text] {
				t.Errorf("%s: %q comes from no catalogue", label, text)
			}
		}
	}
	if missing := lang.Missing(); len(missing) > 0 {
		t.Errorf("messages missing: %v", missing)
	}
}

// unmarked lists what a page shows outside the pseudo language's marks:
// text, and the attributes people read or hear. The marks are taken out
// of the markup before it is parsed, since a message may hold markup
// itself (a link in a sentence).
func unmarked(t *testing.T, body []byte) []string {
	for {
		next := marked.ReplaceAll(body, nil)
		if bytes.Equal(next, body) {
			break
		}
		body = next
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	keep := func(s string) {
		if s = trimmed(s); s != "" {
			out = append(out, s)
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode {
			keep(n.Data)
		}
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "placeholder" || a.Key == "aria-label" || a.Key == "alt" || a.Key == "title" || strings.HasPrefix(a.Key, "data-msg-") {
					keep(a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// trimmed is text without the spaces, punctuation and digits around it.
func trimmed(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsDigit(r) })
}
