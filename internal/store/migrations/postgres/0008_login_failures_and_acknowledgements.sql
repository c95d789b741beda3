-- Failed logins counted per (account, client address) and per account, and
-- the acknowledgements queued per recipient address (PostgreSQL; see
-- docs/DESIGN.md, "Logins under attack" and "Mail").
CREATE TABLE login_failures (
    account         TEXT        NOT NULL,
    ip              TEXT        NOT NULL,
    failures        INTEGER     NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account, ip)
);
CREATE INDEX login_failures_last ON login_failures (last_failure_at);

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;

CREATE TABLE acknowledgement_limits (
    address        TEXT        PRIMARY KEY,
    last_queued_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX acknowledgement_limits_last ON acknowledgement_limits (last_queued_at);
