-- The durable mail outbox and the desk routing rules.

-- One row per message to send. It is written in the same transaction as the
-- enquiry it belongs to; the worker leases due rows, renders and sends them,
-- and records the outcome. Content is rendered at send time from the
-- enquiry, so the row stays small on the intake's hot path.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    enquiry_id      INTEGER  REFERENCES enquiries (id) ON DELETE CASCADE,
    kind            TEXT     NOT NULL,
    status          TEXT     NOT NULL DEFAULT 'pending',
    attempts        INTEGER  NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    lease_until     DATETIME,
    recipients      TEXT     NOT NULL DEFAULT '',
    last_error      TEXT     NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    sent_at         DATETIME
);
-- The worker's query: pending rows by due time.
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_enquiry ON outbox (enquiry_id);

CREATE TABLE routing_rules (
    id         INTEGER PRIMARY KEY,
    match      TEXT     NOT NULL,
    email      TEXT     NOT NULL,
    created_at DATETIME NOT NULL,
    UNIQUE (match, email)
);
