-- The rollups gain the groupings by agent (enquiries, and lines by state)
-- and by source (UTM source and campaign, by status): the counters are
-- built again from the base tables right after this (store.afterMigration).
DELETE FROM rollups;
