package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// User is a staff account.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	Name         string
	Role         string
	PasswordHash string
	Disabled     bool
	WeeklyDigest bool
	// MonthlyDigest: the account gets the month's summary on the first.
	MonthlyDigest bool
	// MustChangePassword: the password was generated (the first admin, a
	// reset); the next login must choose one.
	MustChangePassword bool
	// NotifyAssigned: mail the account when an enquiry is given to it.
	NotifyAssigned bool `gorm:"default:true"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Roles, from least to most powerful.
const (
	RoleAgent   = "agent"
	RoleManager = "manager"
	RoleAdmin   = "admin"
)

// roleRank orders the roles: each may do all that the ones below may.
func roleRank(role string) int {
	switch role {
	case RoleAgent:
		return 1
	case RoleManager:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// ValidRole reports whether role is one of the three.
func ValidRole(role string) bool { return roleRank(role) > 0 }

// Can reports whether the user's role may do what the role min may.
func (u *User) Can(min string) bool { return ValidRole(min) && roleRank(u.Role) >= roleRank(min) }

// CreateUser stores a new account; an email already taken, in any case,
// is ErrConflict. The check runs in the writer's transaction, so two
// accounts for one address can race only on PostgreSQL, where its unique
// index on lower(email) refuses the second.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	err := s.Write(ctx, func(tx *Tx) error {
		row, err := tx.queryRow("user-by-email", strings.ToLower(u.Email))
		if err != nil {
			return err
		}
		if _, err := scanUser(row.Scan); err == nil {
			return ErrConflict
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := tx.now().UTC()
		u.CreatedAt, u.UpdatedAt = now, now
		return tx.db.Create(u).Error
	})
	if errors.Is(err, ErrConflict) || (err != nil && isUniqueViolation(err)) {
		return fmt.Errorf("user %s: %w", u.Email, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// UserByEmail finds an account by email, in any case (Unicode lower case
// on both engines).
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	return s.user(ctx, "user-by-email", strings.ToLower(email))
}

// UserByID finds an account by id.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	return s.user(ctx, "user-by-id", id)
}

func (s *Store) user(ctx context.Context, name string, arg any) (*User, error) {
	u, err := scanUser(s.queryRow(s.dialect.rowContext(ctx), name, arg).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	return &u, nil
}

// Users lists every account by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := s.scanRows(s.dialect.rowContext(ctx), "list-users", nil, func(scan func(...any) error) error {
		u, err := scanUser(scan)
		out = append(out, u)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// AuditName is how the audit log names the account: name and address.
func (u *User) AuditName() string { return u.Name + " <" + u.Email + ">" }

// scanUser reads a row's user columns (id, email, name, role,
// password_hash, disabled, weekly_digest, must_change_password,
// notify_assigned, monthly_digest, created_at, updated_at, as the
// query files select them), after the targets in before.
func scanUser(scan func(dest ...any) error, before ...any) (User, error) {
	var u User
	err := scan(append(before, &u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.WeeklyDigest,
		&u.MustChangePassword, &u.NotifyAssigned, &u.MonthlyDigest, &u.CreatedAt, &u.UpdatedAt)...)
	return u, err
}

// SetOwnPassword stores a password its owner chose: the account no longer
// must change it, its failed logins are forgotten, and every session but
// keep (the owner's own, by token hash) ends.
func (s *Store) SetOwnPassword(ctx context.Context, id int64, passwordHash, keep string) error {
	return s.Write(ctx, func(tx *Tx) error {
		var u User
		if err := tx.db.Where("id = ?", id).Take(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		err := tx.db.Model(&User{}).Where("id = ?", id).Updates(map[string]any{"password_hash": passwordHash,
			"must_change_password": false, "updated_at": tx.now().UTC()}).Error
		if err != nil {
			return err
		}
		if _, err := tx.exec("clear-account-login-failures", AddressKey(u.Email)); err != nil {
			return err
		}
		return tx.db.Where("user_id = ? AND token_hash <> ?", id, keep).Delete(&Session{}).Error
	})
}

// SetName changes an account's name.
func (s *Store) SetName(ctx context.Context, id int64, name string) error {
	return s.Write(ctx, func(tx *Tx) error {
		return tx.db.Model(&User{}).Where("id = ?", id).Updates(map[string]any{"name": name, "updated_at": tx.now().UTC()}).Error
	})
}

// NamesByID maps each account's id to its name.
func NamesByID(users []User) map[int64]string {
	m := make(map[int64]string, len(users))
	for _, u := range users {
		m[u.ID] = u.Name
	}
	return m
}

// CountUsers counts the accounts.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.read.WithContext(ctx).Model(&User{}).Count(&n).Error
	return n, err
}

// UpdateUser changes an account's name, role, disabled flag and, when
// passwordHash is not empty, its password — one generated by an admin's
// reset, which the account must change at its next login (this also
// clears its failed logins).
// Disabling an account or changing its password ends its sessions.
func (s *Store) UpdateUser(ctx context.Context, id int64, name, role string, disabled bool, passwordHash string) error {
	err := s.Write(ctx, func(tx *Tx) error {
		var before User
		if err := tx.db.Where("id = ?", id).Take(&before).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		updates := map[string]any{"name": name, "role": role, "disabled": disabled, "updated_at": tx.now().UTC()}
		if passwordHash != "" {
			updates["password_hash"], updates["must_change_password"] = passwordHash, true
			if _, err := tx.exec("clear-account-login-failures", AddressKey(before.Email)); err != nil {
				return err
			}
		}
		if err := tx.db.Model(&User{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return err
		}
		if disabled || passwordHash != "" || role != before.Role {
			return tx.db.Where("user_id = ?", id).Delete(&Session{}).Error
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("update user %d: %w", id, err)
	}
	return nil
}
