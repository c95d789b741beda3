-- Exchange rates for the reports' pipeline value in one reporting
-- currency: units of each currency per euro (the ECB's convention), the
-- day they are for, and where they came from (a manager by hand, or an
-- ECB file imported). The rollups gain shipment values by status and
-- currency: they are built again right after this (store.afterMigration).
CREATE TABLE exchange_rates (
    currency   TEXT     NOT NULL PRIMARY KEY,
    per_eur    REAL     NOT NULL,
    rate_date  TEXT     NOT NULL,
    source     TEXT     NOT NULL,
    updated_at DATETIME NOT NULL,
    updated_by TEXT     NOT NULL DEFAULT ''
);
DELETE FROM rollups;
