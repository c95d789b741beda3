package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"

	gomail "github.com/wneessen/go-mail"

	"iordesk/internal/catalog"
	"iordesk/internal/compliance"
	"iordesk/internal/lang"
	"iordesk/internal/money"
	"iordesk/internal/phone"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// Composer renders the outbox's messages from templates/mail: a text and
// an HTML alternative of each kind.
type Composer struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
	cat  *catalog.Catalogue
	from string
	// fromAddress is the bare sender address, for mail sent in a person's
	// name.
	fromAddress string
	deskEmail   string
	baseURL     string
	host        string // of the base URL, for Message-IDs
	location    *time.Location
}

// ComposerConfig is what rendering needs from the configuration.
type ComposerConfig struct {
	From, DeskEmail, BaseURL string
	// Location is the desk's time zone (nil: UTC).
	Location *time.Location
}

// senderName is shown beside a bare sender address, so that mail clients
// list "IOR Desk" rather than "iordesk" or the address.
const senderName = "IOR Desk"

// senderWithName gives a bare From address the sender name; an address
// configured with a name of its own ("Acme IOR <ior@acme.example>") keeps it.
func senderWithName(from string) string {
	a, err := mail.ParseAddress(from)
	if err != nil || a.Name != "" {
		return from
	}
	a.Name = senderName
	return a.String()
}

// NewComposer parses mail/KIND.txt and mail/KIND.html for each kind.
func NewComposer(files interface {
	ReadFile(string) ([]byte, error)
}, cat *catalog.Catalogue, cfg ComposerConfig) (*Composer, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	c := &Composer{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{},
		cat: cat, from: senderWithName(cfg.From), deskEmail: cfg.DeskEmail, baseURL: strings.TrimRight(cfg.BaseURL, "/"), host: u.Hostname(), location: cfg.Location}
	if c.location == nil {
		c.location = time.UTC
	}
	if a, err := mail.ParseAddress(cfg.From); err == nil {
		c.fromAddress = a.Address
	} else {
		c.fromAddress = cfg.From
	}
	replyHTML, err := files.ReadFile("mail/" + store.MailReply + ".html")
	if err != nil {
		return nil, err
	}
	if c.html[store.MailReply], err = htmltemplate.New(store.MailReply).Parse(string(replyHTML)); err != nil {
		return nil, fmt.Errorf("parse mail/%s.html: %w", store.MailReply, err)
	}
	for _, kind := range []string{store.MailDeskNotification, store.MailAcknowledgement, store.MailWeeklyDigest, store.MailAssigned, store.MailProspectWrote} {
		txt, err := files.ReadFile("mail/" + kind + ".txt")
		if err != nil {
			return nil, err
		}
		if c.text[kind], err = texttemplate.New(kind).Funcs(texttemplate.FuncMap{"count": web.GroupDigits}).Parse(string(txt)); err != nil {
			return nil, fmt.Errorf("parse mail/%s.txt: %w", kind, err)
		}
		html, err := files.ReadFile("mail/" + kind + ".html")
		if err != nil {
			return nil, err
		}
		if c.html[kind], err = htmltemplate.New(kind).Funcs(htmltemplate.FuncMap{"count": web.GroupDigits}).Parse(string(html)); err != nil {
			return nil, fmt.Errorf("parse mail/%s.html: %w", kind, err)
		}
	}
	// The monthly digest is the weekly one over a month.
	c.text[store.MailMonthlyDigest], c.html[store.MailMonthlyDigest] = c.text[store.MailWeeklyDigest], c.html[store.MailWeeklyDigest]
	return c, nil
}

// view is what the mail templates read: the enquiry with every code turned
// into its label.
type view struct {
	E                                    *store.Enquiry
	Destinations                         string
	Origin, Service, Category, Condition string
	EndUserHQ                            string // "" when not stated
	Phone                                string // grouped for reading; "" when not given
	// Screen is the compliance pre-screen's findings, most severe first
	// (desk notification only).
	Screen     []screenLine
	Disclaimer string
	// Files are the prospect's files, as links to the dashboard: a file
	// never travels in mail (desk notification only).
	Files                               []fileLine
	Encryption, Radio, Lithium, Value   string
	Received                            string
	DashboardURL, PrivacyURL, DeskEmail string
	// By is who assigned the enquiry (assignment mail), or who wrote
	// (prospect mail).
	By string
	// Subject and Excerpt are the prospect's message (prospect mail);
	// ToDesk says it goes to the desk because nobody is assigned.
	Subject, Excerpt string
	ToDesk           bool
	// Lang is the language of mail to the prospect (the enquiry's); the
	// desk's mail is English and names the prospect's (WritesIn).
	Lang     *lang.Language
	WritesIn string
}

// T is a message in the mail's language, for the prospect's templates.
func (v view) T(id string, data ...any) string { return v.Lang.T(id, data...) }

// fileLine is an attached file in the desk's mail.
type fileLine struct{ Name, Kind, Size, URL string }

// view is the enquiry in l: its names and labels, and the links.
func (c *Composer) view(e *store.Enquiry, l *lang.Language) view {
	n := c.cat.In(l)
	names := make([]string, 0, len(e.Destinations))
	for _, code := range e.Destinations {
		names = append(names, n.CountryName(code))
	}
	return view{
		E: e, Lang: l, WritesIn: lang.ByCode(e.Language).InEnglish(), Destinations: strings.Join(names, ", "), Origin: n.CountryName(e.OriginCountry),
		EndUserHQ:    n.CountryName(e.EndUserHQCountry),
		Service:      catalog.Label(n.Services, e.Service),
		Category:     catalog.Label(n.ProductCategories, e.ProductCategory),
		Condition:    catalog.Label(n.Conditions, e.Condition),
		Encryption:   catalog.Label(n.YesNoUnknown, e.ContainsEncryption),
		Radio:        catalog.Label(n.YesNoUnknown, e.WirelessRadio),
		Lithium:      catalog.Label(n.LithiumOptions, e.LithiumBatteries),
		Value:        money.FormatIn(e.ShipmentValueCents, e.Currency, l.Tag),
		Phone:        phone.Display(e.Phone),
		Received:     e.CreatedAt.In(c.location).Format("2 Jan 2006 15:04 MST"),
		DashboardURL: fmt.Sprintf("%s/staff/enquiries/%d", c.baseURL, e.ID),
		PrivacyURL:   web.WithLanguage(c.baseURL+"/privacy", l), DeskEmail: c.deskEmail,
	}
}

// screenLines orders findings most severe first, whatever the destination.
func (c *Composer) screenLines(findings []store.Finding) []screenLine {
	rank := map[string]int{"block": 0, "hold": 1, "action": 2, "info": 3}
	out := make([]screenLine, len(findings))
	for i, f := range findings {
		out[i] = screenLine{Finding: f, Country: c.cat.CountryName(f.Country)}
	}
	slices.SortStableFunc(out, func(a, b screenLine) int { return rank[a.Severity] - rank[b.Severity] })
	return out
}

// screenLine is one finding as the desk mail lists it.
type screenLine struct {
	store.Finding
	Country string // the destination's name
}

// Compose builds message m for enquiry e, to recipients; findings are the
// enquiry's compliance pre-screen, which only the desk's mail shows.
func (c *Composer) Compose(m store.Message, e *store.Enquiry, findings []store.Finding, files []store.Attachment, recipients []string, now time.Time) (*gomail.Msg, error) {
	// Only the prospect's mail is in their language.
	l := lang.English
	if m.Kind == store.MailAcknowledgement {
		l = lang.ByCode(e.Language)
	}
	v := c.view(e, l)
	v.By = m.SenderName
	v.Subject, v.Excerpt, v.ToDesk = m.Subject, m.Body, m.UserID == nil
	if m.Kind == store.MailDeskNotification {
		v.Screen, v.Disclaimer = c.screenLines(findings), compliance.Disclaimer
		for _, f := range files {
			v.Files = append(v.Files, fileLine{Name: f.Name, Kind: web.FileKind(f.MediaType), Size: web.FileSize(f.Size),
				URL: c.baseURL + web.AttachmentPath(e.ID, f.ID)})
		}
	}
	var text bytes.Buffer
	if err := c.text[m.Kind].Execute(&text, v); err != nil {
		return nil, fmt.Errorf("render %s text: %w", m.Kind, err)
	}
	var html bytes.Buffer
	if err := c.html[m.Kind].Execute(&html, v); err != nil {
		return nil, fmt.Errorf("render %s html: %w", m.Kind, err)
	}
	msg := gomail.NewMsg()
	if err := msg.From(c.from); err != nil {
		return nil, fmt.Errorf("from address %q: %w", c.from, err)
	}
	if err := msg.To(recipients...); err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	switch m.Kind {
	case store.MailDeskNotification:
		msg.Subject(headerText(fmt.Sprintf("[%s] %s: %s — %s", e.Reference, shortList(v.Destinations, 5), v.Service, e.Company)))
		// The prospect's address goes only into Reply-To, and only once
		// net/mail has parsed it as a single bare address.
		if addr, err := mail.ParseAddress(e.Email); err == nil && addr.Address == e.Email {
			msg.ReplyTo(addr.Address)
		}
	case store.MailAcknowledgement:
		msg.Subject(headerText(l.T("mail.ack.subject", "Reference", e.Reference)))
		msg.ReplyTo(c.deskEmail)
	case store.MailAssigned:
		msg.Subject(headerText(fmt.Sprintf("[%s] is yours: %s — %s", e.Reference, shortList(v.Destinations, 5), e.Company)))
	case store.MailProspectWrote:
		msg.Subject(headerText(fmt.Sprintf("[%s] %s wrote: %s", e.Reference, e.Company, m.Subject)))
	default:
		return nil, fmt.Errorf("unknown mail kind %q", m.Kind)
	}
	// Stable per message, so a duplicate after a crash is recognisable.
	msg.SetMessageIDWithValue(MessageID(m.ID, e.Reference, c.host))
	msg.SetDateWithValue(now)
	msg.SetBodyString(gomail.TypeTextPlain, text.String())
	msg.AddAlternativeString(gomail.TypeTextHTML, html.String())
	return msg, nil
}

// replyView is what the reply's HTML template reads: the plain text in
// paragraphs, escaped by the template.
type replyView struct {
	Subject    string
	Paragraphs [][]string // lines of each paragraph
	Lang       string
}

// Paragraphs are a plain text's paragraphs (split at blank lines), each as
// its lines: how a reply's HTML version lays the text out.
func Paragraphs(text string) [][]string {
	var out [][]string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(para) != "" {
			out = append(out, strings.Split(para, "\n"))
		}
	}
	return out
}

// ComposeReply builds an agent's reply to the prospect as written: from
// the desk's sender address in the agent's name, Reply-To the desk that
// answers the enquiry, to the prospect with the copies the agent chose, the
// plain text as written and an HTML version of it. It continues the thread
// of the acknowledgement (ackID, 0 for none) and answers the prospect's
// message it names (m.InReplyTo), so mail clients file both together.
func (c *Composer) ComposeReply(m store.Message, e *store.Enquiry, replyTo string, ackID int64, now time.Time) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.FromFormat(headerText(m.SenderName+" at "+senderName), c.fromAddress); err != nil {
		return nil, fmt.Errorf("from address %q: %w", c.fromAddress, err)
	}
	if err := msg.To(e.Email); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	if m.Cc != "" {
		if err := msg.Cc(strings.Split(m.Cc, ", ")...); err != nil {
			return nil, fmt.Errorf("copies: %w", err)
		}
	}
	if err := msg.ReplyTo(replyTo); err != nil {
		return nil, fmt.Errorf("reply-to %q: %w", replyTo, err)
	}
	msg.Subject(headerText(m.Subject))
	v := replyView{Subject: m.Subject, Lang: "en", Paragraphs: Paragraphs(m.Body)}
	var html bytes.Buffer
	if err := c.html[store.MailReply].Execute(&html, v); err != nil {
		return nil, fmt.Errorf("render reply html: %w", err)
	}
	msg.SetMessageIDWithValue(MessageID(m.ID, e.Reference, c.host))
	var thread []string
	if ackID != 0 {
		thread = append(thread, "<"+MessageID(ackID, e.Reference, c.host)+">")
	}
	if id := headerText(m.InReplyTo); id != "" && !strings.ContainsAny(id, "<> ") {
		thread = append(thread, "<"+id+">")
	}
	if len(thread) > 0 {
		msg.SetGenHeader(gomail.HeaderInReplyTo, thread[len(thread)-1])
		msg.SetGenHeader(gomail.HeaderReferences, strings.Join(thread, " "))
	}
	msg.SetDateWithValue(now)
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	msg.AddAlternativeString(gomail.TypeTextHTML, html.String())
	return msg, nil
}

// headerText keeps a header value on one line: validation already refuses
// CR and LF in every field that reaches a header, this makes sure.
func headerText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	if len([]rune(s)) > 200 {
		s = string([]rune(s)[:199]) + "…"
	}
	return s
}

// shortList keeps the first n items of a comma-separated list.
func shortList(list string, n int) string {
	items := strings.Split(list, ", ")
	if len(items) <= n {
		return list
	}
	return strings.Join(items[:n], ", ") + " +" + strconv.Itoa(len(items)-n) + " more"
}

// digestView is what the weekly digest templates read.
type digestView struct {
	Name, From, To string
	// Span is "week" or "month"; Subscription the digest asked for.
	Span, Subscription string
	Total              int64
	Top                []digestLine
	Won, Lost          int64
	Conversion, Median string
	ReportsURL         string
}

type digestLine struct {
	Label string
	N     int64
}

// ComposeDigest builds a manager's weekly summary of [from, to).
func (c *Composer) ComposeDigest(m store.Message, u *store.User, r *store.Report, from, to, now time.Time) (*gomail.Msg, error) {
	v := digestView{Name: u.Name, From: from.UTC().Format("2 Jan 2006"), To: to.UTC().Add(-time.Second).Format("2 Jan 2006"),
		Span: "week", Subscription: "weekly digest",
		Won: r.Won, Lost: r.Lost, Conversion: "—", Median: "—",
		ReportsURL: c.baseURL + "/staff/reports?from=" + from.UTC().Format(time.DateOnly)}
	if m.Kind == store.MailMonthlyDigest {
		v.Span, v.Subscription = "month", "monthly digest"
		v.ReportsURL += "&to=" + to.UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	}
	totals := map[string]int64{}
	for _, b := range r.ByService {
		v.Total += b.N
	}
	for _, cs := range r.CountryLines {
		totals[cs.Country] += cs.N
	}
	for country, n := range totals {
		v.Top = append(v.Top, digestLine{Label: c.cat.CountryName(country), N: n})
	}
	sort.Slice(v.Top, func(i, j int) bool {
		return v.Top[i].N > v.Top[j].N || v.Top[i].N == v.Top[j].N && v.Top[i].Label < v.Top[j].Label
	})
	v.Top = v.Top[:min(len(v.Top), 5)]
	if conv := r.Conversion(); conv >= 0 {
		v.Conversion = fmt.Sprintf("%.0f%%", 100*conv)
	}
	if r.Responded > 0 {
		v.Median = r.ResponseQuantile(0.5).Round(time.Minute).String()
	}
	var text, html bytes.Buffer
	if err := c.text[m.Kind].Execute(&text, v); err != nil {
		return nil, fmt.Errorf("render digest text: %w", err)
	}
	if err := c.html[m.Kind].Execute(&html, v); err != nil {
		return nil, fmt.Errorf("render digest html: %w", err)
	}
	msg := gomail.NewMsg()
	if err := msg.From(c.from); err != nil {
		return nil, err
	}
	if err := msg.To(u.Email); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	subject := fmt.Sprintf("IOR Desk weekly: %d enquiries, %s to %s", v.Total, v.From, v.To)
	if m.Kind == store.MailMonthlyDigest {
		subject = fmt.Sprintf("IOR Desk monthly: %d enquiries in %s", v.Total, from.UTC().Format("January 2006"))
	}
	msg.Subject(headerText(subject))
	msg.SetMessageIDWithValue(MessageID(m.ID, "digest", c.host))
	msg.SetDateWithValue(now)
	msg.SetBodyString(gomail.TypeTextPlain, text.String())
	msg.AddAlternativeString(gomail.TypeTextHTML, html.String())
	return msg, nil
}
