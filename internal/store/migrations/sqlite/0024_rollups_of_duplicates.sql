-- The rollups gain the groupings of confirmed duplicates (dup:…), which
-- the list's counts add (it shows duplicates; the overview and reports do
-- not): the counters are built again right after this
-- (store.afterMigration).
DELETE FROM rollups;
