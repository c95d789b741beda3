-- The compliance pre-screen, stored with each enquiry at intake: its state
-- (the most severe finding: clear, action, hold or block; '' for enquiries
-- received before the pre-screen) and every finding per destination, with
-- the rule's text as it was then, so a later rule change never rewrites
-- what the desk was told.
ALTER TABLE enquiries ADD COLUMN compliance_state TEXT NOT NULL DEFAULT '';
CREATE INDEX enquiries_compliance_created ON enquiries (compliance_state, created_at);

CREATE TABLE enquiry_findings (
    enquiry_id   INTEGER NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    country      TEXT    NOT NULL,
    rule_id      TEXT    NOT NULL,
    rule_version INTEGER NOT NULL,
    severity     TEXT    NOT NULL,
    scheme       TEXT    NOT NULL,
    authority    TEXT    NOT NULL,
    summary      TEXT    NOT NULL,
    local_entity INTEGER NOT NULL,
    lead_time    TEXT    NOT NULL,
    source_url   TEXT    NOT NULL,
    verified     INTEGER NOT NULL,
    reviewed     TEXT    NOT NULL,
    PRIMARY KEY (enquiry_id, country, rule_id)
) WITHOUT ROWID;
