package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// MailReply is a reply written on the enquiry page; EventReply its entry
// on the timeline, with the full text.
const (
	MailReply  = "reply"
	EventReply = "reply"
	// MailAssigned tells an account an enquiry was given to it.
	MailAssigned = "assigned"
)

// Reply is what an agent writes to the prospect: the subject, the plain
// text and the copies (the prospect is always the recipient).
type Reply struct {
	Subject, Body string
	Cc            []string
}

// QueueReply puts a reply to the prospect of enquiry id in the outbox, with
// its full text on the timeline, in one write; the first reply is the
// enquiry's first response unless it has one. It returns the message's id.
func (s *Store) QueueReply(ctx context.Context, id int64, r Reply, by Actor) (int64, error) {
	var msgID int64
	err := s.Write(ctx, func(tx *Tx) error {
		var e Enquiry
		if err := tx.db.Select("id, email").Where("id = ?", id).Take(&e).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		now := tx.now().UTC()
		m := Message{EnquiryID: &id, Kind: MailReply, Status: MailPending, NextAttemptAt: now, CreatedAt: now,
			Recipients: e.Email, Subject: r.Subject, Body: r.Body, Cc: strings.Join(r.Cc, ", "), SenderName: by.Name}
		row, err := tx.queryRow("last-prospect-message", id)
		if err != nil {
			return err
		}
		if err := row.Scan(&m.InReplyTo); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := tx.db.Omit("UserID", "LeaseUntil", "SentAt").Create(&m).Error; err != nil {
			return fmt.Errorf("queue reply: %w", err)
		}
		msgID = m.ID
		detail := "To: " + e.Email
		if len(r.Cc) > 0 {
			detail += "\nCc: " + m.Cc
		}
		detail += "\nSubject: " + r.Subject + "\n\n" + r.Body
		if err := tx.AddEvent(Event{EnquiryID: id, Kind: EventReply, Actor: by.Name, ActorID: &by.ID, Detail: detail}); err != nil {
			return err
		}
		if _, err := tx.exec("answered", id); err != nil {
			return err
		}
		_, err = tx.exec("first-response", now, by.ID, id)
		return err
	})
	return msgID, err
}
