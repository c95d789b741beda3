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

// anonymise blanks the personal fields of the enquiries the named query
// selects, removes every other copy of them that belongs to those
// enquiries (staff notes, the details of their timeline, their mail's
// recipients and errors, the files they attached; unsent mail is not
// sent), and records an event on
// each. It returns how many enquiries it anonymised and the personal values
// it removed, for the caller to scrub elsewhere.
func (tx *Tx) anonymise(people string, args []any, detail string, by Actor) (int64, []string, error) {
	type person struct {
		id                              int64
		fullName, company, email, phone string
	}
	var found []person
	rows, err := tx.query(people, args...)
	if err != nil {
		return 0, nil, err
	}
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.fullName, &p.company, &p.email, &p.phone); err != nil {
			rows.Close()
			return 0, nil, err
		}
		found = append(found, p)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, nil, err
	}
	now := tx.now().UTC()
	var removed []string
	var actorID *int64
	if by.ID != 0 {
		actorID = &by.ID
	}
	for _, p := range found {
		personal := personalValues(p.fullName, p.company, p.email, p.phone)
		removed = append(removed, personal...)
		steps := []func() error{
			func() error { return tx.forgetMatchKeys(p.id, p.company, p.email) },
			func() error {
				// The tracking values go too, and the rollups by source
				// with them.
				counted, err := tx.uncounted(p.id)
				if err != nil {
					return err
				}
				if _, err := tx.exec("anonymise-enquiry", Erased, Erased, fmt.Sprintf("erased-%d@invalid", p.id), Erased, now, p.id); err != nil {
					return err
				}
				return tx.recounted(p.id, counted)
			},
			func() error { _, err := tx.exec("erase-notes", "(note erased)", p.id); return err },
			func() error { tx.reindex(p.id); return nil },
			func() error { _, err := tx.exec("erase-attachments", p.id); return err },
			func() error {
				_, err := tx.exec("erase-prospect-mail-events", Erased, "(message erased)", p.id)
				return err
			},
			func() error {
				_, err := tx.exec("erase-inbound-mail", Erased, Erased, Erased, "(message erased)", p.id)
				return err
			},
			func() error {
				_, err := tx.exec("cancel-unsent-mail", "not sent: personal data erased", p.id)
				return err
			},
			func() error { return tx.scrub("event-details", "set-event-detail", personal, p.id) },
			func() error { return tx.scrub("mail-texts", "set-mail-texts", personal, p.id) },
			func() error {
				return tx.AddEvent(Event{EnquiryID: p.id, Kind: EventErased, Actor: by.Name, ActorID: actorID, Detail: detail})
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return 0, nil, err
			}
		}
	}
	return int64(len(found)), removed, nil
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

// scrub rewrites every personal value (in any case) to Erased in the rows
// the named select returns — an id, then text columns — through the named
// update, which takes the texts and then the id.
func (tx *Tx) scrub(selectName, updateName string, personal []string, args ...any) error {
	if len(personal) == 0 {
		return nil
	}
	rows, err := tx.query(selectName, args...)
	if err != nil {
		return err
	}
	cols, err := rows.Columns()
	if err != nil {
		rows.Close()
		return err
	}
	var changes [][]any
	for rows.Next() {
		var id int64
		texts := make([]string, len(cols)-1)
		dest := []any{&id}
		for i := range texts {
			dest = append(dest, &texts[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return err
		}
		changed := false
		values := make([]any, 0, len(cols))
		for _, t := range texts {
			clean := scrubText(t, personal)
			changed = changed || clean != t
			values = append(values, clean)
		}
		if changed {
			changes = append(changes, append(values, id))
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for _, values := range changes {
		if _, err := tx.exec(updateName, values...); err != nil {
			return err
		}
	}
	return nil
}

// scrubText replaces every occurrence of the personal values in s,
// ignoring case, with Erased.
func scrubText(s string, personal []string) string {
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
		n, removed, err = tx.anonymise("people-by-email", []any{strings.ToLower(email)}, "Personal data erased on request", by)
		if err != nil {
			return err
		}
		removed = append(removed, personalValues(email)...)
		for _, v := range removed {
			pattern := "%" + likeEscaper.Replace(strings.ToLower(v)) + "%"
			if err := tx.scrub("audit-details-mentioning", "set-audit-detail", removed, pattern); err != nil {
				return err
			}
		}
		if _, err := tx.exec("erase-unmatched-mail", Erased, Erased, Erased, "(message erased)", strings.ToLower(email)); err != nil {
			return err
		}
		_, err = tx.exec("forget-acknowledgement-address", AddressKey(email))
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
			n, err = tx.deleteSpam(now.Add(-spamAge), retentionChunk)
			return err
		})
		if deleted += n; err != nil || n < retentionChunk {
			break
		}
	}
	for err == nil && closedAge > 0 {
		var n int64
		err = s.Write(ctx, func(tx *Tx) (err error) {
			n, _, err = tx.anonymise("people-for-retention", []any{now.Add(-closedAge), Erased, retentionChunk},
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

// deleteSpam deletes up to limit spam enquiries created before, with
// their rows in enquiry_destinations (keyed by country, so found through
// each enquiry's own list; events and mail go by foreign key).
func (tx *Tx) deleteSpam(before time.Time, limit int) (int64, error) {
	type victim struct {
		id             int64
		destinations   CountryCodes
		company, email string
	}
	var victims []victim
	rows, err := tx.query("spam-before", before, limit)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var v victim
		if err := rows.Scan(&v.id, &v.destinations, &v.company, &v.email); err != nil {
			rows.Close()
			return 0, err
		}
		victims = append(victims, v)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, err
	}
	for _, v := range victims {
		gone, err := tx.uncounted(v.id)
		if err != nil {
			return 0, err
		}
		tx.tally().merge(gone)
		if err := tx.forgetMatchKeys(v.id, v.company, v.email); err != nil {
			return 0, err
		}
		for _, country := range v.destinations {
			if _, err := tx.exec("delete-destination", country, v.id, v.id); err != nil {
				return 0, err
			}
		}
		if _, err := tx.exec("delete-enquiry", v.id); err != nil {
			return 0, err
		}
	}
	return int64(len(victims)), nil
}
