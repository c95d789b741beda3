package staff

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"iordesk/internal/personname"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// Roles lists the roles for the account forms.
var Roles = []string{store.RoleAgent, store.RoleManager, store.RoleAdmin}

type usersView struct {
	Page
	Users    []store.User
	Roles    []string
	Me       int64
	Notice   string
	Error    string
	Password string // a generated password, shown once
	For      string
}

// Users serves GET /staff/users (admin): the accounts.
func (h *Handlers) Users(c echo.Context) error { return h.showUsers(c, http.StatusOK, usersView{}) }

func (h *Handlers) showUsers(c echo.Context, status int, v usersView) error {
	users, err := h.store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	v.Page, v.Users, v.Roles, v.Me = h.page(c, "Staff accounts"), users, Roles, web.CurrentUser(c).ID
	v.Staff.Section = "users"
	return h.render.Render(c, status, "staff_users", v)
}

// NewAccount checks the fields of a new account and creates it; an empty
// password is generated. It returns the password when it was generated.
func NewAccount(ctx context.Context, s *store.Store, email, name, role, password string) (*store.User, string, error) {
	email, name = strings.TrimSpace(email), strings.TrimSpace(name)
	if !PlainAddress(email) {
		return nil, "", errors.New("enter a plain email address")
	}
	if problem := nameProblem(name); problem != "" {
		return nil, "", errors.New(problem)
	}
	if !store.ValidRole(role) {
		return nil, "", errors.New("choose the role agent, manager or admin")
	}
	generated := ""
	if password == "" {
		password = GeneratePassword()
		generated = password
	}
	if err := CheckPasswordRules(password, email, name); err != nil {
		return nil, "", errors.New("password: " + err.Error())
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, "", errors.New("password: " + err.Error())
	}
	// A generated password was shown to someone else: its owner chooses
	// one at the first login.
	u := &store.User{Email: email, Name: name, Role: role, PasswordHash: hash, MustChangePassword: generated != ""}
	if err := s.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, "", errors.New("an account with that email exists")
		}
		return nil, "", err
	}
	return u, generated, nil
}

// ResetPassword gives the account of email a new password — password, or
// a generated one (returned) that must be changed at the next login — and
// ends its sessions.
func ResetPassword(ctx context.Context, s *store.Store, email, password string) (string, error) {
	u, err := s.UserByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, store.ErrNotFound) {
		return "", errors.New("no account with that email")
	}
	if err != nil {
		return "", err
	}
	generated := ""
	if password == "" {
		password = GeneratePassword()
		generated = password
	} else if err := CheckPasswordRules(password, u.Email, u.Name); err != nil {
		return "", errors.New("password: " + err.Error())
	}
	hash, err := HashPassword(password)
	if err != nil {
		return "", err
	}
	if generated != "" {
		return generated, s.UpdateUser(ctx, u.ID, u.Name, u.Role, u.Disabled, hash)
	}
	return "", s.SetOwnPassword(ctx, u.ID, hash, "")
}

// AddUser serves POST /staff/users (admin).
func (h *Handlers) AddUser(c echo.Context) error {
	var u *store.User
	var generated string
	var err error
	if busyErr := h.hashing.do(c.Request().Context(), func() {
		u, generated, err = NewAccount(c.Request().Context(), h.store, c.FormValue("email"), c.FormValue("name"), c.FormValue("role"), c.FormValue("password"))
	}); errors.Is(busyErr, errHashBusy) {
		return busy(c)
	} else if busyErr != nil {
		return busyErr
	}
	if err != nil {
		return h.showUsers(c, http.StatusUnprocessableEntity, usersView{Error: "Could not add the account: " + err.Error() + "."})
	}
	h.log.Info("account created", "user", u.ID, "role", u.Role, "by", web.CurrentUser(c).ID)
	h.audit(c, web.CurrentUser(c), store.AuditAccountAdd, fmt.Sprintf("%s (%s) as %s", u.Email, u.Name, u.Role))
	return h.showUsers(c, http.StatusOK, usersView{Notice: "Account created for " + u.Email + ".", Password: generated, For: u.Email})
}

// UpdateUser serves POST /staff/users/{id} (admin): name, role, disabled,
// and a password reset. Admins cannot lock themselves out.
func (h *Handlers) UpdateUser(c echo.Context) error {
	id, err := pathID(c, "account")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := h.store.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("account")
	}
	if err != nil {
		return err
	}
	name, role := strings.TrimSpace(c.FormValue("name")), c.FormValue("role")
	disabled := c.FormValue("disabled") == "yes"
	if problem := nameProblem(name); problem != "" {
		return h.showUsers(c, http.StatusUnprocessableEntity, usersView{Error: "Could not save the account: " + problem + "."})
	}
	if !store.ValidRole(role) {
		return h.showUsers(c, http.StatusUnprocessableEntity, usersView{Error: "Choose a role."})
	}
	if id == web.CurrentUser(c).ID && (disabled || role != u.Role) {
		return h.showUsers(c, http.StatusUnprocessableEntity, usersView{Error: "You cannot disable your own account or change your own role."})
	}
	var hash, generated string
	if c.FormValue("reset_password") == "yes" {
		generated = GeneratePassword()
		if busyErr := h.hashing.do(ctx, func() { hash, err = HashPassword(generated) }); errors.Is(busyErr, errHashBusy) {
			return busy(c)
		} else if busyErr != nil {
			return busyErr
		}
		if err != nil {
			return err
		}
	}
	if err := h.store.UpdateUser(ctx, id, name, role, disabled, hash); err != nil {
		return err
	}
	h.log.Info("account changed", "user", id, "role", role, "disabled", disabled, "password_reset", generated != "", "by", web.CurrentUser(c).ID)
	h.audit(c, web.CurrentUser(c), store.AuditAccountChange, fmt.Sprintf("%s: name %q, role %s → %s, disabled %v, password reset %v",
		u.Email, name, u.Role, role, disabled, generated != ""))
	return h.showUsers(c, http.StatusOK, usersView{Notice: "Account " + u.Email + " saved.", Password: generated, For: u.Email})
}

// nameProblem says what is wrong with a staff member's name: 1 to 100
// characters of visible text on one line (see personname), or "".
func nameProblem(name string) string {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "enter a name"
	case n > 100:
		return "use at most 100 characters for the name"
	}
	if problem := personname.Problem(name); problem != "" {
		return "the name: " + strings.TrimSuffix(strings.ToLower(problem[:1])+problem[1:], ".")
	}
	return ""
}
