-- As SQLite's 0015: each enquiry's match keys, and the possible duplicate
-- pairs (the later, the earlier) with their reason and decision.
CREATE TABLE enquiry_match_keys (
    key        TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    enquiry_id BIGINT      NOT NULL,
    PRIMARY KEY (key, created_at, enquiry_id)
);
CREATE TABLE enquiry_duplicates (
    enquiry_id BIGINT      NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    other_id   BIGINT      NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    reason     TEXT        NOT NULL,
    state      TEXT        NOT NULL DEFAULT 'possible',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (enquiry_id, other_id)
);
CREATE INDEX enquiry_duplicates_other ON enquiry_duplicates (other_id);
ALTER TABLE enquiries ADD COLUMN duplicate_of BIGINT;
