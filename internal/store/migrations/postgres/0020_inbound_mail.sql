-- As SQLite's 0020: the polled mailboxes, the mail recorded from them, and
-- the enquiries waiting for an answer to their prospect, and the prospect's
-- message a reply answers.
CREATE TABLE mailboxes (
    name         TEXT     NOT NULL PRIMARY KEY,
    uid_validity BIGINT   NOT NULL DEFAULT 0,
    last_uid     BIGINT   NOT NULL DEFAULT 0,
    lease_holder TEXT     NOT NULL DEFAULT '',
    lease_until  TIMESTAMPTZ
);
CREATE TABLE inbound_mail (
    id           BIGSERIAL PRIMARY KEY,
    mailbox      TEXT     NOT NULL,
    uid_validity BIGINT   NOT NULL,
    uid          BIGINT   NOT NULL,
    message_id   TEXT     NOT NULL DEFAULT '',
    enquiry_id   BIGINT   REFERENCES enquiries (id) ON DELETE CASCADE,
    state        TEXT     NOT NULL,
    matched_by   TEXT     NOT NULL DEFAULT '',
    from_address TEXT     NOT NULL DEFAULT '',
    from_name    TEXT     NOT NULL DEFAULT '',
    subject      TEXT     NOT NULL DEFAULT '',
    sent_at      TIMESTAMPTZ,
    received_at  TIMESTAMPTZ NOT NULL,
    body         TEXT     NOT NULL DEFAULT '',
    cut_bytes    BIGINT   NOT NULL DEFAULT 0,
    attachments  TEXT     NOT NULL DEFAULT '',
    auto_reply   BOOLEAN  NOT NULL DEFAULT false,
    handled_by   TEXT     NOT NULL DEFAULT '',
    handled_at   TIMESTAMPTZ
);
CREATE UNIQUE INDEX inbound_mail_place ON inbound_mail (mailbox, uid_validity, uid);
CREATE INDEX inbound_mail_message_id ON inbound_mail (message_id) WHERE message_id <> '';
CREATE INDEX inbound_mail_enquiry ON inbound_mail (enquiry_id) WHERE enquiry_id IS NOT NULL;
CREATE INDEX inbound_mail_unmatched ON inbound_mail (received_at) WHERE state = 'unmatched';
ALTER TABLE enquiries ADD COLUMN awaiting_reply_since TIMESTAMPTZ;
CREATE INDEX enquiries_awaiting_reply ON enquiries (awaiting_reply_since) WHERE awaiting_reply_since IS NOT NULL;
ALTER TABLE outbox ADD COLUMN in_reply_to TEXT NOT NULL DEFAULT '';
