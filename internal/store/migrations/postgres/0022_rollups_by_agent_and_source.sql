-- As SQLite's 0022: the rollups built again with the groupings by agent
-- and by source.
DELETE FROM rollups;
