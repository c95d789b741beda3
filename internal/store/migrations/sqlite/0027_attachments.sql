-- Files a prospect attaches to an enquiry (docs/DESIGN.md, "Attachments"),
-- kept in the database so every instance and every backup has them. A
-- file arrives before the post it belongs to is judged: it is staged under
-- the post's upload key (enquiry_id NULL) and given to the enquiry, or
-- dropped, in the write that decides the post.
CREATE TABLE attachments (
    id         INTEGER  PRIMARY KEY,
    enquiry_id INTEGER  REFERENCES enquiries (id) ON DELETE CASCADE,
    upload     TEXT,
    name       TEXT     NOT NULL,
    media_type TEXT     NOT NULL,
    size       INTEGER  NOT NULL DEFAULT 0,
    sha256     TEXT     NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL
);
CREATE INDEX attachments_enquiry ON attachments (enquiry_id, id);
CREATE INDEX attachments_staged ON attachments (upload, created_at) WHERE upload IS NOT NULL;

-- The bytes, a chunk a row, so a file is written and read without ever
-- being whole in memory.
CREATE TABLE attachment_chunks (
    attachment_id INTEGER NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    data          BLOB    NOT NULL,
    PRIMARY KEY (attachment_id, seq)
) WITHOUT ROWID;
