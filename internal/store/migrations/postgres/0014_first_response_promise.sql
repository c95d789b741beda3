-- As SQLite's 0014: the desk that answers each enquiry ('' for the
-- default desk), when its first-response promise falls due, and its first
-- response (when, by whom); desks' hours and holidays.
ALTER TABLE enquiries ADD COLUMN desk TEXT NOT NULL DEFAULT '';
ALTER TABLE enquiries ADD COLUMN respond_by TIMESTAMPTZ;
ALTER TABLE enquiries ADD COLUMN first_response_at TIMESTAMPTZ;
ALTER TABLE enquiries ADD COLUMN first_response_by BIGINT;
CREATE INDEX enquiries_awaiting_response ON enquiries (respond_by) WHERE first_response_at IS NULL;

CREATE TABLE desks (
    email          TEXT        NOT NULL PRIMARY KEY,
    days           TEXT        NOT NULL,
    opens          TEXT        NOT NULL,
    closes         TEXT        NOT NULL,
    time_zone      TEXT        NOT NULL,
    target_minutes INTEGER     NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE TABLE desk_holidays (
    email TEXT NOT NULL,
    day   TEXT NOT NULL,
    name  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (email, day)
);
