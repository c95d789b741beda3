package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Erased replaces personal data; the enquiry's country, service, category,
// value, status and dates stay, so every count stays true.
const Erased = "(erased)"

// anonymise blanks the personal fields of the enquiries matched by where,
// their staff notes and their unsent mail, and records an event on each.
func (tx *Tx) anonymise(where string, args []any, detail string, by Actor) (int64, error) {
	var ids []int64
	if err := tx.db.Raw("SELECT id FROM enquiries WHERE "+where, args...).Scan(&ids).Error; err != nil {
		return 0, err
	}
	now := tx.now().UTC()
	for _, id := range ids {
		err := tx.db.Exec(`UPDATE enquiries SET full_name = ?, company = ?, email = ?, phone = '', message = '',
			product_description = ?, client_ip = '', user_agent = '', referrer = '', utm_source = '', utm_medium = '',
			utm_campaign = '', version = version + 1, updated_at = ? WHERE id = ?`,
			Erased, Erased, fmt.Sprintf("erased-%d@invalid", id), Erased, now, id).Error
		if err != nil {
			return 0, err
		}
		if err := tx.db.Exec("UPDATE enquiry_events SET detail = ? WHERE enquiry_id = ? AND kind = ?", "(note erased)", id, EventNote).Error; err != nil {
			return 0, err
		}
		if err := tx.db.Exec("UPDATE outbox SET status = ?, last_error = ?, lease_until = NULL WHERE enquiry_id = ? AND status = ?",
			MailFailed, "not sent: personal data erased", id, MailPending).Error; err != nil {
			return 0, err
		}
		var actorID *int64
		if by.ID != 0 {
			actorID = &by.ID
		}
		if err := tx.AddEvent(Event{EnquiryID: id, Kind: EventErased, Actor: by.Name, ActorID: actorID, Detail: detail}); err != nil {
			return 0, err
		}
	}
	return int64(len(ids)), nil
}

// ErasePerson anonymises every enquiry sent from email (any case): the
// answer to a data subject's erasure request.
func (s *Store) ErasePerson(ctx context.Context, email string, by Actor) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) (err error) {
		n, err = tx.anonymise(tx.dialect.sameEmail("email"), []any{strings.TrimSpace(email)}, "Personal data erased on request", by)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("erase: %w", err)
	}
	return n, nil
}

// retentionChunk bounds one retention transaction.
const retentionChunk = 500

// ApplyRetention deletes spam older than spamAge and anonymises won or lost
// enquiries not changed for closedAge (zero ages switch a rule off). It
// works in chunks so the writer is never held long.
func (s *Store) ApplyRetention(ctx context.Context, spamAge, closedAge time.Duration) (deleted, anonymised int64, err error) {
	now := s.now().UTC()
	for spamAge > 0 {
		var n int64
		err = s.Write(ctx, func(tx *Tx) (err error) {
			n, err = tx.deleteEnquiries("status = ? AND created_at < ? LIMIT ?", StatusSpam, now.Add(-spamAge), retentionChunk)
			return err
		})
		if deleted += n; err != nil || n < retentionChunk {
			break
		}
	}
	for err == nil && closedAge > 0 {
		var n int64
		err = s.Write(ctx, func(tx *Tx) (err error) {
			n, err = tx.anonymise(`id IN (SELECT id FROM enquiries WHERE status IN (?, ?) AND updated_at < ?
				AND full_name <> ? LIMIT ?)`, []any{StatusWon, StatusLost, now.Add(-closedAge), Erased, retentionChunk},
				"Personal data anonymised by the retention policy", Actor{Name: "retention policy"})
			return err
		})
		if anonymised += n; n < retentionChunk {
			break
		}
	}
	if err != nil {
		return deleted, anonymised, fmt.Errorf("retention: %w", err)
	}
	return deleted, anonymised, nil
}

// deleteEnquiries deletes the enquiries matching where, with their rows in
// enquiry_destinations (keyed by country, so found through each enquiry's
// own list; events and mail go by foreign key).
func (tx *Tx) deleteEnquiries(where string, args ...any) (int64, error) {
	var victims []struct {
		ID           int64
		Destinations string
	}
	if err := tx.db.Raw("SELECT id, destinations FROM enquiries WHERE "+where, args...).Scan(&victims).Error; err != nil {
		return 0, err
	}
	ids := make([]int64, len(victims))
	for i, v := range victims {
		ids[i] = v.ID
		for _, country := range strings.Fields(v.Destinations) {
			err := tx.db.Exec(`DELETE FROM enquiry_destinations WHERE country = ?
				AND created_at = (SELECT created_at FROM enquiries WHERE id = ?) AND enquiry_id = ?`, country, v.ID, v.ID).Error
			if err != nil {
				return 0, err
			}
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	res := tx.db.Exec("DELETE FROM enquiries WHERE id IN ?", ids)
	return res.RowsAffected, res.Error
}
