-- Text in lists sorts in the request's language (lang=vi|en): ICU collations `vi` and `en`, which
-- every connection Amity opens registers (store/sqlite/sqlite_store.h OpenSqliteConnection).
-- A connection without them (the sqlite3 shell) can neither write these tables nor read through
-- these indexes ("no such collation sequence"): the amity binary is the database's one client
-- (amity backup, dump, restore and migrate included).
-- The text sort indexes of the big tables (0001, 0003), once per language; the byte-wise ones
-- stay for equality.
CREATE INDEX organisation_name_vi ON organisation(name COLLATE vi) WHERE deleted_at IS NULL;
CREATE INDEX organisation_name_en ON organisation(name COLLATE en) WHERE deleted_at IS NULL;
CREATE INDEX person_sort_name_vi ON person(sort_name COLLATE vi) WHERE deleted_at IS NULL;
CREATE INDEX person_sort_name_en ON person(sort_name COLLATE en) WHERE deleted_at IS NULL;
-- The version of each collation the indexes were built in: at start, the store rebuilds the
-- indexes of a collation whose ICU version has changed (an ICU upgrade may reorder some text).
CREATE TABLE collation_version (name TEXT PRIMARY KEY, version TEXT NOT NULL);
