-- Whether an account is mailed when an enquiry is given to it (on unless
-- its owner turns it off on My account).
ALTER TABLE users ADD COLUMN notify_assigned BOOLEAN NOT NULL DEFAULT true;
