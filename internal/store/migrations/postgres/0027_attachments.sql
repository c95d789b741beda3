-- As SQLite's 0027: the files prospects attach, staged then given to the
-- enquiry, their bytes a chunk a row.
CREATE TABLE attachments (
    id         BIGSERIAL   PRIMARY KEY,
    enquiry_id BIGINT      REFERENCES enquiries (id) ON DELETE CASCADE,
    upload     TEXT,
    name       TEXT        NOT NULL,
    media_type TEXT        NOT NULL,
    size       BIGINT      NOT NULL DEFAULT 0,
    sha256     TEXT        NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_enquiry ON attachments (enquiry_id, id);
CREATE INDEX attachments_staged ON attachments (upload, created_at) WHERE upload IS NOT NULL;

CREATE TABLE attachment_chunks (
    attachment_id BIGINT  NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    data          BYTEA   NOT NULL,
    PRIMARY KEY (attachment_id, seq)
);
