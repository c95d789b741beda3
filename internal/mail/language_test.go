package mail_test

import (
	"strings"
	"testing"

	"iordesk/internal/catalog"
	"iordesk/internal/lang"
	"iordesk/internal/money"
	"iordesk/internal/store"
)

// TestAcknowledgementInTheProspectsLanguage: over real SMTP, the
// acknowledgement of an enquiry sent in each language is written in it —
// subject, text, HTML with its lang and dir, country and choice names, the
// amount as the language writes numbers —
// while the desk's notification of the same enquiry stays English.
func TestAcknowledgementInTheProspectsLanguage(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	cat := catalog.New()
	for _, l := range lang.All {
		e := r.enquiry(func(e *store.Enquiry) {
			e.Language = l.Code
			e.Email = "prospect-" + strings.ToLower(l.Code) + "@example.com"
		}, "DE", "JP")
		if n := r.runOnce(); n != 2 {
			t.Fatalf("%s: claimed %d messages", l.Code, n)
		}
		got := srv.byRecipient(t)
		ack, desk := got[e.Email], got["desk@ior.example"]
		names := cat.In(l)
		if want := l.T("mail.ack.subject", "Reference", e.Reference); ack.Subject != want {
			t.Errorf("%s: subject %q, want %q", l.Code, ack.Subject, want)
		}
		for _, want := range []string{l.T("mail.ack.hello"), l.T("mail.ack.next"), names.CountryName("DE") + ", " + names.CountryName("JP"),
			names.CountryName("US"), catalog.Label(names.Services, "ior"), catalog.Label(names.ProductCategories, "servers_datacentre"),
			"/privacy?lang=" + l.Code, money.FormatIn(125000050, "EUR", l.Tag)} {
			if !strings.Contains(ack.Text, want) || !strings.Contains(ack.HTML, strings.ReplaceAll(want, "&", "&amp;")) {
				t.Errorf("%s: acknowledgement lacks %q:\n%s", l.Code, want, ack.Text)
			}
		}
		if want := `<html lang="` + l.Code + `" dir="` + l.Dir() + `">`; !strings.Contains(ack.HTML, want) {
			t.Errorf("%s: HTML lacks %s", l.Code, want)
		}
		if !strings.Contains(desk.Text, "Germany, Japan") || !strings.Contains(desk.Text, "Importer of Record (IOR)") || !strings.Contains(desk.Text, "1,250,000.50 EUR") ||
			!strings.Contains(desk.Text, "Writes in:      "+l.InEnglish()) {
			t.Errorf("%s: the desk's mail is not English:\n%s", l.Code, desk.Text)
		}
	}
	// Each language's text differs from the others': none fell back.
	seen := map[string]string{}
	for _, l := range lang.All {
		hello := l.T("mail.ack.thanks", "Reference", "X")
		if other, ok := seen[hello]; ok {
			t.Errorf("%s and %s thank in the same words", l.Code, other)
		}
		seen[hello] = l.Code
	}
}
