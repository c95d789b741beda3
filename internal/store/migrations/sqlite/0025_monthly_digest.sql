-- A manager may also ask for a monthly digest: the month before, on the
-- first of each month.
ALTER TABLE users ADD COLUMN monthly_digest INTEGER NOT NULL DEFAULT 0;
