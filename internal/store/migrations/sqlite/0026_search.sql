-- Full-text search (docs/DESIGN.md, "Full-text search"): each enquiry's
-- words as internal/search tokenizes them, one FTS4 row per enquiry (docid
-- is the enquiry's id), filled right after this migration. The words
-- arrive in lower case without punctuation, so the "simple" tokenizer only
-- splits them at the spaces; prefix indexes answer "acm*" without reading
-- every word that starts so.
CREATE VIRTUAL TABLE enquiry_search USING fts4(name, company, email, other, tokenize=simple, matchinfo=fts3);

-- A deleted enquiry (spam past retention) leaves no words behind, as
-- PostgreSQL's foreign key cascades.
CREATE TRIGGER enquiry_search_forget AFTER DELETE ON enquiries BEGIN
    DELETE FROM enquiry_search WHERE docid = old.id;
END;

-- The documents the intake owes: an enquiry is indexed by the next search
-- or the indexer, a batch at a time, not in the intake's own write (see
-- docs/DESIGN.md, "Full-text search": FTS4 pays per transaction).
CREATE TABLE search_backlog (
    enquiry_id INTEGER PRIMARY KEY REFERENCES enquiries (id) ON DELETE CASCADE
);
