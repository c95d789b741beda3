-- As SQLite's 0007 (numbered to match; SQLite's 0006 dropped an e-mail
-- index that PostgreSQL's erasure does use): each enquiry's destination
-- codes on its row, and enquiry_destinations keyed by (country, created_at,
-- enquiry_id) alone, so an intake writes each destination into one b-tree
-- instead of two.
ALTER TABLE enquiries ADD COLUMN destinations TEXT NOT NULL DEFAULT '';
UPDATE enquiries e SET destinations = coalesce(
    (SELECT string_agg(d.country, ' ' ORDER BY d.position) FROM enquiry_destinations d WHERE d.enquiry_id = e.id), '');

CREATE TABLE enquiry_destinations_by_country (
    country    TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    enquiry_id BIGINT      NOT NULL,
    PRIMARY KEY (country, created_at, enquiry_id)
);
INSERT INTO enquiry_destinations_by_country (country, created_at, enquiry_id)
    SELECT country, created_at, enquiry_id FROM enquiry_destinations ON CONFLICT DO NOTHING;
DROP TABLE enquiry_destinations;
ALTER TABLE enquiry_destinations_by_country RENAME TO enquiry_destinations;
