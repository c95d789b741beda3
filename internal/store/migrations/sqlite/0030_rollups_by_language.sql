-- The rollups gain a grouping by the language the prospect wrote in (the
-- reports' "By language"): the counters are built again right after this
-- (store.afterMigration).
DELETE FROM rollups;
