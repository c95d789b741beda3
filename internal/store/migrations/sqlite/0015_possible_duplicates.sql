-- Possible duplicates. Each enquiry is filed under its match keys (its
-- company as compared, and its email domain or, for free-mail, its
-- address), keyed so that a new enquiry finds the last 30 days' enquiries
-- under its own keys with a range of one b-tree. A pair found is kept once
-- (enquiry_id the later, other_id the earlier) with its reason and what
-- staff decided: possible, confirmed (the later is then a duplicate of the
-- earlier, counted once in reports) or dismissed (never shown again).
CREATE TABLE enquiry_match_keys (
    key        TEXT     NOT NULL,
    created_at DATETIME NOT NULL,
    enquiry_id INTEGER  NOT NULL,
    PRIMARY KEY (key, created_at, enquiry_id)
) WITHOUT ROWID;
CREATE TABLE enquiry_duplicates (
    enquiry_id INTEGER  NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    other_id   INTEGER  NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    reason     TEXT     NOT NULL,
    state      TEXT     NOT NULL DEFAULT 'possible',
    created_at DATETIME NOT NULL,
    PRIMARY KEY (enquiry_id, other_id)
) WITHOUT ROWID;
CREATE INDEX enquiry_duplicates_other ON enquiry_duplicates (other_id);
ALTER TABLE enquiries ADD COLUMN duplicate_of INTEGER;
