package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"iordesk/internal/catalog"
	"iordesk/internal/lang"
	"iordesk/internal/store"
)

// getIn fetches path as a browser that asks for acceptLanguage.
func (a *app) getIn(path, acceptLanguage, session string) (*httptest.ResponseRecorder, *goquery.Document) {
	a.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	rec := a.send(req, "192.0.2.7", session)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		a.t.Fatal(err)
	}
	return rec, doc
}

// TestPublicPagesInTheVisitorsLanguage: every public page comes in the
// language ?lang= names, else the browser's, else English, with lang and
// dir on the page, the switcher marking it, and its links keeping it.
// Staff pages stay English whatever the browser asks.
func TestPublicPagesInTheVisitorsLanguage(t *testing.T) {
	a := newApp(t)
	cat := catalog.New()
	for _, c := range []struct{ path, accept, want string }{
		{"/", "", "en"},
		{"/", "es-MX,es;q=0.9", "es"},
		{"/enquiry", "de-CH", "de"},
		{"/enquiry?lang=fr", "de", "fr"},
		{"/enquiry?lang=pt", "", "pt-BR"},
		{"/privacy", "zh-CN", "zh-Hans"},
		{"/enquiry/thanks?ref=ENQ-23456789", "ar-SA", "ar"},
		{"/nope", "fr-FR", "fr"}, // the 404 page too
		{"/enquiry", "ja", "en"}, // not offered: English
		{"/enquiry?lang=xx", "nl", "en"},
	} {
		l := lang.ByCode(c.want)
		rec, doc := a.getIn(c.path, c.accept, "")
		html := doc.Find("html")
		if got := html.AttrOr("lang", ""); got != c.want || html.AttrOr("dir", "") != l.Dir() {
			t.Errorf("%s (%s): lang %q dir %q, want %s %s", c.path, c.accept, got, html.AttrOr("dir", ""), c.want, l.Dir())
			continue
		}
		if got := doc.Find(".skip-link").Text(); got != l.T("site.skip") {
			t.Errorf("%s (%s): skip link %q", c.path, c.accept, got)
		}
		current := doc.Find(".languages a[aria-current]")
		if current.Length() != 1 || current.AttrOr("lang", "") != c.want || doc.Find(".languages a").Length() != len(lang.All) {
			t.Errorf("%s (%s): switcher marks %q of %d", c.path, c.accept, current.AttrOr("lang", ""), doc.Find(".languages a").Length())
		}
		if href := doc.Find(".site-footer a").AttrOr("href", ""); href != "/privacy?lang="+url.QueryEscape(c.want) {
			t.Errorf("%s (%s): footer link %q", c.path, c.accept, href)
		}
		switch {
		case strings.HasPrefix(c.path, "/enquiry?") || c.path == "/enquiry" || c.path == "/":
			if got := doc.Find("button[data-send]").Text(); got != l.T("form.send") {
				t.Errorf("%s (%s): send button %q", c.path, c.accept, got)
			}
			if got := doc.Find("form#enquiry-form").AttrOr("action", ""); got != "/enquiry?lang="+url.QueryEscape(c.want) {
				t.Errorf("%s (%s): the form posts to %q", c.path, c.accept, got)
			}
			// Countries in the language, in its order.
			names := cat.In(l)
			if got := doc.Find("#origin_country option").Eq(1).Text(); got != names.CountryChoices[0].Label {
				t.Errorf("%s (%s): first country %q, want %q", c.path, c.accept, got, names.CountryChoices[0].Label)
			}
			if got := strings.TrimSpace(doc.Find("input[name=destination_countries][value=DE]").Parent().Text()); got != names.CountryName("DE") {
				t.Errorf("%s (%s): Germany is %q", c.path, c.accept, got)
			}
		case c.path == "/nope":
			if rec.Code != http.StatusNotFound || doc.Find("h1").Text() != l.T("error.status.404") {
				t.Errorf("404 page: %d %q", rec.Code, doc.Find("h1").Text())
			}
		}
	}
	// Search engines are told the page in every language.
	_, doc := a.getIn("/enquiry?lang=fr", "", "")
	if def := doc.Find(`link[rel=alternate][hreflang=x-default]`).AttrOr("href", ""); !strings.HasSuffix(def, "/enquiry") || !strings.HasPrefix(def, "http") ||
		doc.Find(`link[rel=alternate][hreflang=pt-BR]`).AttrOr("href", "") != def+"?lang=pt-BR" || doc.Find(`link[rel=alternate]`).Length() != len(lang.All)+1 {
		t.Errorf("alternates: x-default %q, %d links", def, doc.Find(`link[rel=alternate]`).Length())
	}
	// A switch of language carries the landing page's referrer along.
	req := httptest.NewRequest(http.MethodGet, "/enquiry?lang=es&utm_source=n&referrer="+url.QueryEscape("https://news.example/a?b=1"), nil)
	req.Header.Set("Referer", "http://example.com/enquiry?lang=ar")
	doc, _ = goquery.NewDocumentFromReader(a.send(req, "192.0.2.8", "").Body)
	if got := doc.Find("input[name=referrer]").AttrOr("value", ""); got != "https://news.example/a?b=1" {
		t.Errorf("referrer after a switch %q", got)
	}
	// The spoken code in the language's voice where the library has one.
	_, doc = a.getIn("/enquiry?lang=pt-BR", "", "")
	wav := doc.Find("audio.captcha-player").AttrOr("src", "")
	if !strings.HasSuffix(wav, ".wav?voice=pt") {
		t.Fatalf("Portuguese audio %q", wav)
	}
	pt, _ := a.getIn(wav, "", "")
	en, _ := a.getIn(strings.TrimSuffix(wav, "?voice=pt"), "", "")
	if pt.Code != http.StatusOK || en.Code != http.StatusOK || bytes.Equal(pt.Body.Bytes(), en.Body.Bytes()) {
		t.Errorf("the Portuguese clip (%d, %d bytes) is the English one (%d, %d bytes)", pt.Code, pt.Body.Len(), en.Code, en.Body.Len())
	}
	rec := a.request(http.MethodPost, "/api/v1/captcha?lang=zh-Hans", nil, "")
	var challenge struct {
		Audio string `json:"audio_url"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &challenge); err != nil || !strings.HasSuffix(challenge.Audio, ".wav?voice=zh") {
		t.Errorf("a challenge for a Chinese page: %s", rec.Body.String())
	}
	if _, doc := a.getIn("/enquiry?lang=es", "", ""); doc.Find("audio.captcha-player").AttrOr("src", "") == "" ||
		strings.Contains(doc.Find("audio.captcha-player").AttrOr("src", ""), "voice") {
		t.Error("Spanish has no voice of its own and should get English")
	}
	// Staff pages are English.
	if _, doc := a.getIn("/staff/login", "ar,fr", ""); doc.Find("html").AttrOr("lang", "") != "en" || doc.Find("html").AttrOr("dir", "") != "ltr" {
		t.Error("the staff login page is not English")
	}
	// The form in a frame takes the embed script's data-lang.
	b := newAppWith(t, a.dsn+"-embed.db", map[string]string{"IORDESK_EMBED_ORIGINS": "https://blog.example.com"})
	if _, doc := b.getIn("/embed/enquiry?origin=https%3A%2F%2Fblog.example.com&lang=es", "", ""); doc.Find("html").AttrOr("lang", "") != "es" ||
		doc.Find("form#enquiry-form").AttrOr("action", "") != "/embed/enquiry?lang=es" {
		t.Error("the embedded form is not in the language the host page asked for")
	}
}

// TestEnquiryInItsLanguage: a post's errors come in its language with the
// banner translated (exact in English); the stored enquiry keeps the
// language, the thanks page follows it; the API speaks Accept-Language.
func TestEnquiryInItsLanguage(t *testing.T) { onBothEngines(t, testEnquiryInItsLanguage) }

func testEnquiryInItsLanguage(t *testing.T, a *app) {
	ctx := context.Background()
	de := lang.ByCode("de")
	// Errors in German, the values kept.
	form := a.filledForm("DE")
	form.Set("email", "kein-mail")
	form.Set("shipment_value", "")
	form.Set("full_name", "Jürgen Weiß")
	rec := a.requestFrom("198.51.100.20", http.MethodPost, "/enquiry?lang=de", form, "")
	doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(rec.Body.Bytes()))
	if rec.Code != http.StatusUnprocessableEntity || doc.Find("#error-summary-title").Text() != de.T("form.banner") {
		t.Fatalf("German post: %d, banner %q", rec.Code, doc.Find("#error-summary-title").Text())
	}
	if got := doc.Find("#email-error").Text(); !strings.Contains(got, de.T("error.email")) || !strings.Contains(got, de.T("form.error_word")) {
		t.Errorf("email error %q", got)
	}
	if got := doc.Find("#error-summary li").First().Text(); got != de.T("form.summary.item", "Field", de.T("field.email"), "Problem", de.T("error.email")) {
		t.Errorf("summary %q", got)
	}
	if doc.Find("#full_name").AttrOr("value", "") != "Jürgen Weiß" || doc.Find("html").AttrOr("lang", "") != "de" {
		t.Error("the German form did not keep the name or its language")
	}

	// Amounts as the language writes them: German grouping points.
	form = a.filledForm("DE")
	form.Set("shipment_value", "1.250.000,50")
	rec = a.requestFrom("198.51.100.26", http.MethodPost, "/enquiry?lang=de", form, "")
	if loc, _ := url.Parse(rec.Header().Get("Location")); rec.Code != http.StatusSeeOther {
		t.Errorf("German amount refused: %d", rec.Code)
	} else if e, err := a.st.EnquiryByReference(ctx, loc.Query().Get("ref")); err != nil || e.ShipmentValueCents != 125000050 {
		t.Errorf("German amount stored as %v, %v", e, err)
	}
	form = a.filledForm("DE")
	form.Set("shipment_value", "1.250.000,50")
	if rec := a.requestFrom("198.51.100.27", http.MethodPost, "/enquiry?lang=en", form, ""); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("the English form read a German amount: %d", rec.Code)
	}

	// Stored with its language; the thanks page in it.
	rec = a.requestFrom("198.51.100.21", http.MethodPost, "/enquiry?lang=zh-Hans", a.filledForm("CN"), "")
	loc, err := url.Parse(rec.Header().Get("Location"))
	if rec.Code != http.StatusSeeOther || err != nil || loc.Query().Get("lang") != "zh-Hans" {
		t.Fatalf("post: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	e, err := a.st.EnquiryByReference(ctx, loc.Query().Get("ref"))
	if err != nil || e.Language != "zh-Hans" {
		t.Fatalf("stored %v, %v", e, err)
	}
	if _, doc := a.getIn(loc.String(), "en", ""); doc.Find("h1").Text() != lang.ByCode("zh-Hans").T("thanks.title") {
		t.Errorf("thanks page %q", doc.Find("h1").Text())
	}
	// The desk sees which language to answer in; its page stays English.
	if _, doc := a.getIn(fmt.Sprintf("/staff/enquiries/%d", e.ID), "zh-CN", a.session(store.RoleAgent)); !strings.Contains(doc.Find("dl.fields").Text(), "Writes inSimplified Chinese") ||
		doc.Find("html").AttrOr("lang", "") != "en" {
		t.Errorf("staff page: %q", doc.Find("dl.fields").Text())
	}
	// A browser in Arabic without ?lang=: stored as Arabic.
	req := httptest.NewRequest(http.MethodPost, "/enquiry", strings.NewReader(a.filledForm("AE").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "ar-AE,ar;q=0.9,en;q=0.5")
	rec = a.send(req, "198.51.100.22", "")
	loc, _ = url.Parse(rec.Header().Get("Location"))
	if e, err := a.st.EnquiryByReference(ctx, loc.Query().Get("ref")); err != nil || e.Language != "ar" {
		t.Fatalf("Arabic browser: %v, %v", e, err)
	}

	// The API: French messages, English field names.
	body, _ := json.Marshal(map[string]any{"full_name": "Marie Curie", "email": "marie@"})
	req = httptest.NewRequest(http.MethodPost, "/api/v1/enquiries", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "fr-FR")
	rec = a.send(req, "198.51.100.23", "")
	var answer struct {
		Error  string            `json:"error"`
		Fields map[string]string `json:"fields"`
	}
	fr := lang.ByCode("fr")
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || rec.Code != http.StatusUnprocessableEntity ||
		answer.Error != fr.T("form.banner") || answer.Fields["email"] != fr.T("error.email") {
		t.Fatalf("API in French: %d %s", rec.Code, rec.Body.String())
	}
	form = a.filledForm("FR")
	values := map[string]any{"consent": true}
	for k, v := range form {
		if k == "destination_countries" {
			values[k] = v
		} else if k != "consent" {
			values[k] = v[0]
		}
	}
	body, _ = json.Marshal(values)
	req = httptest.NewRequest(http.MethodPost, "/api/v1/enquiries?lang=fr", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec = a.send(req, "198.51.100.24", "")
	var created struct{ Reference string }
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || rec.Code != http.StatusCreated {
		t.Fatalf("API post: %d %s", rec.Code, rec.Body.String())
	}
	if e, err := a.st.EnquiryByReference(ctx, created.Reference); err != nil || e.Language != "fr" {
		t.Fatalf("API enquiry stored %v, %v", e, err)
	}
	// The English banner is the contract's, word for word.
	form = a.filledForm("DE")
	form.Del("email")
	rec = a.requestFrom("198.51.100.25", http.MethodPost, "/enquiry", form, "")
	if !strings.Contains(rec.Body.String(), "Please correct the errors and try again.") {
		t.Error("the English banner changed")
	}
}
