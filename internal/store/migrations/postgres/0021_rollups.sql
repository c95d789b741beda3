-- As SQLite's 0021: the rollups, built right after this migration.
CREATE TABLE rollups (
    dim    TEXT   NOT NULL,
    grain  TEXT   NOT NULL,
    period TEXT   NOT NULL,
    key    TEXT   NOT NULL,
    n      BIGINT NOT NULL,
    amount BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, grain, period, key)
);
