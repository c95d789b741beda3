package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"iordesk/internal/config"
	"iordesk/internal/enquiry"
	"iordesk/internal/web"
)

// formBodyLimit bounds the public form and the JSON intake (QUALITY.md).
const formBodyLimit = "64K"

// routes is the whole URL surface of iordesk.
func routes(e *echo.Echo, cfg config.Config, public *enquiry.Handlers, ops *operations) {
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

	// Assets and the operator's probes.
	e.GET("/static/*", staticFiles())
	e.GET("/healthz", ops.healthz)
	e.GET("/readyz", ops.readyz)
}
