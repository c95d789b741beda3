// Package server wires iordesk's echo instance: middleware, handlers and
// routes (routes.go is the whole URL surface).
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"iordesk/internal/catalog"
	"iordesk/internal/compliance"
	"iordesk/internal/config"
	"iordesk/internal/desk"
	"iordesk/internal/enquiry"
	"iordesk/internal/inbox"
	"iordesk/internal/mail"
	"iordesk/internal/report"
	"iordesk/internal/staff"
	"iordesk/internal/store"
	"iordesk/internal/web"
	"iordesk/static"
	"iordesk/templates"
)

// PrivacyNoticeVersion is stored with each consent; change it whenever
// templates/pages/privacy.html changes in substance.
const PrivacyNoticeVersion = "2026-11-30"

// Deps are the parts built by the caller (run, or a test).
type Deps struct {
	Store *store.Store
	Log   *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Sleep waits out a login slowdown; nil means a real wait.
	Sleep func(context.Context, time.Duration) error
}

// Server is the wired application.
type Server struct {
	Echo    *echo.Echo
	Captcha *enquiry.Captcha
	// Outbox is the mail worker; the caller runs it (serve does).
	Outbox *mail.Outbox
	// Inbox polls the desk mailbox (nil: IORDESK_IMAP_URL is not set);
	// the caller runs it (serve does).
	Inbox *inbox.Poller
	// Metrics serves the Prometheus figures to anyone who reaches it: for
	// the listener of IORDESK_METRICS_ADDR, which the operator keeps private.
	Metrics echo.HandlerFunc
	// Rules are the compliance rules in force; Run reloads them every few
	// minutes, to see changes made on other instances.
	Rules *compliance.Book
}

// New builds the echo instance with every route.
func New(cfg config.Config, d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	render, err := web.NewRenderer(templates.FS)
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = web.IPExtractor(cfg.TrustedProxies)
	e.HTTPErrorHandler = web.ErrorHandler(render, d.Log)

	metrics := web.NewMetrics(func(ctx context.Context) (int64, int64, time.Time, error) {
		st, err := d.Store.OutboxStats(ctx)
		return st.Pending, st.Failed, st.OldestPending, err
	}, d.Now)
	e.Use(middleware.RequestID())
	e.Use(metrics.Middleware)
	e.Use(requestLog(d.Log))
	e.Use(middleware.Recover())
	e.Use(web.SecurityHeaders(cfg.TrustedProxies))

	cat := catalog.New()
	outbox, err := newOutbox(cfg, d, cat)
	if err != nil {
		return nil, err
	}
	poller, err := newInbox(cfg, d, outbox)
	if err != nil {
		return nil, err
	}
	captcha := enquiry.NewCaptcha(d.Store, d.Now)
	// The store is migrated: the rules in force are read once here.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	rules, err := compliance.Open(ctx, d.Store)
	cancel()
	if err != nil {
		return nil, err
	}
	desks := desk.New(d.Store, cat, cfg.DeskHours, d.Now)
	public := enquiry.NewHandlers(enquiry.Deps{
		Store: d.Store, Render: render, Now: d.Now, Log: d.Log, BaseURL: cfg.BaseURL,
		Captcha: captcha, Catalog: cat, PrivacyNoticeVersion: PrivacyNoticeVersion, NotifyMail: outbox.Notify,
		Metrics: metrics, Rules: rules, Desks: desks, EmbedOrigins: cfg.EmbedOrigins,
	})
	sessions := staff.NewSessions(d.Store, d.Now, strings.HasPrefix(cfg.BaseURL, "https://"))
	desk := staff.NewHandlers(staff.Deps{Store: d.Store, Render: render, Catalog: cat, Now: d.Now, Log: d.Log, Metrics: metrics,
		Sessions: sessions, Sleep: d.Sleep, Rules: rules, Location: cfg.Location, Desks: desks,
		MailAddresses: []string{cfg.MailFrom, cfg.DeskEmail}, NotifyMail: outbox.Notify})
	reports := report.NewHandlers(d.Store, render, cat, d.Now, cfg.Location, desks, d.Log, cfg.ReportCurrency)
	routes(e, cfg, public, desk, sessions, reports, &operations{store: d.Store, metrics: metrics})
	return &Server{Echo: e, Captcha: captcha, Outbox: outbox, Inbox: poller, Metrics: metrics.Handler(false), Rules: rules}, nil
}

// newInbox builds the poller of the desk mailbox, if one is configured.
func newInbox(cfg config.Config, d Deps, outbox *mail.Outbox) (*inbox.Poller, error) {
	if cfg.IMAPURL == "" {
		return nil, nil
	}
	src, err := inbox.ParseURL(cfg.IMAPURL)
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	p := inbox.New(src, inbox.Deps{Store: d.Store, Log: d.Log, Now: d.Now, Notify: outbox.Notify})
	p.OwnHost, p.MarkSeen = base.Hostname(), cfg.IMAPMarkSeen
	if cfg.IMAPPoll > 0 {
		p.Poll = cfg.IMAPPoll
	}
	return p, nil
}

func newOutbox(cfg config.Config, d Deps, cat *catalog.Catalogue) (*mail.Outbox, error) {
	transport, err := mail.NewTransport(cfg.SMTPURL, cfg.MailDir())
	if err != nil {
		return nil, err
	}
	composer, err := mail.NewComposer(templates.FS, cat, mail.ComposerConfig{From: cfg.MailFrom, DeskEmail: cfg.DeskEmail, BaseURL: cfg.BaseURL, Location: cfg.Location})
	if err != nil {
		return nil, err
	}
	outbox := mail.NewOutbox(mail.OutboxDeps{Store: d.Store, Transport: transport, Composer: composer,
		Catalog: cat, DeskEmail: cfg.DeskEmail, Log: d.Log, Now: d.Now})
	if cfg.MailLease > 0 {
		outbox.Lease = cfg.MailLease
	}
	return outbox, nil
}

// embedScript serves /embed.js, the one line a site adds to show the form
// (static/js/embed.js). Any site may load it, and a host page that asks
// for Cross-Origin-Resource-Policy gets it; only the listed sites may
// frame the form it opens.
func embedScript(c echo.Context) error {
	body, err := fs.ReadFile(static.FS, "js/embed.js")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", body)
}

// staticFiles serves the embedded assets, files only (a folder is 404, not
// a listing); they change only with a new binary, so an hour of caching is
// safe.
func staticFiles() echo.HandlerFunc {
	files := http.FileServer(http.FS(static.FS))
	return func(c echo.Context) error {
		name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
		if info, err := fs.Stat(static.FS, name); err != nil || info.IsDir() {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		http.StripPrefix("/static", files).ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

// operations answers the operator's probes.
type operations struct {
	store   *store.Store
	metrics *web.Metrics
}

// healthz: the process lives.
func (o *operations) healthz(c echo.Context) error { return c.String(http.StatusOK, "ok\n") }

// readyz: the database answers and every migration is applied.
func (o *operations) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := o.store.Ping(ctx); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unreachable\n")
	}
	if n, err := o.store.PendingMigrations(ctx); err != nil || n > 0 {
		return c.String(http.StatusServiceUnavailable, "migrations pending\n")
	}
	return c.String(http.StatusOK, "ready\n")
}

// requestLog logs one line per request: method, route, status, latency and
// the request id. Never the query string or body, which carry user data.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogMethod: true, LogRoutePath: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			log.LogAttrs(context.Background(), level, "request",
				slog.String("method", v.Method), slog.String("route", v.RoutePath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("ip", v.RemoteIP), slog.String("request_id", v.RequestID))
			return nil
		},
	})
}
