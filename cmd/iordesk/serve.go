package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/config"
	"iordesk/internal/mail"
	"iordesk/internal/server"
	"iordesk/internal/staff"
	"iordesk/internal/store"
)

// purgeEvery is how often expired CAPTCHA challenges and sessions are deleted.
const purgeEvery = 5 * time.Minute

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("serve", args, getenv, stderr)
	if err != nil || cfg == nil {
		return err
	}
	log := newLogger(*cfg, stderr)
	st, err := openStore(ctx, *cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()

	if err := ensureAdmin(ctx, st, *cfg, log); err != nil {
		return err
	}
	srv, err := server.New(*cfg, server.Deps{Store: st, Log: log})
	if err != nil {
		return err
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
	jobsWG.Go(func() { purgeLoop(jobs, st, srv.Outbox, *cfg, log) })
	jobsWG.Go(func() { srv.Outbox.Run(jobs) })

	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(ln) }()
	var metricsServer *http.Server
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			httpServer.Close()
			stopJobs()
			jobsWG.Wait()
			return fmt.Errorf("listen for metrics on %s: %w", cfg.MetricsAddr, err)
		}
		metricsServer = &http.Server{Handler: metricsOnly(srv.Metrics), ReadHeaderTimeout: 5 * time.Second,
			WriteTimeout: 10 * time.Second, ErrorLog: httpServer.ErrorLog}
		log.Info("metrics listening", "addr", mln.Addr().String())
		go metricsServer.Serve(mln)
	}
	select {
	case err := <-served:
		stopJobs()
		jobsWG.Wait()
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
	stopJobs()
	jobsWG.Wait()
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

// openStore opens the database and applies pending migrations.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(cfg.DB, store.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	for _, name := range applied {
		log.Info("migration applied", "name", name)
	}
	return st, nil
}

// purgeLoop runs the periodic jobs: purges, and the weekly digest (which
// claims its week in the database, so one instance sends it).
func purgeLoop(ctx context.Context, st *store.Store, outbox *mail.Outbox, cfg config.Config, log *slog.Logger) {
	t := time.NewTicker(purgeEvery)
	defer t.Stop()
	for {
		if n, err := st.PurgeExpiredChallenges(ctx); err != nil && ctx.Err() == nil {
			log.Warn("purge expired captcha challenges", "err", err)
		} else if n > 0 {
			log.Info("purged expired captcha challenges", "count", n)
		}
		if _, err := st.PurgeSessions(ctx, staff.IdleTimeout); err != nil && ctx.Err() == nil {
			log.Warn("purge expired sessions", "err", err)
		}
		if _, err := st.PurgeLoginFailures(ctx); err != nil && ctx.Err() == nil {
			log.Warn("purge login failures", "err", err)
		}
		if _, err := st.PurgeAcknowledgementLimits(ctx); err != nil && ctx.Err() == nil {
			log.Warn("purge acknowledgement limits", "err", err)
		}
		spam := time.Duration(cfg.SpamDays) * 24 * time.Hour
		closed := time.Duration(cfg.ClosedMonths) * 30 * 24 * time.Hour
		if del, anon, err := st.ApplyRetention(ctx, spam, closed); err != nil && ctx.Err() == nil {
			log.Warn("retention", "err", err)
		} else if del+anon > 0 {
			log.Info("retention applied", "spam_deleted", del, "anonymised", anon)
		}
		if n, err := outbox.QueueWeeklyDigests(ctx); err != nil && ctx.Err() == nil {
			log.Warn("queue weekly digests", "err", err)
		} else if n > 0 {
			log.Info("weekly digests queued", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("migrate", args, getenv, stderr)
	if err != nil || cfg == nil {
		return err
	}
	st, err := store.Open(cfg.DB, store.Options{Logger: newLogger(*cfg, stderr)})
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "database is up to date")
	}
	for _, name := range applied {
		fmt.Fprintln(stdout, "applied", name)
	}
	return nil
}

// loadConfig reads a command's settings; nil without error means --help
// was printed and the command has nothing more to do.
func loadConfig(name string, args []string, getenv func(string) string, stderr io.Writer, extra ...func(*flag.FlagSet)) (*config.Config, error) {
	cfg, _, err := config.Load(name, args, getenv, stderr, extra...)
	if errors.Is(err, flag.ErrHelp) {
		return nil, nil
	}
	if err != nil {
		return nil, usageError(err.Error())
	}
	return &cfg, nil
}
