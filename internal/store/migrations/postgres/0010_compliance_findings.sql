-- The compliance pre-screen (see the SQLite migration of the same number).
CREATE TABLE compliance_rules (
    id              TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    destination     TEXT    NOT NULL,
    categories      TEXT    NOT NULL,
    conditions      TEXT    NOT NULL,
    scheme          TEXT    NOT NULL,
    authority       TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    severity        TEXT    NOT NULL,
    local_entity    BOOLEAN NOT NULL,
    lead_time       TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    source_url      TEXT    NOT NULL,
    verified        BOOLEAN NOT NULL,
    reviewed        TEXT    NOT NULL,
    retired         BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (id, version)
);

ALTER TABLE enquiries ADD COLUMN compliance_state TEXT NOT NULL DEFAULT '';
CREATE INDEX enquiries_compliance_created ON enquiries (compliance_state, created_at);

CREATE TABLE enquiry_findings (
    enquiry_id   BIGINT  NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    country      TEXT    NOT NULL,
    rule_id      TEXT    NOT NULL,
    rule_version INTEGER NOT NULL,
    PRIMARY KEY (enquiry_id, country, rule_id)
);
-- The list's filter by scheme finds the enquiries of a rule's versions.
CREATE INDEX enquiry_findings_rule ON enquiry_findings (rule_id, rule_version, enquiry_id);
CREATE INDEX compliance_rules_scheme ON compliance_rules (scheme);
