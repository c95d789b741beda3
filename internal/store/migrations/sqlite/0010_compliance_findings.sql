-- The compliance pre-screen. Rules are kept by version and never changed
-- in place: a change is a new version, so a finding keeps meaning what the
-- desk was told. Each enquiry stores its state (the most severe finding:
-- clear, action, hold or block; '' for enquiries received before the
-- pre-screen) and its findings per destination, by rule and version.
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
    local_entity    INTEGER NOT NULL,
    lead_time       TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    source_url      TEXT    NOT NULL,
    verified        INTEGER NOT NULL,
    reviewed        TEXT    NOT NULL,
    retired         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id, version)
) WITHOUT ROWID;

ALTER TABLE enquiries ADD COLUMN compliance_state TEXT NOT NULL DEFAULT '';
CREATE INDEX enquiries_compliance_created ON enquiries (compliance_state, created_at);

CREATE TABLE enquiry_findings (
    enquiry_id   INTEGER NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    country      TEXT    NOT NULL,
    rule_id      TEXT    NOT NULL,
    rule_version INTEGER NOT NULL,
    PRIMARY KEY (enquiry_id, country, rule_id)
) WITHOUT ROWID;
-- The list's filter by scheme finds the enquiries of a rule's versions.
CREATE INDEX enquiry_findings_rule ON enquiry_findings (rule_id, rule_version, enquiry_id);
CREATE INDEX compliance_rules_scheme ON compliance_rules (scheme);
