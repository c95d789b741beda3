package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"iordesk/internal/catalog"
	"iordesk/internal/store"
)

// Outbox is the worker that delivers queued mail. It leases due messages,
// so several workers (or a restarted one) never send the same message in
// the same lease, and records each outcome on the message and on its
// enquiry's timeline.
type Outbox struct {
	store     *store.Store
	transport Transport
	composer  *Composer
	cat       *catalog.Catalogue
	deskEmail string
	log       *slog.Logger
	now       func() time.Time
	wake      chan struct{}

	// Poll is how often the worker looks for due messages when nothing
	// woke it; Lease how long a claimed message stays claimed; MaxAge how
	// long temporary failures are retried before the message is failed.
	Poll, Lease, MaxAge time.Duration
	// Batch is how many messages one pass claims.
	Batch int
}

// OutboxDeps are the worker's parts.
type OutboxDeps struct {
	Store     *store.Store
	Transport Transport
	Composer  *Composer
	Catalog   *catalog.Catalogue
	DeskEmail string
	Log       *slog.Logger
	Now       func() time.Time
}

// NewOutbox builds the worker with the retry policy of docs/DESIGN.md
// ("Mail"): retried for five days, at most an hour apart.
func NewOutbox(d OutboxDeps) *Outbox {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Outbox{store: d.Store, transport: d.Transport, composer: d.Composer, cat: d.Catalog,
		deskEmail: d.DeskEmail, log: d.Log, now: d.Now, wake: make(chan struct{}, 1),
		Poll: 5 * time.Second, Lease: 3 * time.Minute, MaxAge: 5 * 24 * time.Hour, Batch: 10}
}

// Notify wakes the worker: new mail was queued. It never blocks.
func (o *Outbox) Notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends. It stops between messages: a send in flight
// finishes (bounded by its own timeout) before Run returns.
func (o *Outbox) Run(ctx context.Context) {
	o.log.Info("mail worker started", "transport", o.transport.String())
	t := time.NewTicker(o.Poll)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			n, err := o.RunOnce(ctx)
			if err != nil {
				if ctx.Err() == nil {
					o.log.Warn("mail worker", "err", err)
				}
				break
			}
			if n < o.Batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			o.log.Info("mail worker stopped")
			return
		case <-o.wake:
		case <-t.C:
		}
	}
}

// RunOnce claims due messages and delivers them, returning how many it
// claimed.
func (o *Outbox) RunOnce(ctx context.Context) (int, error) {
	msgs, err := o.store.LeaseMail(ctx, o.Batch, o.Lease)
	if err != nil {
		return 0, err
	}
	for i, m := range msgs {
		if ctx.Err() != nil {
			// The rest stay leased until the lease runs out, then are retried.
			return i, nil
		}
		out := o.deliver(context.WithoutCancel(ctx), m)
		if err := o.store.RecordMail(context.WithoutCancel(ctx), m, out); err != nil {
			return i, fmt.Errorf("record delivery of message %d: %w", m.ID, err)
		}
	}
	return len(msgs), nil
}

// deliver makes one attempt and says what it came to.
func (o *Outbox) deliver(ctx context.Context, m store.Message) store.MailOutcome {
	label := kindLabel(m.Kind)
	if m.Kind == store.MailWeeklyDigest || m.Kind == store.MailMonthlyDigest {
		return o.deliverDigest(ctx, m)
	}
	if m.EnquiryID == nil {
		return store.MailOutcome{Failed: true, Error: "the enquiry no longer exists"}
	}
	e, err := o.store.EnquiryByID(ctx, *m.EnquiryID)
	if errors.Is(err, store.ErrNotFound) {
		return store.MailOutcome{Failed: true, Error: "the enquiry no longer exists"}
	}
	if err != nil {
		return o.retry(m, err, label)
	}
	var msg *gomail.Msg
	var recipients []string
	if m.Kind == store.MailReply {
		// An agent's reply goes as written, Reply-To the desk that answers
		// the enquiry.
		recipients = []string{e.Email}
		if m.Cc != "" {
			recipients = append(recipients, strings.Split(m.Cc, ", ")...)
		}
		replyTo := o.deskOf(e)
		var ackID int64
		if ackID, err = o.store.AcknowledgementOf(ctx, e.ID); err != nil {
			return o.retry(m, err, label)
		}
		msg, err = o.composer.ComposeReply(m, e, replyTo, ackID, o.now())
	} else {
		if m.Kind == store.MailProspectWrote && m.UserID == nil {
			recipients = []string{o.deskOf(e)}
		} else if m.Kind == store.MailAssigned || m.Kind == store.MailProspectWrote {
			to, ok, err := o.assignee(ctx, m)
			if err != nil {
				return o.retry(m, err, label)
			}
			if !ok {
				return store.MailOutcome{Sent: true, Error: "not sent: the account turned such mail off or is disabled"}
			}
			recipients = []string{to}
		} else if recipients, err = o.recipients(ctx, m, e); err != nil {
			return o.retry(m, err, label)
		}
		var findings []store.Finding
		var files []store.Attachment
		if m.Kind == store.MailDeskNotification {
			if findings, err = o.store.FindingsFor(ctx, e.ID); err != nil {
				return o.retry(m, err, label)
			}
			if files, err = o.store.Attachments(ctx, e.ID); err != nil {
				return o.retry(m, err, label)
			}
		}
		msg, err = o.composer.Compose(m, e, findings, files, recipients, o.now())
	}
	out := o.send(ctx, m, msg, err, label, recipients)
	if out.Sent {
		o.log.Info("mail sent", "kind", m.Kind, "ref", e.Reference, "message", m.ID, "attempt", m.Attempts+1)
		out.Event = store.Event{Kind: store.EventMailSent, Actor: "system", Detail: label + " sent to " + out.Recipients}
	}
	return out
}

// send hands a composed message to the transport and says what it came
// to: a message that could not be composed will not compose next time
// either, and a permanent refusal is final; anything else is retried.
func (o *Outbox) send(ctx context.Context, m store.Message, msg *gomail.Msg, composeErr error, label string, recipients []string) store.MailOutcome {
	if composeErr != nil {
		return o.fail(m, composeErr, label, recipients)
	}
	if err := o.transport.Send(ctx, msg); err != nil {
		if Permanent(err) {
			return o.fail(m, err, label, recipients)
		}
		return o.retry(m, err, label)
	}
	return store.MailOutcome{Sent: true, Recipients: strings.Join(recipients, ", ")}
}

// deliverDigest sends a summary of the seven days (weekly) or the calendar
// month (monthly) before it was queued; an account that unsubscribed or
// was disabled meanwhile gets none.
func (o *Outbox) deliverDigest(ctx context.Context, m store.Message) store.MailOutcome {
	label := kindLabel(m.Kind)
	if m.UserID == nil {
		return store.MailOutcome{Failed: true, Error: "the account no longer exists"}
	}
	u, err := o.store.UserByID(ctx, *m.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return store.MailOutcome{Failed: true, Error: "the account no longer exists"}
	}
	if err != nil {
		return o.retry(m, err, label)
	}
	monthly := m.Kind == store.MailMonthlyDigest
	if u.Disabled || !monthly && !u.WeeklyDigest || monthly && !u.MonthlyDigest {
		return store.MailOutcome{Sent: true, Error: "not sent: unsubscribed or disabled"}
	}
	to := m.CreatedAt.UTC().Truncate(24 * time.Hour)
	from := to.AddDate(0, 0, -7)
	if monthly {
		to = time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC)
		from = to.AddDate(0, -1, 0)
	}
	r, err := o.store.Report(ctx, from, to)
	if err != nil {
		return o.retry(m, err, label)
	}
	msg, err := o.composer.ComposeDigest(m, u, r, from, to, o.now())
	out := o.send(ctx, m, msg, err, label, []string{u.Email})
	if out.Sent {
		o.log.Info("mail sent", "kind", m.Kind, "user", u.ID, "message", m.ID)
	}
	return out
}

// QueueWeeklyDigests queues the digests once per week, on Monday from 07:00
// UTC, whichever instance gets there first.
func (o *Outbox) QueueWeeklyDigests(ctx context.Context) (int64, error) {
	now := o.now().UTC()
	monday := now.Truncate(24*time.Hour).AddDate(0, 0, -((int(now.Weekday()) + 6) % 7)).Add(7 * time.Hour)
	if now.Before(monday) {
		monday = monday.AddDate(0, 0, -7)
	}
	return o.queueDigests(ctx, store.MailWeeklyDigest, monday)
}

// QueueMonthlyDigests queues the monthly digests once per month, on the
// first from 07:00 UTC, whichever instance gets there first.
func (o *Outbox) QueueMonthlyDigests(ctx context.Context) (int64, error) {
	now := o.now().UTC()
	first := time.Date(now.Year(), now.Month(), 1, 7, 0, 0, 0, time.UTC)
	if now.Before(first) {
		first = first.AddDate(0, -1, 0)
	}
	return o.queueDigests(ctx, store.MailMonthlyDigest, first)
}

// queueDigests queues the digests of kind for the slot starting at slot,
// unless they were queued for it already.
func (o *Outbox) queueDigests(ctx context.Context, kind string, slot time.Time) (int64, error) {
	var queued int64
	_, err := o.store.ClaimJob(ctx, kind, slot, func(tx *store.Tx) (err error) {
		queued, err = tx.EnqueueDigests(kind)
		return err
	})
	if queued > 0 {
		o.Notify()
	}
	return queued, err
}

func (o *Outbox) recipients(ctx context.Context, m store.Message, e *store.Enquiry) ([]string, error) {
	if m.Kind == store.MailAcknowledgement {
		return []string{e.Email}, nil
	}
	rules, err := o.store.RoutingRules(ctx)
	if err != nil {
		return nil, err
	}
	return DeskRecipients(o.cat, rules, e.Destinations, o.deskEmail), nil
}

func (o *Outbox) fail(m store.Message, err error, label string, recipients []string) store.MailOutcome {
	msg := errorText(err)
	o.log.Error("mail failed permanently", "kind", m.Kind, "message", m.ID, "err", msg)
	return store.MailOutcome{Failed: true, Error: msg, Recipients: strings.Join(recipients, ", "),
		Event: store.Event{Kind: store.EventMailFailed, Actor: "system", Detail: label + " could not be delivered: " + msg}}
}

// retry schedules the next attempt with growing backoff, or fails the
// message once it is older than MaxAge.
func (o *Outbox) retry(m store.Message, err error, label string) store.MailOutcome {
	msg := errorText(err)
	now := o.now()
	if now.Sub(m.CreatedAt) >= o.MaxAge {
		return o.fail(m, fmt.Errorf("gave up after %d attempts: %s", m.Attempts+1, msg), label, nil)
	}
	next := now.Add(Backoff(m.Attempts + 1))
	o.log.Warn("mail delivery failing, will retry", "kind", m.Kind, "message", m.ID,
		"attempt", m.Attempts+1, "retry_at", next.UTC().Format(time.RFC3339), "err", msg)
	out := store.MailOutcome{RetryAt: next, Error: msg}
	if m.Attempts == 0 {
		// Once on the timeline is enough; the outbox row keeps the rest.
		out.Event = store.Event{Kind: store.EventMailDelayed, Actor: "system",
			Detail: label + " delayed (" + msg + "); retrying"}
	}
	return out
}

// Backoff is the wait after the n-th failed attempt: one minute, doubling,
// at most an hour.
func Backoff(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// deskOf is the address of the desk that answers an enquiry.
func (o *Outbox) deskOf(e *store.Enquiry) string {
	if e.Desk != "" {
		return e.Desk
	}
	return o.deskEmail
}

// assignee is the address of the account an assignment mail is for, and
// whether it still wants it.
func (o *Outbox) assignee(ctx context.Context, m store.Message) (string, bool, error) {
	if m.UserID == nil {
		return "", false, nil
	}
	u, err := o.store.UserByID(ctx, *m.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return u.Email, !u.Disabled && u.NotifyAssigned, nil
}

func kindLabel(kind string) string {
	switch kind {
	case store.MailAssigned:
		return "Assignment mail"
	case store.MailAcknowledgement:
		return "Acknowledgement to the prospect"
	case store.MailReply:
		return "Reply to the prospect"
	case store.MailProspectWrote:
		return "Mail about the prospect's message"
	case store.MailWeeklyDigest:
		return "Weekly digest"
	case store.MailMonthlyDigest:
		return "Monthly digest"
	}
	return "Desk notification"
}

// errorText keeps an error storable and loggable: one line, bounded.
func errorText(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}
