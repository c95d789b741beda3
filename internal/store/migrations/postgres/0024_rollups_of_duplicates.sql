-- As SQLite's 0024: the rollups built again with the duplicates' groupings.
DELETE FROM rollups;
