package staff

import (
	"errors"
	"net/http"
	"net/mail"
	"strings"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/store"
)

type routingView struct {
	Page
	Rules     []store.RoutingRule
	Regions   []string
	Countries []catalog.Choice
	Error     string
	Notice    string
}

// Routing serves GET /staff/routing (manager): the desk-mail rules.
func (h *Handlers) Routing(c echo.Context) error { return h.showRouting(c, http.StatusOK, "", "") }

func (h *Handlers) showRouting(c echo.Context, status int, problem, notice string) error {
	rules, err := h.store.RoutingRules(c.Request().Context())
	if err != nil {
		return err
	}
	v := routingView{Page: h.page(c, "Desk routing"), Rules: rules, Regions: catalog.RegionCodes(),
		Countries: h.cat.CountryChoices, Error: problem, Notice: notice}
	v.Staff.Section = "routing"
	return h.render.Render(c, status, "staff_routing", v)
}

// AddRoute serves POST /staff/routing (manager).
func (h *Handlers) AddRoute(c echo.Context) error {
	match, ok := RouteMatch(h.cat, c.FormValue("match"))
	email := strings.TrimSpace(c.FormValue("email"))
	if !ok {
		return h.showRouting(c, http.StatusUnprocessableEntity, "Choose a country or a region.", "")
	}
	if !PlainAddress(email) {
		return h.showRouting(c, http.StatusUnprocessableEntity, "Enter a plain email address.", "")
	}
	if _, err := h.store.AddRoutingRule(c.Request().Context(), match, email); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return h.showRouting(c, http.StatusUnprocessableEntity, "That rule exists already.", "")
		}
		return err
	}
	h.desks.Forget()
	return h.showRouting(c, http.StatusOK, "", "Rule added: "+match+" → "+email+".")
}

// RemoveRoute serves POST /staff/routing/{id}/delete (manager).
func (h *Handlers) RemoveRoute(c echo.Context) error {
	id, err := pathID(c, "rule")
	if err != nil {
		return err
	}
	if err := h.store.RemoveRoutingRule(c.Request().Context(), id); errors.Is(err, store.ErrNotFound) {
		return notFound("rule")
	} else if err != nil {
		return err
	}
	h.desks.Forget()
	return h.showRouting(c, http.StatusOK, "", "Rule removed.")
}

// RouteMatch normalises what a routing rule matches: an ISO country code or
// a region code, upper case; false when it is neither.
func RouteMatch(cat *catalog.Catalogue, s string) (string, bool) {
	code := strings.ToUpper(strings.TrimSpace(s))
	_, country := cat.Country(code)
	return code, country || catalog.IsRegion(code)
}

// PlainAddress reports whether s is one bare email address (no display
// name, no list), as staff accounts, desks and erasure requests need.
func PlainAddress(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Name == "" && addr.Address == s
}
