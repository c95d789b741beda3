package staff

import (
	"errors"
	"net/http"
	"net/mail"
	"strconv"
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
	match := strings.ToUpper(strings.TrimSpace(c.FormValue("match")))
	email := strings.TrimSpace(c.FormValue("email"))
	if _, ok := h.cat.Country(match); !ok && !catalog.IsRegion(match) {
		return h.showRouting(c, http.StatusUnprocessableEntity, "Choose a country or a region.", "")
	}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || addr.Name != "" {
		return h.showRouting(c, http.StatusUnprocessableEntity, "Enter a plain email address.", "")
	}
	if _, err := h.store.AddRoutingRule(c.Request().Context(), match, email); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return h.showRouting(c, http.StatusUnprocessableEntity, "That rule exists already.", "")
		}
		return err
	}
	return h.showRouting(c, http.StatusOK, "", "Rule added: "+match+" → "+email+".")
}

// RemoveRoute serves POST /staff/routing/{id}/delete (manager).
func (h *Handlers) RemoveRoute(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "No such rule.")
	}
	if err := h.store.RemoveRoutingRule(c.Request().Context(), id); errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "No such rule.")
	} else if err != nil {
		return err
	}
	return h.showRouting(c, http.StatusOK, "", "Rule removed.")
}
