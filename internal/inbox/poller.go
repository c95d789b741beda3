package inbox

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"iordesk/internal/mail"
	"iordesk/internal/store"
)

// Poller reads new messages from the desk mailbox and records them. One
// instance polls a mailbox at a time (a lease in the database); where it
// got to (UIDVALIDITY and the last UID) is recorded with each message, so
// a message is recorded once across restarts and instances. The mailbox
// is opened read-only unless MarkSeen asks for \Seen flags.
type Poller struct {
	store  *store.Store
	src    Source
	holder string
	log    *slog.Logger
	now    func() time.Time
	notify func()

	// OwnHost is the host in iordesk's Message-IDs: mail it sent itself
	// (a desk notification delivered to this mailbox) is skipped, and an
	// answer to it finds its enquiry.
	OwnHost string
	// Poll is the time between polls; Lease how long a poll's claim on
	// the mailbox lasts (renewed at every batch).
	Poll, Lease time.Duration
	// FirstLook is how far back a mailbox seen for the first time (or
	// renumbered) is read; older messages are passed over.
	FirstLook time.Duration
	// MarkSeen flags each recorded message \Seen.
	MarkSeen bool
	// Batch is how many messages one fetch reads.
	Batch int
	// TLS is the client's TLS configuration (nil: the system's).
	TLS *tls.Config
}

// Deps are the poller's parts.
type Deps struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
	// Notify wakes the mail worker when a message queued mail.
	Notify func()
}

// New builds a poller of src.
func New(src Source, d Deps) *Poller {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Notify == nil {
		d.Notify = func() {}
	}
	return &Poller{store: d.Store, src: src, holder: rand.Text(), log: d.Log, now: d.Now, notify: d.Notify,
		Poll: time.Minute, Lease: 5 * time.Minute, FirstLook: 14 * 24 * time.Hour, Batch: 50}
}

// Run polls until ctx ends, and gives the lease up when it does.
func (p *Poller) Run(ctx context.Context) {
	p.log.Info("mailbox poller started", "mailbox", p.src.Name(), "every", p.Poll.String())
	t := time.NewTicker(p.Poll)
	defer t.Stop()
	for {
		if n, err := p.RunOnce(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("mailbox poll failed; trying again at the next poll", "mailbox", p.src.Name(), "err", err)
		} else if n > 0 {
			p.log.Info("mail recorded", "mailbox", p.src.Name(), "messages", n)
		}
		select {
		case <-ctx.Done():
			release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := p.store.ReleaseMailbox(release, p.src.Name(), p.holder); err != nil {
				p.log.Warn("release mailbox lease", "err", err)
			}
			cancel()
			p.log.Info("mailbox poller stopped")
			return
		case <-t.C:
		}
	}
}

// RunOnce takes the lease (or returns at once if another instance holds
// it), records every new message and returns how many it recorded.
func (p *Poller) RunOnce(ctx context.Context) (int, error) {
	place, ok, err := p.store.LeaseMailbox(ctx, p.src.Name(), p.holder, p.Lease)
	if err != nil || !ok {
		return 0, err
	}
	// A poll never outlives its lease: a hung server is given up on.
	ctx, cancel := context.WithTimeout(ctx, p.Lease)
	defer cancel()
	c, err := p.dial()
	if err != nil {
		return 0, err
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	defer c.Close()
	if err := c.Login(p.src.Username, p.src.Password).Wait(); err != nil {
		return 0, fmt.Errorf("log in to %s: %w", p.src.Addr, err)
	}
	sel, err := c.Select(p.src.Mailbox, &imap.SelectOptions{ReadOnly: !p.MarkSeen}).Wait()
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", p.src.Mailbox, err)
	}
	firstLook := place.UIDValidity != int64(sel.UIDValidity)
	if firstLook {
		if place.UIDValidity != 0 {
			p.log.Warn("mailbox renumbered (new UIDVALIDITY): reading it again; messages already recorded are recognised by their Message-ID",
				"mailbox", p.src.Name(), "was", place.UIDValidity, "now", sel.UIDValidity)
		}
		place = store.MailboxPlace{UIDValidity: int64(sel.UIDValidity)}
		if err := p.store.AdvanceMailbox(ctx, p.src.Name(), p.holder, place); err != nil {
			return 0, err
		}
	}
	uids, err := p.newUIDs(c, place.LastUID)
	if err != nil {
		return 0, err
	}
	recorded := 0
	for batch := range slices.Chunk(uids, p.Batch) {
		if _, ok, err := p.store.LeaseMailbox(ctx, p.src.Name(), p.holder, p.Lease); err != nil || !ok {
			return recorded, errors.Join(err, store.ErrLeaseLost)
		}
		n, err := p.fetchBatch(ctx, c, place.UIDValidity, batch, firstLook)
		recorded += n
		if err != nil {
			return recorded, err
		}
	}
	if err := c.Logout().Wait(); err != nil {
		p.log.Debug("imap logout", "err", err)
	}
	return recorded, nil
}

func (p *Poller) dial() (*imapclient.Client, error) {
	opts := &imapclient.Options{TLSConfig: p.TLS}
	var c *imapclient.Client
	var err error
	switch p.src.Scheme {
	case "imaps":
		c, err = imapclient.DialTLS(p.src.Addr, opts)
	case "imap":
		c, err = imapclient.DialStartTLS(p.src.Addr, opts)
	default:
		c, err = imapclient.DialInsecure(p.src.Addr, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", p.src.Addr, err)
	}
	return c, nil
}

// newUIDs are the UIDs after last, in order.
func (p *Poller) newUIDs(c *imapclient.Client, last int64) ([]imap.UID, error) {
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0)
	data, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("search new mail: %w", err)
	}
	// "last+1:*" names the last message even when it is older than last.
	uids := slices.DeleteFunc(data.AllUIDs(), func(u imap.UID) bool { return int64(u) <= last })
	slices.Sort(uids)
	return uids, nil
}

// headerFields are the fields read beside the envelope: threading and the
// marks of an automatic answer.
var headerFields = []string{"References", "Auto-Submitted", "X-Autoreply", "X-Autorespond", "Precedence"}

// fetchBatch reads the envelope and structure of a batch of messages, then
// each one's text part alone (so a 20 MB attachment is never downloaded),
// and records them in UID order.
func (p *Poller) fetchBatch(ctx context.Context, c *imapclient.Client, validity int64, batch []imap.UID, firstLook bool) (int, error) {
	headers := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: headerFields, Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(batch...), &imap.FetchOptions{UID: true, Envelope: true, InternalDate: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true}, BodySection: []*imap.FetchItemBodySection{headers}}).Collect()
	if err != nil {
		return 0, fmt.Errorf("fetch messages: %w", err)
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })
	recorded := 0
	for _, msg := range msgs {
		if ctx.Err() != nil {
			return recorded, ctx.Err()
		}
		place := store.MailboxPlace{UIDValidity: validity, LastUID: int64(msg.UID)}
		env := msg.Envelope
		if env == nil {
			env = &imap.Envelope{}
		}
		_, _, ours := mail.ParseMessageID(env.MessageID, p.OwnHost)
		if ours || firstLook && msg.InternalDate.Before(p.now().Add(-p.FirstLook)) {
			// Mail iordesk sent, or older than a first look reads.
			if err := p.store.AdvanceMailbox(ctx, p.src.Name(), p.holder, place); err != nil {
				return recorded, err
			}
			continue
		}
		in, thread, err := p.read(c, msg, msg.FindBodySection(headers))
		if err != nil {
			return recorded, err
		}
		in.Mailbox, in.UIDValidity, in.UID = p.src.Name(), validity, int64(msg.UID)
		ok, err := p.store.RecordInbound(ctx, p.holder, in, thread)
		if err != nil {
			return recorded, err
		}
		if ok {
			recorded++
			p.notify()
		}
		if p.MarkSeen {
			if err := c.Store(imap.UIDSetNum(msg.UID), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true,
				Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
				p.log.Warn("flag message seen", "uid", msg.UID, "err", err)
			}
		}
	}
	return recorded, nil
}

// read builds the record of one message: sender, subject, dates, its text
// (fetched alone, cut at the limit) and its attachments' names and sizes.
func (p *Poller) read(c *imapclient.Client, msg *imapclient.FetchMessageBuffer, fields []byte) (store.InboundMail, store.InboundThread, error) {
	env := msg.Envelope
	if env == nil {
		env = &imap.Envelope{}
	}
	in := store.InboundMail{MessageID: oneLine(env.MessageID), Subject: oneLine(env.Subject)}
	if len(env.From) > 0 {
		in.FromAddress, in.FromName = oneLine(env.From[0].Addr()), oneLine(env.From[0].Name)
	}
	if !env.Date.IsZero() {
		sent := env.Date.UTC()
		in.SentAt = &sent
	}
	in.AutoReply = autoReply(fields)
	var thread store.InboundThread
	for _, id := range append(slices.Clone(env.InReplyTo), messageIDs(fields)...) {
		if outboxID, ref, ours := mail.ParseMessageID(id, p.OwnHost); ours {
			thread.Ours = append(thread.Ours, store.OurMessage{OutboxID: outboxID, Reference: ref})
		}
	}
	thread.SubjectRef = subjectReference(env.Subject)
	if msg.BodyStructure == nil {
		return in, thread, nil
	}
	choice := chooseText(msg.BodyStructure)
	in.Attachments = strings.Join(choice.attachments, "\n")
	if choice.part == nil {
		return in, thread, nil
	}
	section := &imap.FetchItemBodySection{Part: choice.path, Peek: true, Partial: &imap.SectionPartial{Size: fetchLimit(choice.part)}}
	got, err := c.Fetch(imap.UIDSetNum(msg.UID), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return in, thread, fmt.Errorf("fetch text of message %d: %w", msg.UID, err)
	}
	if len(got) == 1 {
		in.Body, in.CutBytes = decodeText(choice, got[0].FindBodySection(section))
	}
	return in, thread, nil
}
