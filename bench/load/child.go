package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"iordesk/internal/config"
	"iordesk/internal/server"
	"iordesk/internal/store"
)

// child is a server process started by this tool.
type child struct{ cmd *exec.Cmd }

func (c *child) stop() {
	c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		c.cmd.Process.Kill()
		<-done
	}
}

// startChild starts the server kind on a free loopback port and waits
// until it answers: "iordesk" is the real binary running `iordesk serve`
// (its mail worker, periodic jobs and first-admin set-up included); the
// baselines are this tool re-executed in server mode. smtpURL is where
// iordesk delivers its mail.
func startChild(kind, db, smtpURL string) (*child, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	var cmd *exec.Cmd
	if kind == "iordesk" {
		bin, err := iordeskBinary()
		if err != nil {
			return nil, "", err
		}
		cmd = exec.Command(bin, "serve")
	} else {
		self, err := os.Executable()
		if err != nil {
			return nil, "", err
		}
		cmd = exec.Command(self, "-serve", kind, "-addr", addr, "-db", db)
	}
	// One load client stands for thousands of prospects: the per-IP limits
	// are lifted, or almost everything would be answered with 429. The
	// request log is written, as in production, to where nobody reads it.
	cmd.Env = append(os.Environ(), "IORDESK_DB="+db, "IORDESK_ADDR="+addr, "IORDESK_BASE_URL=http://"+addr,
		"IORDESK_RATE_LIMITS=enquiry=100000,captcha=100000,login=100000", "IORDESK_SMTP_URL="+smtpURL)
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	c := &child{cmd: cmd}
	base := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c, base, nil
			}
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, "", fmt.Errorf("%s did not start: %v", kind, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// iordeskBinary builds cmd/iordesk once per run of the tool.
var iordeskBinary = sync.OnceValues(func() (string, error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	dir, err := os.MkdirTemp("", "iordesk-load-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "iordesk")
	build := exec.Command("go", "build", "-o", bin, "./cmd/iordesk")
	build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/iordesk: %v: %s", err, out)
	}
	return bin, nil
})

// serveChild is the child's main: one of the baseline servers, until
// SIGTERM.
func serveChild(kind, addr, db string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if kind == "iordesk-default-captcha" {
		return defaultCaptchaServer(ctx)
	}
	var h http.Handler
	var closeFn func()
	var err error
	switch kind {
	case "bare-create":
		h, closeFn, err = bareCreateHandler(db)
	case "bare-create-enquiry":
		h, closeFn, err = bareEnquiryHandler(ctx, db)
	default:
		err = fmt.Errorf("unknown server %q", kind)
	}
	if err != nil {
		return err
	}
	defer closeFn()
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { <-ctx.Done(); srv.Shutdown(context.Background()) }()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// defaultCaptchaServer is `iordesk serve` itself (server.Run, configured
// from the same environment) with the library's default PNG encoding of
// the CAPTCHA image: the baseline of the visit bar.
func defaultCaptchaServer(ctx context.Context) error {
	cfg, _, err := config.Load("serve", nil, os.Getenv, io.Discard)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(cfg.DB, store.Options{Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	return server.Run(ctx, cfg, st, log, server.RunOptions{Adjust: func(s *server.Server) { s.Captcha.Encoder = &png.Encoder{} }})
}

// bareRow is what the bare baseline stores: the form's main fields.
type bareRow struct {
	ID                 int64 `gorm:"primaryKey"`
	FullName, Company  string
	Email, Service     string
	OriginCountry      string
	ProductDescription string
	ShipmentValue      string
	CreatedAt          time.Time
}

// bareCreateHandler is the intake bar's baseline: a bare echo handler
// doing one gorm Create per request, WAL with synchronous=NORMAL, no
// validation, no CAPTCHA.
func bareCreateHandler(db string) (http.Handler, func(), error) {
	return bareServer(db, "", func(g *gorm.DB) (echo.HandlerFunc, error) {
		if err := g.AutoMigrate(&bareRow{}); err != nil {
			return nil, err
		}
		return func(c echo.Context) error {
			row := bareRow{
				FullName: c.FormValue("full_name"), Company: c.FormValue("company"), Email: c.FormValue("email"),
				Service: c.FormValue("service"), OriginCountry: c.FormValue("origin_country"),
				ProductDescription: c.FormValue("product_description"), ShipmentValue: c.FormValue("shipment_value"),
			}
			if err := g.Create(&row).Error; err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/enquiry/thanks?ref=%d", row.ID))
		}, nil
	})
}

// bareServer is what both intake baselines share: gorm on one SQLite
// connection (the file has one writer; more connections only contend) with
// WAL and synchronous=NORMAL plus dsnExtra, and a bare echo serving
// /healthz and the POST /enquiry handler that post builds.
func bareServer(db, dsnExtra string, post func(*gorm.DB) (echo.HandlerFunc, error)) (http.Handler, func(), error) {
	g, err := gorm.Open(sqlite.Open("file:"+db+"?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=5000&_txlock=immediate"+dsnExtra),
		&gorm.Config{Logger: logger.Discard})
	if err != nil {
		return nil, nil, err
	}
	sqlDB, _ := g.DB()
	sqlDB.SetMaxOpenConns(1)
	h, err := post(g)
	if err != nil {
		sqlDB.Close()
		return nil, nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.POST("/enquiry", h)
	return e, func() { sqlDB.Close() }, nil
}

// bareEnquiry is the enquiry model with its destination rows as a gorm
// association, so one Create stores both, as a plain gorm user would.
type bareEnquiry struct {
	store.Enquiry
	Rows []bareDestination `gorm:"foreignKey:EnquiryID"`
}

func (bareEnquiry) TableName() string { return "enquiries" }

type bareDestination struct {
	Country   string    `gorm:"primaryKey"`
	CreatedAt time.Time `gorm:"primaryKey"`
	EnquiryID int64     `gorm:"primaryKey"`
}

func (bareDestination) TableName() string { return "enquiry_destinations" }

// bareEnquiryHandler is the intake baseline that stores what iordesk
// stores of a post: a bare echo handler binding the form into the enquiry
// model and saving it with one gorm Create (the enquiry row and its
// destinations, in gorm's own transaction), on iordesk's schema and
// indexes, WAL with synchronous=NORMAL, no validation, no CAPTCHA, no mail.
func bareEnquiryHandler(ctx context.Context, db string) (http.Handler, func(), error) {
	st, err := store.Open(db, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, nil, err
	}
	_, err = st.Migrate(ctx)
	st.Close()
	if err != nil {
		return nil, nil, err
	}
	return bareServer(db, "&_foreign_keys=1", func(g *gorm.DB) (echo.HandlerFunc, error) {
		return func(c echo.Context) error {
			if err := c.Request().ParseForm(); err != nil {
				return err
			}
			form := c.Request().PostForm
			value, _ := strconv.ParseFloat(form.Get("shipment_value"), 64)
			now := time.Now().UTC()
			countries := form["destination_countries"]
			enq := bareEnquiry{Enquiry: store.Enquiry{Reference: "ENQ-" + rand.Text()[:8], Status: store.StatusNew,
				FullName: form.Get("full_name"), Company: form.Get("company"), Email: form.Get("email"),
				Phone: form.Get("phone"), Service: form.Get("service"), OriginCountry: form.Get("origin_country"),
				ProductCategory: form.Get("product_category"), ProductDescription: form.Get("product_description"),
				Condition: form.Get("condition"), ContainsEncryption: form.Get("contains_encryption"),
				WirelessRadio: form.Get("wireless_radio"), LithiumBatteries: form.Get("lithium_batteries"),
				ShipmentValueCents: int64(value * 100), Currency: form.Get("currency"), ConsentAt: now,
				PrivacyNoticeVersion: "load", ClientIP: c.RealIP(), UserAgent: c.Request().UserAgent(), Version: 1,
				CreatedAt: now, UpdatedAt: now, Destinations: countries}}
			for _, country := range countries {
				enq.Rows = append(enq.Rows, bareDestination{Country: country, CreatedAt: now})
			}
			if err := g.Create(&enq).Error; err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, "/enquiry/thanks?ref="+enq.Reference)
		}, nil
	})
}

func numCPU() int { return runtime.NumCPU() }
