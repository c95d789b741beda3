package server

import (
	"mime"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"iordesk/internal/config"
	"iordesk/internal/enquiry"
	"iordesk/internal/report"
	"iordesk/internal/staff"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// formBodyLimit bounds the public form and the JSON intake (docs/DESIGN.md, "Security model").
const formBodyLimit = 64 << 10

// formLimit bounds a post to the intake: formBodyLimit, or for a
// multipart post, which may carry files, enquiry.MultipartBodyLimit.
func formLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		limit := int64(formBodyLimit)
		if mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); err == nil && mt == echo.MIMEMultipartForm {
			limit = enquiry.MultipartBodyLimit
		}
		if r.ContentLength > limit {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, web.StatusText(http.StatusRequestEntityTooLarge))
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		return next(c)
	}
}

// routes is the whole URL surface of iordesk.
func routes(e *echo.Echo, cfg config.Config, public *enquiry.Handlers, desk *staff.Handlers, sessions *staff.Sessions, reports *report.Handlers, ops *operations) {
	limit := formLimit
	// Per-IP limits, answered with 429 before any work: a form page and a
	// challenge both cost a database write, an image CPU.
	posts := perMinute(cfg.EnquiryRate, inVisitorsLanguage("error.too_many_enquiries"))
	captchas := perMinute(cfg.CaptchaRate, inVisitorsLanguage("error.too_many_codes"))

	// The public enquiry pages.
	e.GET("/", public.Home, captchas)
	e.GET("/enquiry", public.Form, captchas)
	e.POST("/enquiry", public.Submit, postOrReload(posts, captchas), limit, web.SameOriginPost)
	e.GET("/enquiry/thanks", public.Thanks)
	e.GET("/privacy", public.Privacy)
	e.GET("/captcha/:file", public.CaptchaFile, captchas)

	// The form in a frame on the sites IORDESK_EMBED_ORIGINS lists
	// (docs/DESIGN.md, "The embeddable form").
	framable := web.FramableBy(cfg.EmbedOrigins)
	e.GET("/embed.js", embedScript)
	e.GET("/embed/enquiry", public.EmbedForm, captchas, framable)
	e.POST("/embed/enquiry", public.EmbedSubmit, postOrReload(posts, captchas), limit, web.SameOriginPost, framable)
	e.GET("/embed/enquiry/thanks", public.EmbedThanks, framable)

	// The JSON intake, for embedding the form in another site.
	api := e.Group("/api/v1", limit)
	if len(cfg.CORSOrigins) > 0 {
		api.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins: cfg.CORSOrigins,
			AllowMethods: []string{http.MethodPost, http.MethodOptions},
			AllowHeaders: []string{echo.HeaderContentType, echo.HeaderAccept},
			MaxAge:       3600,
		}))
	}
	api.POST("/enquiries", public.APISubmit, posts)
	api.POST("/captcha", public.APICaptcha, captchas)
	// Preflights are answered by the CORS middleware; these routes only
	// give it a place to run.
	preflight := func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }
	api.OPTIONS("/enquiries", preflight)
	api.OPTIONS("/captcha", preflight)

	// The staff area: every route checks CSRF (see staff.Sessions.CSRF)
	// and, but for login, a session of the role named.
	csrf := sessions.CSRF
	staffLimit := middleware.BodyLimit("256K")
	agent := []echo.MiddlewareFunc{staffLimit, csrf, desk.Require(store.RoleAgent)}
	manager := []echo.MiddlewareFunc{staffLimit, csrf, desk.Require(store.RoleManager)}
	admin := []echo.MiddlewareFunc{staffLimit, csrf, desk.Require(store.RoleAdmin)}

	e.GET("/staff/login", desk.LoginPage, csrf)
	e.POST("/staff/login", desk.Login, perMinute(cfg.LoginRate, inEnglish("Too many login attempts from your address. Please wait a minute.")), staffLimit, csrf)
	e.POST("/staff/logout", desk.Logout, staffLimit, csrf)
	e.GET("/staff", desk.Overview, agent...)
	e.GET("/staff/account", desk.Account, agent...)
	e.POST("/staff/account", desk.SaveAccount, agent...)
	e.POST("/staff/account/password", desk.ChangePassword, agent...)
	e.GET("/staff/enquiries", desk.List, agent...)
	e.POST("/staff/enquiries/bulk", desk.Bulk, agent...)
	e.GET("/staff/enquiries/:id", desk.Enquiry, agent...)
	e.GET("/staff/enquiries/:id/files/:file", desk.Attachment, agent...)
	e.POST("/staff/enquiries/:id/update", desk.Update, agent...)
	e.POST("/staff/enquiries/:id/lines", desk.UpdateLine, agent...)
	e.POST("/staff/enquiries/:id/reply", desk.Reply, agent...)
	e.POST("/staff/enquiries/:id/duplicates/:other", desk.DecideDuplicate, agent...)
	e.POST("/staff/enquiries/:id/lines/all", desk.UpdateAllLines, agent...)
	e.POST("/staff/enquiries/:id/status", desk.SetStatus, agent...)
	e.POST("/staff/enquiries/:id/assign", desk.SetAssignee, agent...)
	e.POST("/staff/enquiries/:id/notes", desk.AddNote, agent...)
	e.POST("/staff/enquiries/:id/spam", desk.MarkSpam, agent...)
	e.POST("/staff/enquiries/:id/rescreen", desk.Rescreen, agent...)
	e.POST("/staff/enquiries/:id/answered", desk.MarkAnswered, agent...)
	e.GET("/staff/mail", desk.UnmatchedMail, manager...)
	e.POST("/staff/mail/:id/attach", desk.AttachMail, manager...)
	e.POST("/staff/mail/:id/discard", desk.DiscardMail, manager...)
	e.GET("/staff/export.csv", reports.ExportCSV, manager...)
	e.GET("/staff/export.xlsx", reports.ExportXLSX, manager...)
	e.GET("/staff/reports", reports.Reports, manager...)
	e.GET("/staff/reports.xlsx", reports.ReportsXLSX, manager...)
	e.POST("/staff/reports/digest", reports.SetDigest, manager...)
	e.GET("/staff/rates", reports.Rates, manager...)
	e.POST("/staff/rates", reports.SaveRate, manager...)
	e.POST("/staff/rates/import", reports.ImportRates, manager...)
	e.GET("/staff/rules", desk.Rules, manager...)
	e.POST("/staff/rules", desk.SaveRule, manager...)
	e.POST("/staff/rules/:rid/retire", desk.RetireRule, manager...)
	e.GET("/staff/templates", desk.Templates, manager...)
	e.POST("/staff/templates", desk.SaveTemplate, manager...)
	e.POST("/staff/templates/:id/delete", desk.DeleteTemplate, manager...)
	e.GET("/staff/desks", desk.Desks, manager...)
	e.POST("/staff/desks", desk.SaveDesk, manager...)
	e.GET("/staff/routing", desk.Routing, manager...)
	e.POST("/staff/routing", desk.AddRoute, manager...)
	e.POST("/staff/routing/:id/delete", desk.RemoveRoute, manager...)
	e.GET("/staff/users", desk.Users, admin...)
	e.POST("/staff/users", desk.AddUser, admin...)
	e.POST("/staff/users/:id", desk.UpdateUser, admin...)
	e.GET("/staff/audit", desk.AuditLog, admin...)
	e.GET("/staff/privacy", desk.Privacy, admin...)
	e.POST("/staff/privacy/erase", desk.Erase, admin...)

	// Assets and the operator's probes.
	e.GET("/static/*", staticFiles())
	e.GET("/healthz", ops.healthz)
	e.GET("/readyz", ops.readyz)
	if cfg.MetricsAddr == "" {
		e.GET("/metrics", ops.metrics.Handler(true))
	}
}

// postOrReload limits a "New code" press without JavaScript (the form
// posted to /enquiry?captcha_reload=1, which stores nothing and draws a
// challenge) as a challenge, and any other post as an enquiry.
func postOrReload(posts, challenges echo.MiddlewareFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		asPost, asReload := posts(next), challenges(next)
		return func(c echo.Context) error {
			if enquiry.IsCaptchaReload(c.Request()) {
				return asReload(c)
			}
			return asPost(c)
		}
	}
}

// perMinute allows n requests per client IP per minute (a burst of n, then
// one every 60/n seconds); past it, 429 with Retry-After and the request's
// message. The counts live in this instance's memory: with several
// instances each counts its own.
func perMinute(n int, message func(echo.Context) string) echo.MiddlewareFunc {
	retry := strconv.Itoa(max(1, 60/n))
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(float64(n) / 60), Burst: n, ExpiresIn: 3 * time.Minute}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", retry)
			return echo.NewHTTPError(http.StatusTooManyRequests, message(c))
		},
	})
}

// inVisitorsLanguage is a catalogue message in the public request's
// language.
func inVisitorsLanguage(id string) func(echo.Context) string {
	return func(c echo.Context) string { return web.Language(c).T(id) }
}

// inEnglish is a staff page's message.
func inEnglish(message string) func(echo.Context) string {
	return func(echo.Context) string { return message }
}
