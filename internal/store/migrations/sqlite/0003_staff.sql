-- Staff accounts, their sessions, and who did what on an enquiry.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT     NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT     NOT NULL,
    role          TEXT     NOT NULL CHECK (role IN ('agent', 'manager', 'admin')),
    password_hash TEXT     NOT NULL,
    disabled      INTEGER  NOT NULL DEFAULT 0,
    failed_logins INTEGER  NOT NULL DEFAULT 0,
    locked_until  DATETIME,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

-- Server-side sessions: the cookie holds a random token, the table only its
-- SHA-256, so a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash   TEXT     PRIMARY KEY,
    user_id      INTEGER  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

ALTER TABLE enquiry_events ADD COLUMN actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
