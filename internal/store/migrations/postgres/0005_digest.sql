-- The managers' weekly digest and the scheduled jobs (PostgreSQL).
ALTER TABLE users ADD COLUMN weekly_digest BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE outbox ADD COLUMN user_id BIGINT REFERENCES users (id) ON DELETE CASCADE;

CREATE TABLE jobs (
    name     TEXT        PRIMARY KEY,
    last_run TIMESTAMPTZ NOT NULL
);
