package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// InboundMail is one message recorded from the desk mailbox: where it was
// (mailbox, UIDVALIDITY, UID), what it says (its text part, at most
// InboundTextLimit bytes, CutBytes more not kept), and what became of it.
type InboundMail struct {
	ID          int64 `gorm:"primaryKey"`
	Mailbox     string
	UIDValidity int64 `gorm:"column:uid_validity"`
	UID         int64 `gorm:"column:uid"`
	// MessageID is the message's Message-ID without brackets ("" without
	// one): the same message is recorded once even after the server
	// renumbers the mailbox, and a reply names it in In-Reply-To.
	MessageID   string
	EnquiryID   *int64
	State       string // InboundMatched, InboundUnmatched or InboundDiscarded
	MatchedBy   string // MatchedByHeader, MatchedBySubject or MatchedByHand
	FromAddress string
	FromName    string
	Subject     string
	SentAt      *time.Time
	ReceivedAt  time.Time
	Body        string
	CutBytes    int64
	// Attachments lists each attachment as "name (size)", one per line;
	// their content is never kept.
	Attachments string
	// AutoReply: an out-of-office or other automatic answer, recorded but
	// waiting for no one.
	AutoReply bool
	HandledBy string
	HandledAt *time.Time
}

// TableName keeps the table name explicit.
func (InboundMail) TableName() string { return "inbound_mail" }

// What became of a recorded message, and how it found its enquiry.
const (
	InboundMatched   = "matched"
	InboundUnmatched = "unmatched"
	InboundDiscarded = "discarded"

	MatchedByHeader  = "header"  // In-Reply-To or References names a message of ours
	MatchedBySubject = "subject" // the subject names the enquiry's reference
	MatchedByHand    = "manual"  // a manager attached it
)

// InboundTextLimit is how much of a message's text is kept.
const InboundTextLimit = 1 << 20

// EventProspectMail is a message from the prospect on the timeline, with
// its text; EventAnswered an agent marking the prospect answered without a
// reply from iordesk (by telephone, say).
const (
	EventProspectMail = "prospect_mail"
	EventAnswered     = "answered"
	// MailProspectWrote tells the assignee (or the desk) that the
	// prospect wrote back.
	MailProspectWrote = "prospect_wrote"
)

// ErrLeaseLost: another instance polls the mailbox now.
var ErrLeaseLost = errors.New("mailbox lease lost")

// MailboxPlace is where the poller got to in a mailbox.
type MailboxPlace struct {
	UIDValidity, LastUID int64
}

// LeaseMailbox takes or renews holder's lease on the named mailbox, so one
// instance polls it at a time. ok is false while another holds it.
func (s *Store) LeaseMailbox(ctx context.Context, name, holder string, lease time.Duration) (place MailboxPlace, ok bool, err error) {
	err = s.Write(ctx, func(tx *Tx) error {
		now := tx.now().UTC()
		if _, err := tx.exec("ensure-mailbox", name); err != nil {
			return err
		}
		n, err := rowsAffected(tx.exec("lease-mailbox", holder, now.Add(lease), name, holder, now))
		if err != nil || n == 0 {
			return err
		}
		ok = true
		row, err := tx.queryRow("mailbox-place", name)
		if err != nil {
			return err
		}
		return row.Scan(&place.UIDValidity, &place.LastUID)
	})
	if err != nil {
		return MailboxPlace{}, false, fmt.Errorf("lease mailbox: %w", err)
	}
	return place, ok, nil
}

// ReleaseMailbox gives the lease up (at shutdown), so another instance
// need not wait for it to run out.
func (s *Store) ReleaseMailbox(ctx context.Context, name, holder string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec("release-mailbox", name, holder)
		return err
	})
}

// AdvanceMailbox records that the poller is done with the mailbox up to
// place (a message it skips, or a new UIDVALIDITY), while it holds the
// lease.
func (s *Store) AdvanceMailbox(ctx context.Context, name, holder string, place MailboxPlace) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.advanceMailbox(name, holder, place) })
}

func (tx *Tx) advanceMailbox(name, holder string, place MailboxPlace) error {
	n, err := rowsAffected(tx.exec("advance-mailbox", place.UIDValidity, place.LastUID, name, holder, tx.now().UTC()))
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrLeaseLost
	}
	return nil
}

// InboundThread is what the poller read from a message for matching it:
// the messages of ours it answers (their outbox id and the enquiry
// reference their Message-ID names) and a reference in its subject.
type InboundThread struct {
	Ours       []OurMessage
	SubjectRef string
}

// OurMessage is a Message-ID iordesk gave: the outbox row and the
// enquiry's reference.
type OurMessage struct {
	OutboxID  int64
	Reference string
}

// RecordInbound records a message fetched from the mailbox and moves the
// mailbox's place past it, in one write (so a message is recorded once
// however often the poller stops and starts), while holder holds the
// lease. A message matched to an enquiry goes on its timeline with its
// text; unless it is an automatic answer, the enquiry waits for the desk
// and its assignee (else the desk) is mailed. recorded is false for a
// message already recorded under its Message-ID.
func (s *Store) RecordInbound(ctx context.Context, holder string, m InboundMail, thread InboundThread) (recorded bool, err error) {
	err = s.Write(ctx, func(tx *Tx) error {
		recorded = false
		if err := tx.advanceMailbox(m.Mailbox, holder, MailboxPlace{UIDValidity: m.UIDValidity, LastUID: m.UID}); err != nil {
			return err
		}
		if m.MessageID != "" {
			var n int64
			row, err := tx.queryRow("inbound-seen", m.MessageID)
			if err != nil {
				return err
			}
			if err := row.Scan(&n); err != nil || n > 0 {
				return err
			}
		}
		id, by, err := tx.matchInbound(thread)
		if err != nil {
			return err
		}
		m.ID, m.State, m.MatchedBy, m.EnquiryID = 0, InboundUnmatched, "", nil
		m.ReceivedAt = tx.now().UTC()
		if id != 0 {
			m.State, m.MatchedBy, m.EnquiryID = InboundMatched, by, &id
		}
		if err := tx.db.Omit("HandledAt").Create(&m).Error; err != nil {
			return fmt.Errorf("record inbound mail: %w", err)
		}
		recorded = true
		if id != 0 {
			return tx.onProspectMail(m)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("record mail %s/%d/%d: %w", m.Mailbox, m.UIDValidity, m.UID, err)
	}
	return recorded, nil
}

// matchInbound finds the enquiry a message belongs to: through a message
// of ours it answers, else through the reference in its subject; 0 when
// neither names one.
func (tx *Tx) matchInbound(thread InboundThread) (int64, string, error) {
	for _, our := range thread.Ours {
		id, err := tx.idOf("outbox-enquiry", our.OutboxID, our.Reference)
		if err != nil || id != 0 {
			return id, MatchedByHeader, err
		}
	}
	if thread.SubjectRef == "" {
		return 0, "", nil
	}
	id, err := tx.idOf("enquiry-by-reference", thread.SubjectRef)
	return id, MatchedBySubject, err
}

// idOf is the id one named read returns, 0 for none.
func (tx *Tx) idOf(name string, args ...any) (int64, error) {
	row, err := tx.queryRow(name, args...)
	if err != nil {
		return 0, err
	}
	var id sql.NullInt64
	if err := row.Scan(&id); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	return id.Int64, nil
}

// onProspectMail puts a matched message on its enquiry's timeline and,
// unless it answered itself, flags the enquiry and tells whoever answers
// it.
func (tx *Tx) onProspectMail(m InboundMail) error {
	from := m.FromAddress
	if m.FromName != "" {
		from = m.FromName + " <" + m.FromAddress + ">"
	}
	if err := tx.AddEvent(Event{EnquiryID: *m.EnquiryID, Kind: EventProspectMail, Actor: from, Detail: m.TimelineText()}); err != nil {
		return err
	}
	if m.AutoReply {
		return nil
	}
	if _, err := tx.exec("awaiting-reply", m.ReceivedAt, *m.EnquiryID); err != nil {
		return err
	}
	assignee, err := tx.idOf("enquiry-assignee", *m.EnquiryID)
	if err != nil {
		return err
	}
	now := tx.now().UTC()
	msg := Message{EnquiryID: m.EnquiryID, Kind: MailProspectWrote, Status: MailPending, NextAttemptAt: now, CreatedAt: now,
		SenderName: from, Subject: m.Subject, Body: excerpt(m.Body, 1500)}
	if assignee != 0 {
		// The assignee's own choice on My account decides, as for
		// assignment mail; nobody else is told instead.
		if wanted, err := tx.wantsMail(assignee); err != nil || !wanted {
			return err
		}
		msg.UserID = &assignee
		return tx.db.Omit("LeaseUntil", "SentAt").Create(&msg).Error
	}
	return tx.db.Omit("UserID", "LeaseUntil", "SentAt").Create(&msg).Error
}

// excerpt is the start of a text, at most n bytes, cut at a line or word.
func excerpt(text string, n int) string {
	if len(text) <= n {
		return text
	}
	cut := text[:n]
	if i := strings.LastIndexAny(cut, "\n "); i > n/2 {
		cut = cut[:i]
	}
	return strings.ToValidUTF8(cut, "") + " …"
}

// TimelineText is the message as the timeline shows it: what and when it
// was sent, the attachments' names and sizes, then the text, with a note
// of any cut (the timeline names the sender).
func (m InboundMail) TimelineText() string {
	var b strings.Builder
	b.WriteString("Subject: " + m.Subject)
	if m.SentAt != nil {
		b.WriteString("\nSent: " + m.SentAt.UTC().Format("2 Jan 2006 15:04 UTC"))
	}
	if m.Attachments != "" {
		b.WriteString("\nAttachments (not kept): " + strings.ReplaceAll(m.Attachments, "\n", ", "))
	}
	b.WriteString("\n\n" + m.Body)
	if m.CutBytes > 0 {
		fmt.Fprintf(&b, "\n\n[%d more bytes of text were not kept: at most 1 MiB of a message is.]", m.CutBytes)
	}
	return b.String()
}

// UnmatchedMail lists recorded messages in state (newest first), one page.
func (s *Store) UnmatchedMail(ctx context.Context, state string, limit, offset int) ([]InboundMail, error) {
	var out []InboundMail
	err := s.read.WithContext(ctx).Omit("Body").Where("state = ?", state).
		Order("received_at DESC, id DESC").Limit(limit).Offset(offset).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list %s mail: %w", state, err)
	}
	return out, nil
}

// CountUnmatchedMail counts the messages waiting for a manager.
func (s *Store) CountUnmatchedMail(ctx context.Context) (int64, error) {
	var n int64
	err := s.read.WithContext(ctx).Model(&InboundMail{}).Where("state = ?", InboundUnmatched).Count(&n).Error
	return n, err
}

// InboundByID reads one recorded message.
func (s *Store) InboundByID(ctx context.Context, id int64) (*InboundMail, error) {
	var m InboundMail
	err := s.read.WithContext(ctx).Where("id = ?", id).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read inbound mail %d: %w", id, err)
	}
	return &m, nil
}

// AttachInbound files an unmatched message under the enquiry with the
// reference: on its timeline, the enquiry waiting for the desk, as if it
// had matched. ErrNotFound: no such message or enquiry; ErrConflict: the
// message was handled meanwhile.
func (s *Store) AttachInbound(ctx context.Context, id int64, reference string, by Actor) (int64, error) {
	var enquiryID int64
	err := s.Write(ctx, func(tx *Tx) error {
		m, err := tx.unmatched(id)
		if err != nil {
			return err
		}
		if enquiryID, err = tx.idOf("enquiry-by-reference", strings.ToUpper(strings.TrimSpace(reference))); err != nil {
			return err
		}
		if enquiryID == 0 {
			return ErrNotFound
		}
		now := tx.now().UTC()
		m.State, m.MatchedBy, m.EnquiryID, m.HandledBy, m.HandledAt = InboundMatched, MatchedByHand, &enquiryID, by.Name, &now
		if err := tx.db.Model(&InboundMail{}).Where("id = ?", id).Updates(map[string]any{"state": m.State,
			"matched_by": m.MatchedBy, "enquiry_id": enquiryID, "handled_by": by.Name, "handled_at": now}).Error; err != nil {
			return err
		}
		return tx.onProspectMail(*m)
	})
	return enquiryID, err
}

// DiscardInbound sets an unmatched message aside for good.
func (s *Store) DiscardInbound(ctx context.Context, id int64, by Actor) error {
	return s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.unmatched(id); err != nil {
			return err
		}
		return tx.db.Model(&InboundMail{}).Where("id = ?", id).
			Updates(map[string]any{"state": InboundDiscarded, "handled_by": by.Name, "handled_at": tx.now().UTC()}).Error
	})
}

func (tx *Tx) unmatched(id int64) (*InboundMail, error) {
	var m InboundMail
	if err := tx.db.Where("id = ?", id).Take(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if m.State != InboundUnmatched {
		return nil, ErrConflict
	}
	return &m, nil
}

// MarkAnswered ends an enquiry's wait for the desk without a reply sent
// from iordesk, on the timeline. ErrConflict: it was not waiting.
func (s *Store) MarkAnswered(ctx context.Context, id int64, by Actor) error {
	return s.Write(ctx, func(tx *Tx) error {
		n, err := rowsAffected(tx.exec("answered", id))
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrConflict
		}
		return tx.AddEvent(Event{EnquiryID: id, Kind: EventAnswered, Actor: by.Name, ActorID: &by.ID,
			Detail: "Marked as answered without a reply from here"})
	})
}

// CountAwaitingReply counts the enquiries whose prospect waits for the desk.
func (s *Store) CountAwaitingReply(ctx context.Context) (int64, error) {
	var n int64
	err := s.queryRow(ctx, "count-awaiting-reply").Scan(&n)
	return n, err
}

// AcknowledgementOf is the outbox id of the acknowledgement sent for an
// enquiry (0: none), which its replies continue as a thread.
func (s *Store) AcknowledgementOf(ctx context.Context, enquiryID int64) (int64, error) {
	var id int64
	err := s.queryRow(ctx, "acknowledgement-of", enquiryID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}
