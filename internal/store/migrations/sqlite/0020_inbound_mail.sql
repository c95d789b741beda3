-- Mail that comes back: the desk mailbox is polled over IMAP (see
-- docs/DESIGN.md, "Mail that comes back").
--
-- mailboxes: where the poller got to in each mailbox it polls (the
-- mailbox's UIDVALIDITY and the last UID recorded), and which instance
-- polls it now (a lease, so one instance polls at a time).
CREATE TABLE mailboxes (
    name         TEXT     NOT NULL PRIMARY KEY,
    uid_validity INTEGER  NOT NULL DEFAULT 0,
    last_uid     INTEGER  NOT NULL DEFAULT 0,
    lease_holder TEXT     NOT NULL DEFAULT '',
    lease_until  DATETIME
);

-- inbound_mail: every message recorded, by its place in the mailbox
-- (unique, so a message is recorded once however often it is fetched) and
-- by its Message-ID (so it is recorded once even after the server
-- renumbers the mailbox, and a reply can name the message it answers). State: matched to an enquiry, unmatched
-- (waiting for a manager), discarded. The text is the message's text part,
-- at most 1 MiB; attachments are listed by name and size, never stored.
CREATE TABLE inbound_mail (
    id           INTEGER  PRIMARY KEY,
    mailbox      TEXT     NOT NULL,
    uid_validity INTEGER  NOT NULL,
    uid          INTEGER  NOT NULL,
    message_id   TEXT     NOT NULL DEFAULT '',
    enquiry_id   INTEGER  REFERENCES enquiries (id) ON DELETE CASCADE,
    state        TEXT     NOT NULL,
    matched_by   TEXT     NOT NULL DEFAULT '',
    from_address TEXT     NOT NULL DEFAULT '',
    from_name    TEXT     NOT NULL DEFAULT '',
    subject      TEXT     NOT NULL DEFAULT '',
    sent_at      DATETIME,
    received_at  DATETIME NOT NULL,
    body         TEXT     NOT NULL DEFAULT '',
    cut_bytes    INTEGER  NOT NULL DEFAULT 0,
    attachments  TEXT     NOT NULL DEFAULT '',
    auto_reply   BOOLEAN  NOT NULL DEFAULT 0,
    handled_by   TEXT     NOT NULL DEFAULT '',
    handled_at   DATETIME
);
CREATE UNIQUE INDEX inbound_mail_place ON inbound_mail (mailbox, uid_validity, uid);
CREATE INDEX inbound_mail_message_id ON inbound_mail (message_id) WHERE message_id <> '';
CREATE INDEX inbound_mail_enquiry ON inbound_mail (enquiry_id) WHERE enquiry_id IS NOT NULL;
CREATE INDEX inbound_mail_unmatched ON inbound_mail (received_at) WHERE state = 'unmatched';

-- An enquiry whose prospect wrote and has not been answered since: set by
-- the first such message, cleared by a reply or by an agent marking it
-- answered. The partial index holds only those, for the list's filter and
-- the overview's count.
ALTER TABLE enquiries ADD COLUMN awaiting_reply_since DATETIME;
CREATE INDEX enquiries_awaiting_reply ON enquiries (awaiting_reply_since) WHERE awaiting_reply_since IS NOT NULL;

-- A reply names the prospect's message it answers (In-Reply-To), when
-- the prospect wrote.
ALTER TABLE outbox ADD COLUMN in_reply_to TEXT NOT NULL DEFAULT '';
