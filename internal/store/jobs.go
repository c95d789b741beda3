package store

import (
	"context"
	"fmt"
	"time"
)

// MailWeeklyDigest and MailMonthlyDigest are the outbox kinds of a
// manager's weekly and monthly summaries.
const (
	MailWeeklyDigest  = "weekly_digest"
	MailMonthlyDigest = "monthly_digest"
)

// SetWeeklyDigest subscribes or unsubscribes a user.
func (s *Store) SetWeeklyDigest(ctx context.Context, userID int64, on bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		return tx.db.Model(&User{}).Where("id = ?", userID).Update("weekly_digest", on).Error
	})
}

// SetMonthlyDigest subscribes or unsubscribes a user to the monthly
// summary.
func (s *Store) SetMonthlyDigest(ctx context.Context, userID int64, on bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		return tx.db.Model(&User{}).Where("id = ?", userID).Update("monthly_digest", on).Error
	})
}

// SetNotifyAssigned turns the mail an account gets for an enquiry
// assigned to it on or off.
func (s *Store) SetNotifyAssigned(ctx context.Context, userID int64, on bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		return tx.db.Model(&User{}).Where("id = ?", userID).Update("notify_assigned", on).Error
	})
}

// ClaimJob records that the job named runs for the slot starting at slot,
// unless it already ran for that slot (here or on another instance). When
// claimed, then runs in the same transaction, so the claim and its work
// commit together.
func (s *Store) ClaimJob(ctx context.Context, name string, slot time.Time, then func(tx *Tx) error) (bool, error) {
	claimed := false
	err := s.Write(ctx, func(tx *Tx) error {
		slot := slot.UTC()
		n, err := rowsAffected(tx.exec("claim-job", name, slot))
		if err != nil || n == 0 {
			return err
		}
		claimed = true
		return then(tx)
	})
	if err != nil {
		return false, fmt.Errorf("job %s: %w", name, err)
	}
	return claimed, nil
}

// EnqueueDigests queues a digest of kind (MailWeeklyDigest or
// MailMonthlyDigest) for every active subscriber to it.
func (tx *Tx) EnqueueDigests(kind string) (int64, error) {
	now := tx.now().UTC()
	column := "weekly_digest"
	if kind == MailMonthlyDigest {
		column = "monthly_digest"
	}
	var ids []int64
	err := tx.db.Model(&User{}).Where(column+" AND NOT disabled AND role IN ?", []string{RoleManager, RoleAdmin}).
		Pluck("id", &ids).Error
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		m := Message{UserID: &id, Kind: kind, Status: MailPending, NextAttemptAt: now, CreatedAt: now}
		if err := tx.db.Omit("EnquiryID", "LeaseUntil", "SentAt").Create(&m).Error; err != nil {
			return 0, err
		}
	}
	return int64(len(ids)), nil
}
