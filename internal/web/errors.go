package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"iordesk/internal/lang"
	"iordesk/internal/store"
)

// RetryAfterSeconds is what a 503 asks clients to wait.
const RetryAfterSeconds = "5"

// ErrorHandler is the one place errors become status codes: echo's HTTP
// errors keep theirs, a busy database is 503 with Retry-After, a missing
// row 404, anything else 500 (its cause goes to the log, not the page).
func ErrorHandler(r *Renderer, log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, msg := http.StatusInternalServerError, ""
		var he *echo.HTTPError
		switch {
		case errors.As(err, &he):
			status = he.Code
			if m, ok := he.Message.(string); ok && status < 500 {
				msg = m
			}
		case errors.Is(err, store.ErrBusy), errors.Is(err, store.ErrClosed):
			status = http.StatusServiceUnavailable
		case errors.Is(err, store.ErrNotFound):
			status = http.StatusNotFound
		case errors.Is(err, context.Canceled):
			return // the client left
		}
		if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
			if c.Response().Header().Get("Retry-After") == "" {
				c.Response().Header().Set("Retry-After", RetryAfterSeconds)
			}
		}
		if status >= 500 {
			log.Error("request failed", "status", status, "method", c.Request().Method,
				"path", c.Path(), "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
		}
		// Public pages speak the visitor's language; the messages public
		// handlers give are already in it.
		var l *lang.Language
		if !strings.HasPrefix(c.Request().URL.Path, "/staff") && !wantsJSON(c) {
			l = Language(c)
		}
		if msg == "" || msg == http.StatusText(status) {
			msg = StatusText(status)
			if l != nil {
				msg = StatusTextIn(l, status)
			}
		}
		if c.Request().Method == http.MethodHead {
			c.NoContent(status)
			return
		}
		if wantsJSON(c) {
			c.JSON(status, map[string]string{"error": msg})
			return
		}
		body, rerr := r.Execute("error", ErrorPage{Page: Page{Title: errorTitle(l, status, msg), Lang: l}, Status: status, Message: msg})
		if rerr != nil {
			log.Error("render error page", "err", rerr)
			c.String(status, msg)
			return
		}
		c.Blob(status, echo.MIMETextHTMLCharsetUTF8, body)
	}
}

func wantsJSON(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/") ||
		strings.Contains(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}

// errorTitle is the error page's title: the status's name for staff, the
// message itself in the visitor's language on public pages.
func errorTitle(l *lang.Language, status int, msg string) string {
	if l == nil {
		return http.StatusText(status)
	}
	return msg
}
