-- Each enquiry's destinations move onto its row (codes in the prospect's
-- order, space-separated), and enquiry_destinations keeps only what the
-- dashboard filters and counts by: (country, created_at, enquiry_id), as
-- its primary key. Every intake wrote each destination into two b-trees
-- (the table, keyed by enquiry, and its country index); now into one, and
-- the list and the exports read the codes with the enquiry instead of
-- through a subquery. Nothing references this table; rows go with their
-- enquiry through the store (see Tx.deleteEnquiries).
ALTER TABLE enquiries ADD COLUMN destinations TEXT NOT NULL DEFAULT '';
UPDATE enquiries SET destinations = ifnull(
    (SELECT group_concat(country, ' ') FROM enquiry_destinations WHERE enquiry_id = enquiries.id), '');

CREATE TABLE enquiry_destinations_by_country (
    country    TEXT     NOT NULL,
    created_at DATETIME NOT NULL,
    enquiry_id INTEGER  NOT NULL,
    PRIMARY KEY (country, created_at, enquiry_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO enquiry_destinations_by_country (country, created_at, enquiry_id)
    SELECT country, created_at, enquiry_id FROM enquiry_destinations;
DROP TABLE enquiry_destinations;
ALTER TABLE enquiry_destinations_by_country RENAME TO enquiry_destinations;
