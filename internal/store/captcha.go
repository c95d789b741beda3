package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Challenge is one CAPTCHA: its digits as ASCII ('0'–'9') and when it
// expires. It lives in the database so restarts and several instances work
// and memory stays bounded.
type Challenge struct {
	ID        string `gorm:"primaryKey"`
	Digits    string
	ExpiresAt time.Time
}

// TableName is fixed by the product contract.
func (Challenge) TableName() string { return "captcha_challenges" }

// CreateChallenge stores a new challenge.
func (tx *Tx) CreateChallenge(c Challenge) error {
	if _, err := tx.exec(sqlInsertChallenge, c.ID, c.Digits, c.ExpiresAt.UTC()); err != nil {
		return fmt.Errorf("create captcha challenge: %w", err)
	}
	return nil
}

// ConsumeChallenge deletes the challenge and returns it as it was, so every
// attempt, right or wrong, uses it up. An unknown id gives ErrNotFound; an
// expired challenge is returned as well and the caller compares ExpiresAt.
func (tx *Tx) ConsumeChallenge(id string) (Challenge, error) {
	row, err := tx.queryRow(sqlConsumeChallenge, id)
	if err != nil {
		return Challenge{}, fmt.Errorf("consume captcha challenge: %w", err)
	}
	c := Challenge{ID: id}
	switch err := row.Scan(&c.Digits, &c.ExpiresAt); {
	case errors.Is(err, sql.ErrNoRows):
		return Challenge{}, ErrNotFound
	case err != nil:
		return Challenge{}, fmt.Errorf("consume captcha challenge: %w", err)
	}
	return c, nil
}

// Challenge reads a live challenge (for drawing its image or audio) without
// consuming it. Unknown or expired: ErrNotFound.
func (s *Store) Challenge(ctx context.Context, id string) (Challenge, error) {
	// Asked for every CAPTCHA image: a primary-key read, without gorm's
	// reflection (and see rowContext).
	db, err := s.read.DB()
	if err != nil {
		return Challenge{}, err
	}
	c := Challenge{ID: id}
	err = db.QueryRowContext(s.dialect.rowContext(ctx),
		s.dialect.rebind("SELECT digits, expires_at FROM captcha_challenges WHERE id = ? AND expires_at > ?"),
		id, s.now().UTC()).Scan(&c.Digits, &c.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Challenge{}, ErrNotFound
	}
	if err != nil {
		return Challenge{}, fmt.Errorf("read captcha challenge: %w", err)
	}
	return c, nil
}

// purgeChunk bounds one purge transaction, so a flood of expired
// challenges never holds the writer for long.
const purgeChunk = 2000

// PurgeExpiredChallenges deletes the challenges that expired before now and
// returns how many went.
func (s *Store) PurgeExpiredChallenges(ctx context.Context) (int64, error) {
	var total int64
	for {
		var n int64
		err := s.Write(ctx, func(tx *Tx) error {
			res := tx.db.Exec(`DELETE FROM captcha_challenges WHERE id IN
				(SELECT id FROM captcha_challenges WHERE expires_at <= ? LIMIT ?)`, tx.now().UTC(), purgeChunk)
			n = res.RowsAffected
			return res.Error
		})
		if err != nil {
			return total, fmt.Errorf("purge captcha challenges: %w", err)
		}
		total += n
		if n < purgeChunk {
			return total, nil
		}
	}
}
