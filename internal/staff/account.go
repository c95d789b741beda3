package staff

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"iordesk/internal/store"
	"iordesk/internal/web"
)

type accountView struct {
	Page
	User          *store.User
	Must          bool
	Notice, Error string
}

var accountNotices = map[string]string{"password": "Password changed: your other sessions have ended.",
	"saved": "Saved."}

// Account serves GET /staff/account: one's own name, weekly summary and
// password.
func (h *Handlers) Account(c echo.Context) error {
	return h.showAccount(c, http.StatusOK, accountNotices[c.QueryParam("done")], "")
}

func (h *Handlers) showAccount(c echo.Context, status int, notice, problem string) error {
	u := web.CurrentUser(c)
	v := accountView{Page: h.page(c, "My account"), User: u, Must: u.MustChangePassword, Notice: notice, Error: problem}
	v.Staff.Section = "account"
	return h.render.Render(c, status, "staff_account", v)
}

// SaveAccount serves POST /staff/account: name, the mail for enquiries
// assigned to one and (managers) the weekly summary.
func (h *Handlers) SaveAccount(c echo.Context) error {
	u := web.CurrentUser(c)
	name := strings.TrimSpace(c.FormValue("name"))
	if problem := nameProblem(name); problem != "" {
		return h.showAccount(c, http.StatusUnprocessableEntity, "", "Not saved: "+problem+".")
	}
	ctx := c.Request().Context()
	if err := h.store.SetName(ctx, u.ID, name); err != nil {
		return err
	}
	if err := h.store.SetNotifyAssigned(ctx, u.ID, c.FormValue("notify_assigned") == "yes"); err != nil {
		return err
	}
	if u.Can(store.RoleManager) {
		if err := h.store.SetWeeklyDigest(ctx, u.ID, c.FormValue("digest") == "yes"); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, "/staff/account?done=saved")
}

// ChangePassword serves POST /staff/account/password: the current password,
// then the new one twice. Every other session of the account ends.
func (h *Handlers) ChangePassword(c echo.Context) error {
	u := web.CurrentUser(c)
	current, next, again := c.FormValue("current"), c.FormValue("password"), c.FormValue("repeat")
	ok := false
	if err := h.hashing.do(c.Request().Context(), func() { ok = VerifyPassword(u.PasswordHash, current) }); errors.Is(err, errHashBusy) {
		return busy(c)
	} else if err != nil {
		return err
	}
	switch {
	case !ok:
		return h.showAccount(c, http.StatusUnprocessableEntity, "", "Your current password is not right.")
	case next != again:
		return h.showAccount(c, http.StatusUnprocessableEntity, "", "The two new passwords differ.")
	case next == current:
		return h.showAccount(c, http.StatusUnprocessableEntity, "", "Choose a password other than the current one.")
	}
	if err := CheckPasswordRules(next, u.Email, u.Name); err != nil {
		return h.showAccount(c, http.StatusUnprocessableEntity, "", "Not changed: "+err.Error()+".")
	}
	var hash string
	var err error
	if busyErr := h.hashing.do(c.Request().Context(), func() { hash, err = HashPassword(next) }); errors.Is(busyErr, errHashBusy) {
		return busy(c)
	} else if busyErr != nil {
		return busyErr
	}
	if err != nil {
		return err
	}
	keep := ""
	if ck, cerr := c.Cookie(SessionCookie); cerr == nil {
		keep = hashToken(ck.Value)
	}
	if err := h.store.SetOwnPassword(c.Request().Context(), u.ID, hash, keep); err != nil {
		return err
	}
	h.audit(c, u, store.AuditPasswordChange, "own password changed; other sessions ended")
	return c.Redirect(http.StatusSeeOther, "/staff/account?done=password")
}
