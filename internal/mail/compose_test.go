package mail_test

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"

	"iordesk/internal/catalog"
	imail "iordesk/internal/mail"
	"iordesk/internal/store"
	"iordesk/templates"
)

// FuzzHeaders composes both messages from arbitrary names, companies and
// addresses: whatever they hold, the message parses, has exactly the
// headers we set, and its recipients are only the ones we chose.
func FuzzHeaders(f *testing.F) {
	f.Add("Grace Hopper", "Compilers & Co", "grace@example.com")
	f.Add("Evil\r\nBcc: victim@example.net", "Corp\nX-Injected: 1", "a@b.c\r\nBcc: v@example.net")
	f.Add("=?UTF-8?B?QmNjOiB2aWN0aW1AZXhhbXBsZS5uZXQ=?=", "\u2028line", `"quoted, name" <x@y.z>`)
	f.Add(strings.Repeat("長い名前", 100), "\x00nul", "")
	composer, err := imail.NewComposer(templates.FS, catalog.New(), imail.ComposerConfig{
		From: "iordesk@ior.example", DeskEmail: "desk@ior.example", BaseURL: "https://ior.example"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, company, email string) {
		e := &store.Enquiry{ID: 7, Reference: "ENQ-FUZZ0001", FullName: name, Company: company, Email: email,
			Service: "ior", OriginCountry: "US", ProductCategory: "other", Condition: "new", Currency: "USD",
			Destinations: store.CountryCodes{"DE"}}
		for _, kind := range []string{store.MailDeskNotification, store.MailAcknowledgement} {
			to := []string{"desk@ior.example"}
			if kind == store.MailAcknowledgement {
				to = []string{email}
			}
			msg, err := composer.Compose(store.Message{ID: 1, Kind: kind}, e, nil, nil, to, time.Unix(0, 0))
			if err != nil {
				continue // a recipient go-mail refuses: the message fails, nothing is sent
			}
			var buf bytes.Buffer
			if _, err := msg.WriteTo(&buf); err != nil {
				continue
			}
			m, err := mail.ReadMessage(&buf)
			if err != nil {
				t.Fatalf("%s: unparseable message: %v", kind, err)
			}
			for key := range m.Header {
				switch strings.ToLower(key) {
				case "bcc", "cc", "x-injected":
					t.Fatalf("%s: injected header %s", kind, key)
				}
			}
			rcpts, _ := msg.GetRecipients()
			for _, r := range rcpts {
				if kind == store.MailDeskNotification && strings.Trim(r, "<>") != "desk@ior.example" {
					t.Fatalf("desk notification to %q", r)
				}
			}
		}
	})
}

// TestTimesInTheDeskTimeZone: the desk reads "received 30 Nov 2026 10:00
// CET" in Berlin, and UTC when no zone is configured.
func TestTimesInTheDeskTimeZone(t *testing.T) {
	received := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		zone *time.Location
		want string
	}{{nil, "30 Nov 2026 09:00 UTC"}, {berlin, "30 Nov 2026 10:00 CET"}} {
		composer, err := imail.NewComposer(templates.FS, catalog.New(), imail.ComposerConfig{
			From: "iordesk@ior.example", DeskEmail: "desk@ior.example", BaseURL: "https://ior.example", Location: c.zone})
		if err != nil {
			t.Fatal(err)
		}
		e := &store.Enquiry{ID: 1, Reference: "ENQ-TZ", FullName: "Grace Hopper", Email: "grace@example.com", Company: "Compilers & Co",
			Service: "ior", OriginCountry: "US", CreatedAt: received, Destinations: store.CountryCodes{"DE"}}
		msg, err := composer.Compose(store.Message{ID: 1, Kind: store.MailDeskNotification}, e, nil, nil, []string{"desk@ior.example"}, received)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := msg.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), c.want) {
			t.Errorf("zone %v: the mail does not say %q:\n%s", c.zone, c.want, buf.String())
		}
	}
}

// TestDigestGroupsThousands: the weekly digest reads 12,345, not 12345.
func TestDigestGroupsThousands(t *testing.T) {
	composer, err := imail.NewComposer(templates.FS, catalog.New(), imail.ComposerConfig{
		From: "iordesk@ior.example", DeskEmail: "desk@ior.example", BaseURL: "https://ior.example"})
	if err != nil {
		t.Fatal(err)
	}
	r := &store.Report{ByService: []store.Count{{Key: "ior", N: 12345}}, Won: 1500, Lost: 2500,
		CountryLines: []store.CountryLine{{Country: "DE", State: "won", N: 4321}}}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	msg, err := composer.ComposeDigest(store.Message{ID: 1, Kind: store.MailWeeklyDigest}, &store.User{Name: "Boss", Email: "boss@ior.example"}, r, now.AddDate(0, 0, -7), now, now)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{"12,345", "1,500 / 2,500", "Germany: 4,321"} {
		if !strings.Contains(text, want) {
			t.Errorf("the digest does not read %q", want)
		}
	}
}
