package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RoutingRule sends desk mail for a destination country or region to an
// address.
type RoutingRule struct {
	ID        int64 `gorm:"primaryKey"`
	Match     string
	Email     string
	CreatedAt time.Time
}

// AddRoutingRule stores a rule; the same match and address twice is
// ErrConflict.
func (s *Store) AddRoutingRule(ctx context.Context, match, email string) (RoutingRule, error) {
	r := RoutingRule{Match: match, Email: email}
	err := s.Write(ctx, func(tx *Tx) error {
		r.CreatedAt = tx.now().UTC()
		return tx.db.Create(&r).Error
	})
	if err != nil && isUniqueViolation(err) {
		return r, fmt.Errorf("rule %s → %s exists: %w", match, email, ErrConflict)
	}
	if err != nil {
		return r, fmt.Errorf("add routing rule: %w", err)
	}
	return r, nil
}

// RoutingRules lists every rule by match, then address.
func (s *Store) RoutingRules(ctx context.Context) ([]RoutingRule, error) {
	var out []RoutingRule
	if err := s.read.WithContext(ctx).Order("match, email").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list routing rules: %w", err)
	}
	return out, nil
}

// RemoveRoutingRule deletes a rule by id.
func (s *Store) RemoveRoutingRule(ctx context.Context, id int64) error {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		res := tx.db.Delete(&RoutingRule{}, id)
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return fmt.Errorf("remove routing rule: %w", err)
	}
	if n == 0 {
		return errors.Join(fmt.Errorf("routing rule %d", id), ErrNotFound)
	}
	return nil
}
