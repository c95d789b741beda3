package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Message is one outgoing mail in the outbox.
type Message struct {
	ID            int64 `gorm:"primaryKey"`
	EnquiryID     *int64
	UserID        *int64 // the staff recipient, for the weekly digest
	Kind          string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LeaseUntil    *time.Time
	Recipients    string // as sent, for the record
	LastError     string
	// A reply keeps what its author wrote: Subject, Body (plain text), Cc
	// (comma-separated) and the name it is sent in.
	Subject, Body, Cc, SenderName string
	// InReplyTo is the Message-ID of the prospect's message a reply
	// answers ("" when the prospect has not written).
	InReplyTo string
	CreatedAt time.Time
	SentAt    *time.Time
}

// TableName keeps the table name explicit.
func (Message) TableName() string { return "outbox" }

// Message kinds and statuses.
const (
	MailDeskNotification = "desk_notification"
	MailAcknowledgement  = "acknowledgement"

	MailPending = "pending"
	MailSent    = "sent"
	MailFailed  = "failed"
)

// EnqueueMail adds messages of the given kinds for an enquiry, due now.
func (tx *Tx) EnqueueMail(enquiryID int64, kinds ...string) error {
	if len(kinds) == 0 {
		return nil
	}
	now := tx.now().UTC()
	args := make([]any, 0, 5*len(kinds))
	for _, k := range kinds {
		args = append(args, enquiryID, k, MailPending, now, now)
	}
	if _, err := tx.execRows("insert-mail", mailKey(len(kinds)), len(kinds), mailWidth, args...); err != nil {
		return fmt.Errorf("enqueue mail: %w", err)
	}
	return nil
}

// LeaseMail claims up to limit due messages for lease: no other worker
// takes them until the lease runs out, so a crashed worker's messages are
// picked up again after it.
func (s *Store) LeaseMail(ctx context.Context, limit int, lease time.Duration) ([]Message, error) {
	var leased []Message
	err := s.Write(ctx, func(tx *Tx) error {
		now := tx.now().UTC()
		rows, err := tx.query("lease-mail", now.Add(lease), now, now, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m Message
			var enquiryID, userID sql.NullInt64
			var leaseUntil, sentAt sql.NullTime
			if err := rows.Scan(&m.ID, &enquiryID, &userID, &m.Kind, &m.Status, &m.Attempts, &m.NextAttemptAt,
				&leaseUntil, &m.Recipients, &m.LastError, &m.CreatedAt, &sentAt, &m.Subject, &m.Body, &m.Cc, &m.SenderName, &m.InReplyTo); err != nil {
				return err
			}
			m.EnquiryID, m.UserID = nullableID(enquiryID), nullableID(userID)
			m.LeaseUntil, m.SentAt = nullableTime(leaseUntil), nullableTime(sentAt)
			leased = append(leased, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("lease mail: %w", err)
	}
	return leased, nil
}

func nullableID(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

func nullableTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

// MailOutcome is what one delivery attempt came to.
type MailOutcome struct {
	Sent       bool
	Failed     bool      // permanently: no more attempts
	RetryAt    time.Time // when neither Sent nor Failed
	Recipients string
	Error      string
	// Event goes on the enquiry's timeline, when not empty.
	Event Event
}

// RecordMail stores the outcome of an attempt and releases the lease.
func (s *Store) RecordMail(ctx context.Context, m Message, out MailOutcome) error {
	return s.Write(ctx, func(tx *Tx) error {
		now := tx.now().UTC()
		updates := map[string]any{"attempts": gorm.Expr("attempts + 1"), "lease_until": nil,
			"last_error": out.Error, "recipients": out.Recipients}
		switch {
		case out.Sent:
			updates["status"], updates["sent_at"] = MailSent, now
		case out.Failed:
			updates["status"] = MailFailed
		default:
			updates["next_attempt_at"] = out.RetryAt.UTC()
		}
		if err := tx.db.Model(&Message{}).Where("id = ?", m.ID).Updates(updates).Error; err != nil {
			return fmt.Errorf("record mail %d: %w", m.ID, err)
		}
		if out.Event.Kind != "" && m.EnquiryID != nil {
			out.Event.EnquiryID = *m.EnquiryID
			return tx.AddEvent(out.Event)
		}
		return nil
	})
}

// OutboxStats is what the dashboard and metrics show of the outbox.
type OutboxStats struct {
	Pending, Failed int64
	// OldestPending is when the oldest pending message was queued (zero
	// when none is).
	OldestPending time.Time
}

// OutboxStats counts pending and failed messages.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	db := s.read.WithContext(ctx).Model(&Message{})
	if err := db.Where("status = ?", MailPending).Count(&st.Pending).Error; err != nil {
		return st, fmt.Errorf("outbox stats: %w", err)
	}
	if err := s.read.WithContext(ctx).Model(&Message{}).Where("status = ?", MailFailed).Count(&st.Failed).Error; err != nil {
		return st, fmt.Errorf("outbox stats: %w", err)
	}
	err := s.queryRow(ctx, "oldest-pending-mail").Scan(&st.OldestPending)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("outbox stats: %w", err)
	}
	return st, nil
}

// MailFor lists an enquiry's messages, oldest first.
func (s *Store) MailFor(ctx context.Context, enquiryID int64) ([]Message, error) {
	var out []Message
	if err := s.read.WithContext(ctx).Where("enquiry_id = ?", enquiryID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list mail: %w", err)
	}
	return out, nil
}
