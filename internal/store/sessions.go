package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a logged-in staff member's server-side session.
type Session struct {
	TokenHash  string `gorm:"primaryKey"`
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute limit
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.db.Create(&sess).Error })
}

// SessionByHash reads a session and its user.
func (s *Store) SessionByHash(ctx context.Context, hash string) (*Session, *User, error) {
	// Every staff request asks this first: one query for both rows (and
	// see rowContext).
	sess := Session{TokenHash: hash}
	row := s.queryRow(s.dialect.rowContext(ctx), "session-with-user", hash)
	u, err := scanUser(row.Scan, &sess.UserID, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read session: %w", err)
	}
	return &sess, &u, nil
}

// TouchSession records activity, which moves the idle deadline.
func (s *Store) TouchSession(ctx context.Context, hash string, at time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		return tx.db.Model(&Session{}).Where("token_hash = ?", hash).Update("last_seen_at", at.UTC()).Error
	})
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.db.Where("token_hash = ?", hash).Delete(&Session{}).Error })
}

// PurgeSessions deletes sessions past their absolute limit or idle longer
// than idle.
func (s *Store) PurgeSessions(ctx context.Context, idle time.Duration) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		now := tx.now().UTC()
		res := tx.db.Where("expires_at <= ? OR last_seen_at <= ?", now, now.Add(-idle)).Delete(&Session{})
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}
