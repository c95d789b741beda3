package staff

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/compliance"
	"iordesk/internal/desk"
	"iordesk/internal/listing"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// Page is the layout's part of every staff page.
type Page = web.Page

// Handlers serve the staff area.
type Handlers struct {
	store    *store.Store
	render   *web.Renderer
	cat      *catalog.Catalogue
	sessions *Sessions
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	log      *slog.Logger
	metrics  *web.Metrics
	hashing  *hashSlots
	rules    *compliance.Book
	loc      *time.Location
	desks    *desk.Registry
	// mailAddresses are the sender's and the desk's, whose domains are
	// the company's; notifyMail wakes the mail worker.
	mailAddresses []string
	notifyMail    func()
}

// Deps are what the staff handlers need.
type Deps struct {
	Store    *store.Store
	Render   *web.Renderer
	Catalog  *catalog.Catalogue
	Sessions *Sessions
	Now      func() time.Time
	Log      *slog.Logger
	Metrics  *web.Metrics
	// Sleep waits out a login slowdown; nil means a real wait (tests
	// record the waits instead).
	Sleep func(context.Context, time.Duration) error
	// Rules are the compliance rules in force, for re-screening.
	Rules *compliance.Book
	// Location is the desk's time zone: it decides which day is today
	// for the next actions due.
	Location *time.Location
	// Desks are the desks' hours and promises.
	Desks *desk.Registry
	// MailAddresses are the configured sender and desk addresses.
	MailAddresses []string
	// NotifyMail wakes the mail worker after a reply is queued.
	NotifyMail func()
}

// hashWait is how long a login waits for a free hashing slot before it is
// told to come back.
const hashWait = time.Second

// NewHandlers builds the staff handlers.
func NewHandlers(d Deps) *Handlers {
	if d.Sleep == nil {
		d.Sleep = sleep
	}
	if d.Location == nil {
		d.Location = time.UTC
	}
	if d.NotifyMail == nil {
		d.NotifyMail = func() {}
	}
	return &Handlers{store: d.Store, render: d.Render, cat: d.Catalog, sessions: d.Sessions, now: d.Now, sleep: d.Sleep,
		log: d.Log, metrics: d.Metrics, hashing: newHashSlots(hashWait), rules: d.Rules, loc: d.Location, desks: d.Desks,
		mailAddresses: d.MailAddresses, notifyMail: d.NotifyMail}
}

// sleep waits for d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// page fills the layout's data for a staff page.
func (h *Handlers) page(c echo.Context, title string) Page { return web.PageFor(c, title) }

// today is the date in the desk's time zone.
func (h *Handlers) today() string { return listing.Today(h.now(), h.loc) }

// pathID is the {id} of the URL; anything but a positive number is a 404
// that names what was looked for ("enquiry", "account", "rule").
func pathID(c echo.Context, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound(what)
	}
	return id, nil
}

// notFound is the 404 of a missing object.
func notFound(what string) error {
	return echo.NewHTTPError(http.StatusNotFound, "No such "+what+".")
}

// actor is the current user as the timeline names them.
func actor(c echo.Context) store.Actor {
	u := web.CurrentUser(c)
	return store.Actor{ID: u.ID, Name: u.Name}
}

// audit records a staff action; a failure to record is logged, never shown.
func (h *Handlers) audit(c echo.Context, u *store.User, action, detail string) {
	e := store.AuditEntry{Action: action, Detail: detail, IP: c.RealIP()}
	if u != nil {
		e.UserID, e.Actor = &u.ID, u.AuditName()
	}
	if err := h.store.Audit(c.Request().Context(), e); err != nil {
		h.log.Error("audit", "action", action, "err", err)
	}
}
