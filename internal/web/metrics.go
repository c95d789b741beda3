package web

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are what /metrics shows, in a registry of the server's own (no
// global state).
type Metrics struct {
	Registry      *prometheus.Registry
	Requests      *prometheus.HistogramVec
	Enquiries     *prometheus.CounterVec // by channel and outcome
	CaptchaImages prometheus.Counter
	LoginFailures prometheus.Counter
}

// OutboxGauges reads the outbox at scrape time.
type OutboxGauges func(ctx context.Context) (pending, failed int64, oldest time.Time, err error)

// NewMetrics registers the server's metrics, Go's and the process's.
func NewMetrics(outbox OutboxGauges, now func() time.Time) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "iordesk_http_request_duration_seconds", Help: "HTTP request durations by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route", "code"}),
		Enquiries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "iordesk_enquiries_total", Help: "Enquiry submissions by channel (form, api) and outcome (accepted, invalid, honeypot).",
		}, []string{"channel", "outcome"}),
		CaptchaImages: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "iordesk_captcha_images_total", Help: "CAPTCHA images drawn."}),
		LoginFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "iordesk_login_failures_total", Help: "Failed staff logins."}),
	}
	m.Registry.MustRegister(m.Requests, m.Enquiries, m.CaptchaImages, m.LoginFailures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&outboxCollector{read: outbox, now: now})
	return m
}

// Middleware times every request by its route pattern (never the raw path,
// which would explode the label set).
func (m *Metrics) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		code := c.Response().Status
		if he, ok := err.(*echo.HTTPError); ok {
			code = he.Code
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.Requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(code)).Observe(time.Since(start).Seconds())
		return err
	}
}

// Handler serves the metrics. With loopbackOnly (the public listener's
// /metrics) it answers only a client on this machine, judged by the real
// client address (behind a trusted proxy, the address the proxy reports):
// the figures are the operator's, not the public's. A listener of its own
// (IORDESK_METRICS_ADDR) answers everyone who can reach it.
func (m *Metrics) Handler(loopbackOnly bool) echo.HandlerFunc {
	h := promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
	return func(c echo.Context) error {
		if loopbackOnly {
			if ip := net.ParseIP(c.RealIP()); ip == nil || !ip.IsLoopback() {
				return echo.NewHTTPError(http.StatusNotFound)
			}
		}
		h.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

type outboxCollector struct {
	read OutboxGauges
	now  func() time.Time
}

var (
	pendingDesc = prometheus.NewDesc("iordesk_outbox_pending", "Messages waiting to be sent.", nil, nil)
	failedDesc  = prometheus.NewDesc("iordesk_outbox_failed", "Messages that failed for good.", nil, nil)
	oldestDesc  = prometheus.NewDesc("iordesk_outbox_oldest_pending_seconds", "Age of the oldest pending message (0 when none).", nil, nil)
)

func (o *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- pendingDesc
	ch <- failedDesc
	ch <- oldestDesc
}

func (o *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	pending, failed, oldest, err := o.read(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(pendingDesc, err)
		return
	}
	age := 0.0
	if !oldest.IsZero() {
		age = o.now().Sub(oldest).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(pending))
	ch <- prometheus.MustNewConstMetric(failedDesc, prometheus.GaugeValue, float64(failed))
	ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, age)
}
