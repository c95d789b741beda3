-- Replies from the enquiry page go through the outbox like all mail; unlike
-- the notifications they are written by a person, so the row keeps what
-- was written: the subject, the plain-text body, the copies and the name
-- it is sent in.
ALTER TABLE outbox ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN body TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN cc TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sender_name TEXT NOT NULL DEFAULT '';
