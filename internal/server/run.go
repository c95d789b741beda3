package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/config"
	"iordesk/internal/mail"
	"iordesk/internal/staff"
	"iordesk/internal/store"
)

// purgeEvery is how often the periodic jobs run: purges of expired CAPTCHA
// challenges, sessions and limits, retention, and the weekly digest.
const purgeEvery = 5 * time.Minute

// RunOptions adjust Run for the load tool's baselines; the zero value is
// `iordesk serve`.
type RunOptions struct {
	// Adjust, when set, may change the built server before it serves.
	Adjust func(*Server)
	// Ready, when set, is called once the listener accepts requests.
	Ready func(addr string)
}

// Run is `iordesk serve`: it serves cfg.Addr (and cfg.MetricsAddr) with the
// mail worker and the periodic jobs until ctx ends, creating the first
// admin when there is no account, then shuts down gracefully: in-flight
// requests finish, queued writes commit. The caller opened and migrated st.
func Run(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger, opts RunOptions) error {
	if err := EnsureAdmin(ctx, st, cfg, log); err != nil {
		return err
	}
	srv, err := New(cfg, Deps{Store: st, Log: log})
	if err != nil {
		return err
	}
	if opts.Adjust != nil {
		opts.Adjust(srv)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	httpServer := &http.Server{
		Handler:           srv.Echo,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       20 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("iordesk listening", "addr", ln.Addr().String(), "db", redactDSN(cfg.DB), "base_url", cfg.BaseURL)

	// The background jobs outlive ctx by a little: they stop after the
	// HTTP server has drained, so a late enquiry's mail is still woken.
	jobs, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	var jobsWG sync.WaitGroup
	jobsWG.Go(func() { periodicJobs(jobs, st, srv.Outbox, cfg, log) })
	jobsWG.Go(func() { srv.Outbox.Run(jobs) })
	if srv.Inbox != nil {
		jobsWG.Go(func() { srv.Inbox.Run(jobs) })
	}
	jobsWG.Go(func() { srv.Rules.Refresh(jobs, func(err error) { log.Warn("reload compliance rules", "err", err) }) })
	jobsWG.Go(func() {
		st.RunSearchIndexer(jobs, time.Second, func(err error) { log.Warn("index for search", "err", err) })
	})
	stopAll := func() {
		stopJobs()
		jobsWG.Wait()
	}

	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(ln) }()
	var metricsServer *http.Server
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			httpServer.Close()
			stopAll()
			return fmt.Errorf("listen for metrics on %s: %w", cfg.MetricsAddr, err)
		}
		metricsServer = &http.Server{Handler: metricsOnly(srv.Metrics), ReadHeaderTimeout: 5 * time.Second,
			WriteTimeout: 10 * time.Second, ErrorLog: httpServer.ErrorLog}
		log.Info("metrics listening", "addr", mln.Addr().String())
		go metricsServer.Serve(mln)
	}
	if opts.Ready != nil {
		opts.Ready(ln.Addr().String())
	}
	select {
	case err := <-served:
		stopAll()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = httpServer.Shutdown(shutdownCtx)
	if metricsServer != nil {
		metricsServer.Close()
	}
	stopAll()
	log.Info("stopped")
	return err
}

// metricsOnly serves /metrics on the operator's own listener, and nothing
// else.
func metricsOnly(metrics echo.HandlerFunc) http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/metrics", metrics)
	return e
}

// redactDSN hides a PostgreSQL password from the log.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// periodicJobs runs the purges, retention and the weekly digest (which
// claims its week in the database, so one instance sends it) every
// purgeEvery until ctx ends.
func periodicJobs(ctx context.Context, st *store.Store, outbox *mail.Outbox, cfg config.Config, log *slog.Logger) {
	t := time.NewTicker(purgeEvery)
	defer t.Stop()
	warn := func(what string, err error) {
		if err != nil && ctx.Err() == nil {
			log.Warn(what, "err", err)
		}
	}
	for {
		n, err := st.PurgeExpiredChallenges(ctx)
		warn("purge expired captcha challenges", err)
		if n > 0 {
			log.Info("purged expired captcha challenges", "count", n)
		}
		_, err = st.PurgeSessions(ctx, staff.IdleTimeout)
		warn("purge expired sessions", err)
		_, err = st.PurgeLoginFailures(ctx)
		warn("purge login failures", err)
		_, err = st.PurgeStagedAttachments(ctx)
		warn("purge staged attachments", err)
		_, err = st.PurgeAcknowledgementLimits(ctx)
		warn("purge acknowledgement limits", err)
		spam := time.Duration(cfg.SpamDays) * 24 * time.Hour
		closed := time.Duration(cfg.ClosedMonths) * 30 * 24 * time.Hour
		del, anon, err := st.ApplyRetention(ctx, spam, closed)
		warn("retention", err)
		if del+anon > 0 {
			log.Info("retention applied", "spam_deleted", del, "anonymised", anon)
		}
		queued, err := outbox.QueueWeeklyDigests(ctx)
		warn("queue weekly digests", err)
		if queued > 0 {
			log.Info("weekly digests queued", "count", queued)
		}
		queued, err = outbox.QueueMonthlyDigests(ctx)
		warn("queue monthly digests", err)
		if queued > 0 {
			log.Info("monthly digests queued", "count", queued)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// EnsureAdmin creates the first admin account when there is none, and
// prints its email and password once to the log. The email is
// IORDESK_ADMIN_EMAIL; without it, admin@localhost only when the public URL
// is on this machine, else a random address nobody can guess (an attacker
// who knows the login cannot even start guessing the password).
func EnsureAdmin(ctx context.Context, st *store.Store, cfg config.Config, log *slog.Logger) error {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	email := cfg.AdminEmail
	if email == "" {
		email = "admin@localhost"
		if u, err := url.Parse(cfg.BaseURL); err == nil && !cfg.BaseURLIsLocal() {
			email = "admin-" + strings.ToLower(rand.Text()[:10]) + "@" + u.Hostname()
		}
	}
	u, password, err := staff.NewAccount(ctx, st, email, "Administrator", store.RoleAdmin, "")
	if err != nil {
		// Another instance starting on the same PostgreSQL may have won.
		if n, cerr := st.CountUsers(ctx); cerr == nil && n > 0 {
			return nil
		}
		return fmt.Errorf("create the first admin: %w", err)
	}
	log.Warn("created the first admin account: log in at /staff/login and change this password (shown once)",
		"email", u.Email, "password", password)
	return nil
}
