package staff

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"iordesk/internal/store"
	"iordesk/internal/web"
)

type privacyView struct {
	Page
	Notice, Error string
}

// Privacy serves GET /staff/privacy (admin): erasure requests.
func (h *Handlers) Privacy(c echo.Context) error { return h.showPrivacy(c, http.StatusOK, "", "") }

func (h *Handlers) showPrivacy(c echo.Context, status int, notice, problem string) error {
	v := privacyView{Page: h.page(c, "Privacy requests"), Notice: notice, Error: problem}
	v.Staff.Section = "privacy"
	return h.render.Render(c, status, "staff_privacy", v)
}

// Erase serves POST /staff/privacy/erase (admin): every enquiry from an
// email address loses its personal data; the counts stay true.
func (h *Handlers) Erase(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	if !PlainAddress(email) {
		return h.showPrivacy(c, http.StatusUnprocessableEntity, "", "Enter the email address the person used.")
	}
	if c.FormValue("confirm") != "yes" {
		return h.showPrivacy(c, http.StatusUnprocessableEntity, "", "Tick the box to confirm: erasure cannot be undone.")
	}
	u := web.CurrentUser(c)
	n, err := h.store.ErasePerson(c.Request().Context(), email, store.Actor{ID: u.ID, Name: u.Name})
	if err != nil {
		return err
	}
	// The log keeps who erased how much, not the address itself.
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	h.audit(c, u, store.AuditErasure, fmt.Sprintf("%d enquiries erased for an address with SHA-256 %s…", n, hex.EncodeToString(sum[:6])))
	return h.showPrivacy(c, http.StatusOK, fmt.Sprintf("Personal data erased from %d enquiries.", n), "")
}
