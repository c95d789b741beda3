package report

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/desk"
	"iordesk/internal/listing"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// Handlers serve the exports and the reports page (manager and admin; the
// routes check the role).
type Handlers struct {
	store  *store.Store
	render *web.Renderer
	cat    *catalog.Catalogue
	now    func() time.Time
	loc    *time.Location // the desk's time zone, which decides "today"
	desks  *desk.Registry
	log    *slog.Logger
	// currency is the one the reports convert money into.
	currency string
}

// NewHandlers builds the report handlers.
func NewHandlers(s *store.Store, render *web.Renderer, cat *catalog.Catalogue, now func() time.Time, loc *time.Location, desks *desk.Registry, log *slog.Logger, currency string) *Handlers {
	return &Handlers{store: s, render: render, cat: cat, now: now, loc: loc, desks: desks, log: log, currency: currency}
}

// ExportCSV serves GET /staff/export.csv with the list's query string;
// rows=destination gives one row per destination, bom=1 a byte-order mark.
func (h *Handlers) ExportCSV(c echo.Context) error { return h.export(c, "csv") }

// ExportXLSX serves GET /staff/export.xlsx with the list's query string.
func (h *Handlers) ExportXLSX(c echo.Context) error { return h.export(c, "xlsx") }

func (h *Handlers) export(c echo.Context, format string) error {
	u := web.CurrentUser(c)
	q := listing.Parse(c.QueryParams(), h.cat)
	q.Page = 1
	f := q.Filter(u.ID, h.now(), h.loc)
	opts := Options{PerDestination: c.QueryParam("rows") == "destination", BOM: c.QueryParam("bom") == "1"}
	x, err := NewExporter(c.Request().Context(), h.store, h.cat)
	if err != nil {
		return err
	}
	name := "iordesk-enquiries-" + h.now().UTC().Format("2006-01-02-1504") + "." + format
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	hdr.Set("Cache-Control", "no-store")
	// A million rows take longer than the server's write timeout: the
	// download keeps extending its own deadline while it makes progress,
	// and a client that stops reading still times out.
	live := newDeadline(c.Response())
	x.Progress = func(int) { live.extend() }
	out := &progressWriter{w: c.Response(), deadline: live}
	var n int
	if format == "csv" {
		hdr.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		c.Response().WriteHeader(http.StatusOK)
		n, err = x.WriteCSV(c.Request().Context(), out, f, opts)
	} else {
		hdr.Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Response().WriteHeader(http.StatusOK)
		n, err = x.WriteXLSX(c.Request().Context(), out, f, opts)
	}
	filter := orAll(q.Values().Encode())
	if opts.PerDestination {
		filter += " (one row per destination)"
	}
	detail := fmt.Sprintf("%s export of %d rows, filter: %s", format, n, filter)
	if err != nil {
		detail = fmt.Sprintf("%s export aborted after %d rows (%s), filter: %s", format, n, errorText(err), filter)
	}
	// The request's context may have ended with the download.
	if aerr := h.store.Audit(context.WithoutCancel(c.Request().Context()), store.AuditEntry{UserID: &u.ID, Actor: u.AuditName(),
		Action: store.AuditExport, Detail: detail, IP: c.RealIP()}); aerr != nil {
		h.log.Error("audit export", "err", aerr)
	}
	if err != nil {
		// The status line is sent; the truncated file is the client's sign.
		h.log.Error("export aborted", "format", format, "rows", n, "err", err)
	}
	return nil
}

func orAll(filter string) string {
	if filter == "" {
		return "all enquiries but spam"
	}
	return filter
}
