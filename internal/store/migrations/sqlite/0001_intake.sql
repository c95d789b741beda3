-- The public intake: enquiries, one row per destination country, the
-- timeline, and the CAPTCHA challenges.

CREATE TABLE enquiries (
    id                     INTEGER PRIMARY KEY,
    reference              TEXT    NOT NULL UNIQUE,
    status                 TEXT    NOT NULL DEFAULT 'new',
    full_name              TEXT    NOT NULL,
    company                TEXT    NOT NULL,
    email                  TEXT    NOT NULL,
    phone                  TEXT    NOT NULL DEFAULT '',
    service                TEXT    NOT NULL,
    origin_country         TEXT    NOT NULL,
    product_category       TEXT    NOT NULL,
    product_description    TEXT    NOT NULL,
    condition              TEXT    NOT NULL,
    hs_code                TEXT    NOT NULL DEFAULT '',
    contains_encryption    TEXT    NOT NULL DEFAULT 'unknown',
    wireless_radio         TEXT    NOT NULL DEFAULT 'unknown',
    lithium_batteries      TEXT    NOT NULL DEFAULT 'none',
    shipment_value_cents   INTEGER NOT NULL CHECK (shipment_value_cents > 0),
    currency               TEXT    NOT NULL,
    target_date            TEXT    NOT NULL DEFAULT '',
    message                TEXT    NOT NULL DEFAULT '',
    consent_at             DATETIME NOT NULL,
    privacy_notice_version TEXT    NOT NULL,
    utm_source             TEXT    NOT NULL DEFAULT '',
    utm_medium             TEXT    NOT NULL DEFAULT '',
    utm_campaign           TEXT    NOT NULL DEFAULT '',
    referrer               TEXT    NOT NULL DEFAULT '',
    client_ip              TEXT    NOT NULL DEFAULT '',
    user_agent             TEXT    NOT NULL DEFAULT '',
    assignee_id            INTEGER,
    version                INTEGER NOT NULL DEFAULT 1,
    created_at             DATETIME NOT NULL,
    updated_at             DATETIME NOT NULL
);

-- The dashboard filters by each of these, newest first.
CREATE INDEX enquiries_created_at       ON enquiries (created_at);
CREATE INDEX enquiries_status_created   ON enquiries (status, created_at);
CREATE INDEX enquiries_service_created  ON enquiries (service, created_at);
CREATE INDEX enquiries_category_created ON enquiries (product_category, created_at);
CREATE INDEX enquiries_assignee_created ON enquiries (assignee_id, created_at);
CREATE INDEX enquiries_email            ON enquiries (email);

-- One row per destination, so "enquiries by destination country" is a plain
-- indexed query. created_at is copied from the enquiry so a country filter
-- over a period needs no join to find its rows. Keyed by position, so an
-- enquiry's destinations come back in the prospect's order without a sort
-- (validation keeps a country from appearing twice).
CREATE TABLE enquiry_destinations (
    enquiry_id INTEGER  NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    position   INTEGER  NOT NULL,
    country    TEXT     NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (enquiry_id, position)
) WITHOUT ROWID;
CREATE INDEX enquiry_destinations_country_created ON enquiry_destinations (country, created_at);

CREATE TABLE enquiry_events (
    id          INTEGER PRIMARY KEY,
    enquiry_id  INTEGER  NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    kind        TEXT     NOT NULL,
    actor       TEXT     NOT NULL DEFAULT '',
    detail      TEXT     NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL
);
CREATE INDEX enquiry_events_enquiry ON enquiry_events (enquiry_id, id);

-- WITHOUT ROWID: the id is the only key, so a lookup or delete touches one
-- b-tree instead of two.
CREATE TABLE captcha_challenges (
    id         TEXT     PRIMARY KEY,
    digits     TEXT     NOT NULL,
    expires_at DATETIME NOT NULL
) WITHOUT ROWID;
CREATE INDEX captcha_challenges_expires_at ON captcha_challenges (expires_at);
