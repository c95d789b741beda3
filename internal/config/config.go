// Package config reads iordesk's settings: flags, each with an environment
// variable fallback (flag beats environment beats default), validated once.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"iordesk/internal/sla"
	// The zone database in the binary: IORDESK_TIMEZONE works on hosts and
	// images without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// Config is every setting of the server.
type Config struct {
	Addr           string
	DB             string
	BaseURL        string
	SMTPURL        string
	MailFrom       string
	DeskEmail      string
	TrustedProxies []*net.IPNet
	CORSOrigins    []string
	// EmbedOrigins are the sites allowed to frame the embeddable form
	// (/embed/enquiry); none: it may be framed nowhere.
	EmbedOrigins []string
	LogFormat    string
	// Limits per client IP per minute (docs/DESIGN.md, "Security model").
	EnquiryRate, CaptchaRate, LoginRate int
	// MailLease is how long a mail worker's claim on a message lasts: after
	// a crash, its messages go out again once the lease runs out.
	MailLease time.Duration
	// Retention: spam is deleted after SpamDays; won and lost enquiries
	// are anonymised ClosedMonths after their last change (0: kept).
	SpamDays, ClosedMonths int
	// MetricsAddr, when set, is a listener of its own for /metrics (and
	// the public listener serves none).
	MetricsAddr string
	// AdminEmail is the first admin account's email; empty: admin@localhost
	// when the public URL is on this machine, else a random address.
	AdminEmail string
	// Location is the desk's time zone, in which mail shows times.
	Location *time.Location
	// DeskHours are the default desk's hours and first-response promise,
	// for enquiries no desk of its own answers.
	DeskHours sla.Schedule
	// IMAPURL is the desk mailbox the prospects' answers arrive in (empty:
	// none is polled); IMAPPoll the time between polls; IMAPMarkSeen asks
	// for each recorded message to be flagged \Seen (else the mailbox is
	// opened read-only).
	IMAPURL      string
	IMAPPoll     time.Duration
	IMAPMarkSeen bool
	// ReportCurrency is the currency the reports convert money into, with
	// the exchange rates kept.
	ReportCurrency string
}

// setting is one flag and its environment variable.
type setting struct {
	flag, env, def, usage string
	target                *string
}

// Load parses args (without the command name) with getenv as the
// environment. name is the subcommand, for the usage text; extra may add
// the subcommand's own flags to the set. The usage goes to out;
// flag.ErrHelp is returned for --help.
func Load(name string, args []string, getenv func(string) string, out io.Writer, extra ...func(*flag.FlagSet)) (Config, []string, error) {
	var c Config
	var proxies, origins, embedOrigins, rates, retention, lease, zone, hours, target, imapPoll, markSeen string
	settings := []setting{
		{"addr", "IORDESK_ADDR", ":8080", "listen address", &c.Addr},
		{"db", "IORDESK_DB", "data/iordesk.db", "SQLite file path, or a postgres:// URL", &c.DB},
		{"base-url", "IORDESK_BASE_URL", "", "public URL, used in emails and API answers (empty: http://localhost and the port of --addr)", &c.BaseURL},
		{"smtp-url", "IORDESK_SMTP_URL", "", "smtp://user:pass@host:port, smtps://… or smtp+insecure://host:port; empty writes .eml files under data/mail/", &c.SMTPURL},
		{"mail-from", "IORDESK_MAIL_FROM", "iordesk@localhost", "sender address of all mail", &c.MailFrom},
		{"desk-email", "IORDESK_DESK_EMAIL", "desk@localhost", "where new-enquiry notifications go when no routing rule matches", &c.DeskEmail},
		{"trusted-proxies", "IORDESK_TRUSTED_PROXIES", "", "comma-separated CIDRs whose X-Forwarded-For is believed", &proxies},
		{"cors-origins", "IORDESK_CORS_ORIGINS", "", "comma-separated origins allowed to call the JSON API from a browser", &origins},
		{"embed-origins", "IORDESK_EMBED_ORIGINS", "", "comma-separated origins of the sites that may show the form in a frame (/embed.js, /embed/enquiry)", &embedOrigins},
		{"log-format", "IORDESK_LOG_FORMAT", "text", "log format: text or json", &c.LogFormat},
		{"mail-lease", "IORDESK_MAIL_LEASE", "3m", "how long a mail worker's claim on a message lasts (a crashed worker's mail is resent after it)", &lease},
		{"retention", "IORDESK_RETENTION", "spam_days=90,closed_months=0", "delete spam after N days; anonymise won/lost enquiries N months after their last change (0: keep)", &retention},
		{"metrics-addr", "IORDESK_METRICS_ADDR", "", "listen address of a separate /metrics listener, e.g. 127.0.0.1:9090 (empty: /metrics on the main listener, loopback clients only)", &c.MetricsAddr},
		{"admin-email", "IORDESK_ADMIN_EMAIL", "", "email of the first admin account, created when there is none (empty: admin@localhost for a localhost URL, else a random address)", &c.AdminEmail},
		{"timezone", "IORDESK_TIMEZONE", "UTC", "the desk's time zone, an IANA name such as Europe/Berlin: times in mail are shown in it", &zone},
		{"desk-hours", "IORDESK_DESK_HOURS", "", "the default desk's working days, hours and time zone, e.g. \"Mon-Fri 09:00-17:30 Europe/Berlin\" (empty: Mon-Fri 09:00-17:30 in IORDESK_TIMEZONE)", &hours},
		{"first-response", "IORDESK_FIRST_RESPONSE", "4h", "the default desk's first-response promise in working time, e.g. 4h or 90m", &target},
		{"report-currency", "IORDESK_REPORT_CURRENCY", "EUR", "the currency the reports convert quoted fees and shipment values into (ISO 4217), with the exchange rates kept", &c.ReportCurrency},
		{"imap-url", "IORDESK_IMAP_URL", "", "desk mailbox whose mail is matched to enquiries: imaps://user:pass@host:993/INBOX, imap://… (STARTTLS) or imap+insecure://… (empty: none)", &c.IMAPURL},
		{"imap-poll", "IORDESK_IMAP_POLL", "1m", "time between polls of the desk mailbox", &imapPoll},
		{"imap-mark-seen", "IORDESK_IMAP_MARK_SEEN", "no", "yes: flag each message recorded from the desk mailbox as read (no: the mailbox is opened read-only)", &markSeen},
		{"rate-limits", "IORDESK_RATE_LIMITS", "enquiry=5,captcha=30,login=10", "per-IP limits per minute: enquiry posts, CAPTCHA images and challenges, logins", &rates},
	}
	fs := flag.NewFlagSet("iordesk "+name, flag.ContinueOnError)
	fs.SetOutput(out)
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.target, s.flag, def, s.usage+" (env "+s.env+")")
	}
	for _, add := range extra {
		add(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: iordesk %s [flags]\n\nEach flag falls back to the environment variable named beside it.\n\n", name)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, nil, err
	}
	var err error
	if c.TrustedProxies, err = parseCIDRs(proxies); err != nil {
		return Config{}, nil, err
	}
	c.CORSOrigins = splitList(origins)
	c.EmbedOrigins = splitList(embedOrigins)
	if err := c.parseRates(rates); err != nil {
		return Config{}, nil, err
	}
	if err := c.parseRetention(retention); err != nil {
		return Config{}, nil, err
	}
	if c.MailLease, err = time.ParseDuration(lease); err != nil || c.MailLease < time.Second || c.MailLease > 24*time.Hour {
		return Config{}, nil, fmt.Errorf("IORDESK_MAIL_LEASE %q: want a duration from 1s to 24h, such as 3m", lease)
	}
	if c.Location, err = time.LoadLocation(zone); err != nil || zone == "" || zone == "Local" {
		return Config{}, nil, fmt.Errorf("IORDESK_TIMEZONE %q: want an IANA time zone name such as Europe/Berlin or UTC", zone)
	}
	if hours == "" {
		hours = "Mon-Fri 09:00-17:30 " + zone
	}
	if c.DeskHours, err = sla.ParseHours(hours); err != nil {
		return Config{}, nil, fmt.Errorf("IORDESK_DESK_HOURS: %w", err)
	}
	if c.DeskHours.Target, err = time.ParseDuration(target); err != nil || c.DeskHours.Target <= 0 || c.DeskHours.Target > 30*24*time.Hour {
		return Config{}, nil, fmt.Errorf("IORDESK_FIRST_RESPONSE %q: want a duration of working time such as 4h or 90m", target)
	}
	if c.IMAPPoll, err = time.ParseDuration(imapPoll); err != nil || c.IMAPPoll < 5*time.Second || c.IMAPPoll > 24*time.Hour {
		return Config{}, nil, fmt.Errorf("IORDESK_IMAP_POLL %q: want a duration from 5s to 24h, such as 1m", imapPoll)
	}
	switch strings.ToLower(markSeen) {
	case "yes", "true", "1":
		c.IMAPMarkSeen = true
	case "no", "false", "0":
	default:
		return Config{}, nil, fmt.Errorf("IORDESK_IMAP_MARK_SEEN %q: want yes or no", markSeen)
	}
	return c, fs.Args(), c.validate()
}

// MailDir is where the file transport writes mail: mail/ beside the SQLite
// file (data/mail by default), data/mail with PostgreSQL.
func (c *Config) MailDir() string {
	if strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://") {
		return filepath.Join("data", "mail")
	}
	return filepath.Join(filepath.Dir(c.DB), "mail")
}

// localBaseURL is the base URL of a server reached on this machine at
// addr, the default when none is set: "http://localhost:8080" for ":8080".
func localBaseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "http://localhost:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Warnings are settings that are valid but probably not what the operator
// meant; serve logs them at start.
func (c *Config) Warnings() []string {
	var out []string
	u, err := url.Parse(c.BaseURL)
	_, addrPort, aerr := net.SplitHostPort(c.Addr)
	if err == nil && aerr == nil && c.BaseURLIsLocal() && u.Port() != "" && u.Port() != addrPort {
		out = append(out, fmt.Sprintf("IORDESK_BASE_URL %s names port %s on this machine but the server listens on %s: links in mail will not reach it", c.BaseURL, u.Port(), c.Addr))
	}
	return out
}

// BaseURLIsLocal reports whether the public URL names this machine, that
// is whether only local users can reach the server through it.
func (c *Config) BaseURLIsLocal() bool {
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

func (c *Config) validate() error {
	if c.BaseURL == "" {
		c.BaseURL = localBaseURL(c.Addr)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("IORDESK_BASE_URL %q: want an http:// or https:// URL", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.DB == "" {
		return errors.New("IORDESK_DB is empty")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("IORDESK_LOG_FORMAT %q: want text or json", c.LogFormat)
	}
	if !reportCurrency.MatchString(c.ReportCurrency) {
		return fmt.Errorf("IORDESK_REPORT_CURRENCY %q: want an ISO 4217 code such as EUR or USD", c.ReportCurrency)
	}
	if c.AdminEmail != "" {
		if a, err := mail.ParseAddress(c.AdminEmail); err != nil || a.Address != c.AdminEmail || a.Name != "" {
			return fmt.Errorf("IORDESK_ADMIN_EMAIL %q: want a plain email address", c.AdminEmail)
		}
	}
	for _, list := range []struct {
		name    string
		origins []string
	}{{"IORDESK_CORS_ORIGINS", c.CORSOrigins}, {"IORDESK_EMBED_ORIGINS", c.EmbedOrigins}} {
		for _, o := range list.origins {
			if !IsOrigin(o) {
				return fmt.Errorf("%s: %q is not an origin like https://example.com", list.name, o)
			}
		}
	}
	return nil
}

// IsOrigin reports whether s is a web origin as a browser sends it:
// http or https, a host, perhaps a port, nothing else.
func IsOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.Path == "" &&
		u.RawQuery == "" && u.Fragment == "" && u.User == nil && u.Opaque == "" && u.String() == s
}

// reportCurrency is an ISO 4217 code.
var reportCurrency = regexp.MustCompile(`^[A-Z]{3}$`)

func parseCIDRs(s string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range splitList(s) {
		if !strings.Contains(part, "/") {
			if ip := net.ParseIP(part); ip != nil && ip.To4() != nil {
				part += "/32"
			} else {
				part += "/128"
			}
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("IORDESK_TRUSTED_PROXIES: %q is not a CIDR", part)
		}
		out = append(out, n)
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (c *Config) parseRates(s string) error {
	c.EnquiryRate, c.CaptchaRate, c.LoginRate = 5, 30, 10
	return parseSettings("IORDESK_RATE_LIMITS", s, 1, 100000,
		map[string]*int{"enquiry": &c.EnquiryRate, "captcha": &c.CaptchaRate, "login": &c.LoginRate})
}

func (c *Config) parseRetention(s string) error {
	c.SpamDays, c.ClosedMonths = 90, 0
	return parseSettings("IORDESK_RETENTION", s, 0, 1200,
		map[string]*int{"spam_days": &c.SpamDays, "closed_months": &c.ClosedMonths})
}

// parseSettings reads "name=N,name=N" into the targets named, each N from
// lo to hi; variable names the setting in errors.
func parseSettings(variable, s string, lo, hi int, targets map[string]*int) error {
	for _, part := range splitList(s) {
		name, val, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if !ok || err != nil || n < lo || n > hi {
			return fmt.Errorf("%s: %q: want name=N with N from %d to %d", variable, part, lo, hi)
		}
		target, known := targets[strings.TrimSpace(name)]
		if !known {
			names := make([]string, 0, len(targets))
			for k := range targets {
				names = append(names, k)
			}
			slices.Sort(names)
			return fmt.Errorf("%s: unknown setting %q (%s)", variable, name, strings.Join(names, ", "))
		}
		*target = n
	}
	return nil
}
