-- Failed logins counted per (account, client address) and per account, and
-- the acknowledgements queued per recipient address (see docs/DESIGN.md,
-- "Logins under attack" and "Mail").

-- account is the SHA-256 of the lower-cased email that was typed, known or
-- not, so both kinds of failure cost the same write; ip is the client
-- address, or '' for the account-wide count.
CREATE TABLE login_failures (
    account         TEXT     NOT NULL,
    ip              TEXT     NOT NULL,
    failures        INTEGER  NOT NULL,
    last_failure_at DATETIME NOT NULL,
    PRIMARY KEY (account, ip)
) WITHOUT ROWID;
CREATE INDEX login_failures_last ON login_failures (last_failure_at);

-- The lock now lives in login_failures.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;

-- address is the SHA-256 of the lower-cased recipient address: at most one
-- acknowledgement an hour goes to one address.
CREATE TABLE acknowledgement_limits (
    address        TEXT     PRIMARY KEY,
    last_queued_at DATETIME NOT NULL
) WITHOUT ROWID;
CREATE INDEX acknowledgement_limits_last ON acknowledgement_limits (last_queued_at);
