-- The rollups (docs/DESIGN.md, "Rollups"): how many enquiries created on a
-- day (grain 'd', period YYYY-MM-DD) or in a month (grain 'm', period
-- YYYY-MM), UTC, fall under each key of a grouping (dim): status, service,
-- category, destination line by state, lane, quoted fees by currency
-- (amount: the fees in cents). Kept in the same write as every change that
-- moves a count; built for an existing book right after this migration
-- (store.afterMigration).
CREATE TABLE rollups (
    dim    TEXT    NOT NULL,
    grain  TEXT    NOT NULL,
    period TEXT    NOT NULL,
    key    TEXT    NOT NULL,
    n      INTEGER NOT NULL,
    amount INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, grain, period, key)
) WITHOUT ROWID;
