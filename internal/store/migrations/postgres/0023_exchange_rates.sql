-- As SQLite's 0023: exchange rates per euro, and the rollups built again
-- with shipment values by status and currency.
CREATE TABLE exchange_rates (
    currency   TEXT             NOT NULL PRIMARY KEY,
    per_eur    DOUBLE PRECISION NOT NULL,
    rate_date  TEXT             NOT NULL,
    source     TEXT             NOT NULL,
    updated_at TIMESTAMPTZ      NOT NULL,
    updated_by TEXT             NOT NULL DEFAULT ''
);
DELETE FROM rollups;
