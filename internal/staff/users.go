package staff

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"iordesk/internal/store"
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
	v.Page, v.Users, v.Roles, v.Me = h.page(c, "Staff accounts"), users, Roles, CurrentUser(c).ID
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
	if !validName(name) {
		return nil, "", errors.New("enter a name of 1 to 100 characters")
	}
	if roleRank[role] == 0 {
		return nil, "", errors.New("choose the role agent, manager or admin")
	}
	generated := ""
	if password == "" {
		password = GeneratePassword()
		generated = password
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, "", errors.New("password: " + err.Error())
	}
	u := &store.User{Email: email, Name: name, Role: role, PasswordHash: hash}
	if err := s.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, "", errors.New("an account with that email exists")
		}
		return nil, "", err
	}
	return u, generated, nil
}

// AddUser serves POST /staff/users (admin).
func (h *Handlers) AddUser(c echo.Context) error {
	u, generated, err := NewAccount(c.Request().Context(), h.store, c.FormValue("email"), c.FormValue("name"), c.FormValue("role"), c.FormValue("password"))
	if err != nil {
		return h.showUsers(c, http.StatusUnprocessableEntity, usersView{Error: "Could not add the account: " + err.Error() + "."})
	}
	h.log.Info("account created", "user", u.ID, "role", u.Role, "by", CurrentUser(c).ID)
	h.audit(c, CurrentUser(c), store.AuditAccountAdd, fmt.Sprintf("%s (%s) as %s", u.Email, u.Name, u.Role))
	return h.showUsers(c, http.StatusOK, usersView{Notice: "Account created for " + u.Email + ".", Password: generated, For: u.Email})
}

// UpdateUser serves POST /staff/users/{id} (admin): name, role, disabled,
// and a password reset. Admins cannot lock themselves out.
func (h *Handlers) UpdateUser(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "No such account.")
	}
	ctx := c.Request().Context()
	u, err := h.store.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "No such account.")
	}
	if err != nil {
		return err
	}
	name, role := strings.TrimSpace(c.FormValue("name")), c.FormValue("role")
	disabled := c.FormValue("disabled") == "yes"
	if !validName(name) || roleRank[role] == 0 {
		return h.showUsers(c, http.StatusUnprocessableEntity, usersView{Error: "Enter a name and choose a role."})
	}
	if id == CurrentUser(c).ID && (disabled || role != u.Role) {
		return h.showUsers(c, http.StatusUnprocessableEntity, usersView{Error: "You cannot disable your own account or change your own role."})
	}
	var hash, generated string
	if c.FormValue("reset_password") == "yes" {
		generated = GeneratePassword()
		if hash, err = HashPassword(generated); err != nil {
			return err
		}
	}
	if err := h.store.UpdateUser(ctx, id, name, role, disabled, hash); err != nil {
		return err
	}
	h.log.Info("account changed", "user", id, "role", role, "disabled", disabled, "password_reset", generated != "", "by", CurrentUser(c).ID)
	h.audit(c, CurrentUser(c), store.AuditAccountChange, fmt.Sprintf("%s: name %q, role %s → %s, disabled %v, password reset %v",
		u.Email, name, u.Role, role, disabled, generated != ""))
	return h.showUsers(c, http.StatusOK, usersView{Notice: "Account " + u.Email + " saved.", Password: generated, For: u.Email})
}

// validName is a staff member's name: 1 to 100 characters on one line.
func validName(name string) bool {
	return name != "" && utf8.RuneCountInString(name) <= 100 && !strings.ContainsAny(name, "\r\n\x00")
}
