package store

import (
	"context"
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
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Roles, from least to most powerful.
const (
	RoleAgent   = "agent"
	RoleManager = "manager"
	RoleAdmin   = "admin"
)

// CreateUser stores a new account; a taken email is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	err := s.Write(ctx, func(tx *Tx) error {
		now := tx.now().UTC()
		u.CreatedAt, u.UpdatedAt = now, now
		return tx.db.Create(u).Error
	})
	if err != nil && isUniqueViolation(err) {
		return fmt.Errorf("user %s: %w", u.Email, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// UserByEmail finds an account by email, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	return s.userWhere(ctx, s.dialect.sameEmail("email"), email)
}

// UserByID finds an account by id.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	return s.userWhere(ctx, "id = ?", id)
}

func (s *Store) userWhere(ctx context.Context, cond string, arg any) (*User, error) {
	var u User
	err := s.read.WithContext(ctx).Where(cond, arg).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	return &u, nil
}

// Users lists every account by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	// Read beside every list page: by hand, without gorm's reflection.
	db, err := s.read.DB()
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(s.dialect.rowContext(ctx), "SELECT "+userColumns("")+" FROM users ORDER BY name, id")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// userColumns are a user's columns in the order scanUser reads them, each
// prefixed with alias (e.g. "u.").
func userColumns(alias string) string {
	cols := []string{"id", "email", "name", "role", "password_hash", "disabled", "weekly_digest",
		"created_at", "updated_at"}
	return alias + strings.Join(cols, ", "+alias)
}

// scanUser reads a row's userColumns, after the targets in before.
func scanUser(scan func(dest ...any) error, before ...any) (User, error) {
	var u User
	err := scan(append(before, &u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.WeeklyDigest,
		&u.CreatedAt, &u.UpdatedAt)...)
	return u, err
}

// CountUsers counts the accounts.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.read.WithContext(ctx).Model(&User{}).Count(&n).Error
	return n, err
}

// UpdateUser changes an account's name, role, disabled flag and, when
// passwordHash is not empty, its password (which also clears its failed
// logins).
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
			updates["password_hash"] = passwordHash
			if err := tx.db.Exec("DELETE FROM login_failures WHERE account = ?", AddressKey(before.Email)).Error; err != nil {
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
