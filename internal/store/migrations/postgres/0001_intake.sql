-- The public intake (PostgreSQL): enquiries, one row per destination
-- country, the timeline, and the CAPTCHA challenges.

CREATE TABLE enquiries (
    id                     BIGSERIAL PRIMARY KEY,
    reference              TEXT        NOT NULL UNIQUE,
    status                 TEXT        NOT NULL DEFAULT 'new',
    full_name              TEXT        NOT NULL,
    company                TEXT        NOT NULL,
    email                  TEXT        NOT NULL,
    phone                  TEXT        NOT NULL DEFAULT '',
    service                TEXT        NOT NULL,
    origin_country         TEXT        NOT NULL,
    product_category       TEXT        NOT NULL,
    product_description    TEXT        NOT NULL,
    condition              TEXT        NOT NULL,
    hs_code                TEXT        NOT NULL DEFAULT '',
    contains_encryption    TEXT        NOT NULL DEFAULT 'unknown',
    wireless_radio         TEXT        NOT NULL DEFAULT 'unknown',
    lithium_batteries      TEXT        NOT NULL DEFAULT 'none',
    shipment_value_cents   BIGINT      NOT NULL CHECK (shipment_value_cents > 0),
    currency               TEXT        NOT NULL,
    target_date            TEXT        NOT NULL DEFAULT '',
    message                TEXT        NOT NULL DEFAULT '',
    consent_at             TIMESTAMPTZ NOT NULL,
    privacy_notice_version TEXT        NOT NULL,
    utm_source             TEXT        NOT NULL DEFAULT '',
    utm_medium             TEXT        NOT NULL DEFAULT '',
    utm_campaign           TEXT        NOT NULL DEFAULT '',
    referrer               TEXT        NOT NULL DEFAULT '',
    client_ip              TEXT        NOT NULL DEFAULT '',
    user_agent             TEXT        NOT NULL DEFAULT '',
    assignee_id            BIGINT,
    version                BIGINT      NOT NULL DEFAULT 1,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX enquiries_created_at       ON enquiries (created_at, id);
CREATE INDEX enquiries_status_created   ON enquiries (status, created_at, id);
CREATE INDEX enquiries_service_created  ON enquiries (service, created_at, id);
CREATE INDEX enquiries_category_created ON enquiries (product_category, created_at, id);
CREATE INDEX enquiries_assignee_created ON enquiries (assignee_id, created_at, id);
CREATE INDEX enquiries_email            ON enquiries (lower(email));

CREATE TABLE enquiry_destinations (
    enquiry_id BIGINT      NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    position   INTEGER     NOT NULL,
    country    TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (enquiry_id, position)
);
CREATE INDEX enquiry_destinations_country_created ON enquiry_destinations (country, created_at, enquiry_id);

CREATE TABLE enquiry_events (
    id          BIGSERIAL PRIMARY KEY,
    enquiry_id  BIGINT      NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    kind        TEXT        NOT NULL,
    actor       TEXT        NOT NULL DEFAULT '',
    detail      TEXT        NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX enquiry_events_enquiry ON enquiry_events (enquiry_id, id);

CREATE TABLE captcha_challenges (
    id         TEXT        PRIMARY KEY,
    digits     TEXT        NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX captcha_challenges_expires_at ON captcha_challenges (expires_at);
