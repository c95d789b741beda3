-- An account whose password was generated (the first admin, a reset) must
-- choose its own at the next login.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT false;
