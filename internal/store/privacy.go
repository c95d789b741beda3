package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Erased replaces personal data; the enquiry's country, service, category,
// value, status and dates stay, so every count stays true.
const Erased = "(erased)"

// anonymise blanks the personal fields of the enquiries matched by where,
// removes every other copy of them that belongs to those enquiries (staff
// notes, the details of their timeline, their mail's recipients and
// errors; unsent mail is not sent), and records an event on each. It
// returns how many enquiries it anonymised and the personal values it
// removed, for the caller to scrub elsewhere.
func (tx *Tx) anonymise(where string, args []any, detail string, by Actor) (int64, []string, error) {
	var people []struct {
		ID                              int64
		FullName, Company, Email, Phone string
	}
	if err := tx.db.Raw("SELECT id, full_name, company, email, phone FROM enquiries WHERE "+where, args...).Scan(&people).Error; err != nil {
		return 0, nil, err
	}
	now := tx.now().UTC()
	var removed []string
	for _, p := range people {
		personal := personalValues(p.FullName, p.Company, p.Email, p.Phone)
		removed = append(removed, personal...)
		err := tx.db.Exec(`UPDATE enquiries SET full_name = ?, company = ?, email = ?, phone = '', message = '',
			product_description = ?, client_ip = '', user_agent = '', referrer = '', utm_source = '', utm_medium = '',
			utm_campaign = '', version = version + 1, updated_at = ? WHERE id = ?`,
			Erased, Erased, fmt.Sprintf("erased-%d@invalid", p.ID), Erased, now, p.ID).Error
		if err != nil {
			return 0, nil, err
		}
		if err := tx.db.Exec("UPDATE enquiry_events SET detail = ? WHERE enquiry_id = ? AND kind = ?", "(note erased)", p.ID, EventNote).Error; err != nil {
			return 0, nil, err
		}
		if err := tx.db.Exec("UPDATE outbox SET status = ?, last_error = ?, lease_until = NULL WHERE enquiry_id = ? AND status = ?",
			MailFailed, "not sent: personal data erased", p.ID, MailPending).Error; err != nil {
			return 0, nil, err
		}
		if err := tx.scrubRows("enquiry_events", "enquiry_id = ?", p.ID, personal, "detail"); err != nil {
			return 0, nil, err
		}
		if err := tx.scrubRows("outbox", "enquiry_id = ?", p.ID, personal, "recipients", "last_error"); err != nil {
			return 0, nil, err
		}
		var actorID *int64
		if by.ID != 0 {
			actorID = &by.ID
		}
		if err := tx.AddEvent(Event{EnquiryID: p.ID, Kind: EventErased, Actor: by.Name, ActorID: actorID, Detail: detail}); err != nil {
			return 0, nil, err
		}
	}
	return int64(len(people)), removed, nil
}

// personalValues are the values of a person to remove wherever they were
// copied: those long enough not to match ordinary words by chance, and not
// already erased.
func personalValues(values ...string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); len([]rune(v)) >= 3 && v != Erased {
			out = append(out, v)
		}
	}
	return out
}

// scrubRows replaces, in the named text columns of the rows of table
// matching where, every occurrence of the personal values (in any case)
// with Erased.
func (tx *Tx) scrubRows(table, where string, arg any, personal []string, columns ...string) error {
	if len(personal) == 0 {
		return nil
	}
	rows, err := tx.db.Raw("SELECT id, "+strings.Join(columns, ", ")+" FROM "+table+" WHERE "+where, arg).Rows()
	if err != nil {
		return err
	}
	type change struct {
		id     int64
		values []any
	}
	var changes []change
	for rows.Next() {
		var id int64
		vals := make([]string, len(columns))
		dest := []any{&id}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return err
		}
		changed := false
		ch := change{id: id}
		for _, v := range vals {
			clean := scrub(v, personal)
			changed = changed || clean != v
			ch.values = append(ch.values, clean)
		}
		if changed {
			changes = append(changes, ch)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	set := strings.Join(columns, " = ?, ") + " = ?"
	for _, ch := range changes {
		if err := tx.db.Exec("UPDATE "+table+" SET "+set+" WHERE id = ?", append(ch.values, ch.id)...).Error; err != nil {
			return err
		}
	}
	return nil
}

// scrub replaces every occurrence of the personal values in s, ignoring
// case, with Erased.
func scrub(s string, personal []string) string {
	for _, p := range personal {
		for {
			i := indexFold(s, p)
			if i < 0 {
				break
			}
			s = s[:i] + Erased + s[i+len(p):]
		}
	}
	return s
}

// indexFold is strings.Index ignoring case (simple Unicode folding), for
// needles whose folded form has the same length in bytes.
func indexFold(s, needle string) int {
	for i := 0; i+len(needle) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}

// ErasePerson anonymises every enquiry sent from email (any case): the
// answer to a data subject's erasure request. Besides what anonymise
// removes, the person's values leave the audit log (an export's filter may
// have named them; this is the one change the application makes to that
// log) and the acknowledgement limit forgets the address.
func (s *Store) ErasePerson(ctx context.Context, email string, by Actor) (int64, error) {
	var n int64
	email = strings.TrimSpace(email)
	err := s.Write(ctx, func(tx *Tx) error {
		var removed []string
		var err error
		n, removed, err = tx.anonymise(tx.dialect.sameEmail("email"), []any{email}, "Personal data erased on request", by)
		if err != nil {
			return err
		}
		removed = append(removed, personalValues(email)...)
		for _, v := range removed {
			pattern := "%" + likeEscaper.Replace(v) + "%"
			err := tx.scrubRows("audit_log", "detail "+tx.dialect.like()+" ? ESCAPE '\\'", pattern, removed, "detail")
			if err != nil {
				return err
			}
		}
		return tx.db.Exec("DELETE FROM acknowledgement_limits WHERE address = ?", AddressKey(email)).Error
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
			n, _, err = tx.anonymise(`id IN (SELECT id FROM enquiries WHERE status IN (?, ?) AND updated_at < ?
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
