package staff

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"iordesk/internal/store"
)

type auditView struct {
	Page
	Entries []store.AuditEntry
}

// AuditLog serves GET /staff/audit (admin): the newest 500 entries.
func (h *Handlers) AuditLog(c echo.Context) error {
	entries, err := h.store.AuditLog(c.Request().Context(), 500)
	if err != nil {
		return err
	}
	v := auditView{Page: h.page(c, "Audit log"), Entries: entries}
	v.Staff.Section = "audit"
	return h.render.Render(c, http.StatusOK, "staff_audit", v)
}
