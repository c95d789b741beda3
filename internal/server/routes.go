package server

import (
	"net/http"
	"strings"
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

// formBodyLimit bounds the public form and the JSON intake (QUALITY.md).
const formBodyLimit = "64K"

// routes is the whole URL surface of iordesk.
func routes(e *echo.Echo, cfg config.Config, public *enquiry.Handlers, desk *staff.Handlers, reports *report.Handlers, ops *operations) {
	limit := middleware.BodyLimit(formBodyLimit)

	// The public enquiry pages.
	e.GET("/", public.Home)
	e.GET("/enquiry", public.Form)
	e.POST("/enquiry", public.Submit, limit, web.SameOriginPost)
	e.GET("/enquiry/thanks", public.Thanks)
	e.GET("/privacy", public.Privacy)
	e.GET("/captcha/:file", public.CaptchaFile)

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
	api.POST("/enquiries", public.APISubmit)
	api.POST("/captcha", public.APICaptcha)
	// Preflights are answered by the CORS middleware; these routes only
	// give it a place to run.
	preflight := func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }
	api.OPTIONS("/enquiries", preflight)
	api.OPTIONS("/captcha", preflight)

	// The staff area: every route checks CSRF (Sec-Fetch-Site, else the
	// _csrf token) and, but for login, a session of the role named.
	csrf := middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup: "form:_csrf,header:X-CSRF-Token", CookieName: "_csrf", CookiePath: "/staff",
		CookieHTTPOnly: true, CookieSecure: strings.HasPrefix(cfg.BaseURL, "https://"),
		CookieSameSite: http.SameSiteStrictMode,
	})
	staffLimit := middleware.BodyLimit("256K")
	agent := []echo.MiddlewareFunc{staffLimit, csrf, desk.Require(store.RoleAgent)}
	manager := []echo.MiddlewareFunc{staffLimit, csrf, desk.Require(store.RoleManager)}
	admin := []echo.MiddlewareFunc{staffLimit, csrf, desk.Require(store.RoleAdmin)}

	e.GET("/staff/login", desk.LoginPage, csrf)
	e.POST("/staff/login", desk.Login, loginLimiter(), staffLimit, csrf)
	e.POST("/staff/logout", desk.Logout, staffLimit, csrf)
	e.GET("/staff", desk.Overview, agent...)
	e.GET("/staff/enquiries", desk.List, agent...)
	e.POST("/staff/enquiries/bulk", desk.Bulk, agent...)
	e.GET("/staff/enquiries/:id", desk.Enquiry, agent...)
	e.POST("/staff/enquiries/:id/status", desk.SetStatus, agent...)
	e.POST("/staff/enquiries/:id/assign", desk.SetAssignee, agent...)
	e.POST("/staff/enquiries/:id/notes", desk.AddNote, agent...)
	e.POST("/staff/enquiries/:id/spam", desk.MarkSpam, agent...)
	e.GET("/staff/export.csv", reports.ExportCSV, manager...)
	e.GET("/staff/export.xlsx", reports.ExportXLSX, manager...)
	e.GET("/staff/reports", reports.Reports, manager...)
	e.GET("/staff/reports.xlsx", reports.ReportsXLSX, manager...)
	e.POST("/staff/reports/digest", reports.SetDigest, manager...)
	e.GET("/staff/routing", desk.Routing, manager...)
	e.POST("/staff/routing", desk.AddRoute, manager...)
	e.POST("/staff/routing/:id/delete", desk.RemoveRoute, manager...)
	e.GET("/staff/users", desk.Users, admin...)
	e.POST("/staff/users", desk.AddUser, admin...)
	e.POST("/staff/users/:id", desk.UpdateUser, admin...)
	e.GET("/staff/audit", desk.AuditLog, admin...)

	// Assets and the operator's probes.
	e.GET("/static/*", staticFiles())
	e.GET("/healthz", ops.healthz)
	e.GET("/readyz", ops.readyz)
}

// loginLimiter allows 10 login attempts per client IP per minute; past it,
// 429 with Retry-After, answered before any password is hashed.
func loginLimiter() echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(10.0 / 60), Burst: 10, ExpiresIn: 3 * time.Minute}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", "60")
			return echo.NewHTTPError(http.StatusTooManyRequests, "Too many login attempts from your address. Please wait a minute.")
		},
	})
}
