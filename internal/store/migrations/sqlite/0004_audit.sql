-- The audit log: who did what, when, from where. The application only
-- ever inserts into it.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    created_at DATETIME NOT NULL,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor      TEXT     NOT NULL DEFAULT '',
    action     TEXT     NOT NULL,
    detail     TEXT     NOT NULL DEFAULT '',
    ip         TEXT     NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_created ON audit_log (created_at);
