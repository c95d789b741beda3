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
	if _, err := tx.exec("insert-challenge", c.ID, c.Digits, c.ExpiresAt.UTC()); err != nil {
		return fmt.Errorf("create captcha challenge: %w", err)
	}
	return nil
}

// ConsumeChallenge deletes the challenge and returns it as it was, so every
// attempt, right or wrong, uses it up. An unknown id gives ErrNotFound; an
// expired challenge is returned as well and the caller compares ExpiresAt.
func (tx *Tx) ConsumeChallenge(id string) (Challenge, error) {
	row, err := tx.queryRow("consume-challenge", id)
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
	// Asked for every CAPTCHA image (and see rowContext).
	c := Challenge{ID: id}
	err := s.queryRow(s.dialect.rowContext(ctx), "live-challenge", id, s.now().UTC()).Scan(&c.Digits, &c.ExpiresAt)
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
			var err error
			n, err = rowsAffected(tx.exec("purge-challenges", tx.now().UTC(), purgeChunk))
			return err
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
