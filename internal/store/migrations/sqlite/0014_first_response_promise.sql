-- The first-response promise. Each enquiry records the desk that answers
-- it (the address of the first routing rule that matches a destination;
-- '' for the default desk), when the promise falls due (respond_by,
-- computed at intake from that desk's hours; NULL for enquiries received
-- before the promise existed) and its first response: when and by whom.
-- The partial index holds the enquiries still waiting for one, which the
-- "overdue" filter and count walk.
ALTER TABLE enquiries ADD COLUMN desk TEXT NOT NULL DEFAULT '';
ALTER TABLE enquiries ADD COLUMN respond_by DATETIME;
ALTER TABLE enquiries ADD COLUMN first_response_at DATETIME;
ALTER TABLE enquiries ADD COLUMN first_response_by INTEGER;
CREATE INDEX enquiries_awaiting_response ON enquiries (respond_by) WHERE first_response_at IS NULL;

-- A desk's hours and promise, by its address; desk '' is the default
-- desk, whose hours otherwise come from IORDESK_DESK_HOURS.
CREATE TABLE desks (
    email          TEXT    NOT NULL PRIMARY KEY,
    days           TEXT    NOT NULL,
    opens          TEXT    NOT NULL,
    closes         TEXT    NOT NULL,
    time_zone      TEXT    NOT NULL,
    target_minutes INTEGER NOT NULL,
    updated_at     DATETIME NOT NULL
);
CREATE TABLE desk_holidays (
    email TEXT NOT NULL,
    day   TEXT NOT NULL,
    name  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (email, day)
);
