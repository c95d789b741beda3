-- The durable mail outbox and the desk routing rules (PostgreSQL).
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    enquiry_id      BIGINT      REFERENCES enquiries (id) ON DELETE CASCADE,
    kind            TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'pending',
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    recipients      TEXT        NOT NULL DEFAULT '',
    last_error      TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_enquiry ON outbox (enquiry_id);

CREATE TABLE routing_rules (
    id         BIGSERIAL PRIMARY KEY,
    match      TEXT        NOT NULL,
    email      TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (match, email)
);
