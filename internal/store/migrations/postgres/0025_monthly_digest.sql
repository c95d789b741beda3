-- As SQLite's 0025: the monthly digest.
ALTER TABLE users ADD COLUMN monthly_digest BOOLEAN NOT NULL DEFAULT false;
