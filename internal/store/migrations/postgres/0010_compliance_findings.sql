-- The compliance pre-screen, stored with each enquiry at intake (see the
-- SQLite migration of the same number).
ALTER TABLE enquiries ADD COLUMN compliance_state TEXT NOT NULL DEFAULT '';
CREATE INDEX enquiries_compliance_created ON enquiries (compliance_state, created_at);

CREATE TABLE enquiry_findings (
    enquiry_id   BIGINT  NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    country      TEXT    NOT NULL,
    rule_id      TEXT    NOT NULL,
    rule_version INTEGER NOT NULL,
    severity     TEXT    NOT NULL,
    scheme       TEXT    NOT NULL,
    authority    TEXT    NOT NULL,
    summary      TEXT    NOT NULL,
    local_entity BOOLEAN NOT NULL,
    lead_time    TEXT    NOT NULL,
    source_url   TEXT    NOT NULL,
    verified     BOOLEAN NOT NULL,
    reviewed     TEXT    NOT NULL,
    PRIMARY KEY (enquiry_id, country, rule_id)
);
