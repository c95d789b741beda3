-- As SQLite's 0026: each enquiry's words as internal/search tokenizes them,
-- as a tsvector built by iordesk (not to_tsvector, whose parser would
-- split otherwise than SQLite), weight labels A–D for name, company,
-- email and the rest. Filled right after this migration.
CREATE TABLE enquiry_search (
    enquiry_id BIGINT   PRIMARY KEY REFERENCES enquiries (id) ON DELETE CASCADE,
    document   TSVECTOR NOT NULL
);
CREATE INDEX enquiry_search_document ON enquiry_search USING gin (document);

-- As SQLite's: the documents the intake owes.
CREATE TABLE search_backlog (
    enquiry_id BIGINT PRIMARY KEY REFERENCES enquiries (id) ON DELETE CASCADE
);
