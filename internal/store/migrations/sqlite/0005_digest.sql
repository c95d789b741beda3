-- The managers' weekly digest: who asked for it, and which scheduled jobs
-- ran when (one row per job, claimed atomically so one instance runs it).
ALTER TABLE users ADD COLUMN weekly_digest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE CASCADE;

CREATE TABLE jobs (
    name     TEXT     PRIMARY KEY,
    last_run DATETIME NOT NULL
);
