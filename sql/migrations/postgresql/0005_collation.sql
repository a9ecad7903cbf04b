-- Text in lists sorts in the request's language (lang=vi|en): ICU collations under the names
-- the SQLite engine registers, so that one statement text (store/sql.cc ListSql) orders alike
-- in both. Nondeterministic, as SQLite's collation is: strings ICU holds equal (NFC and NFD
-- spellings) tie, and ties go by id. Only ORDER BY and the keyset comparisons name them; the
-- columns keep their byte-wise "C" collation (equality, LIKE).
CREATE COLLATION IF NOT EXISTS vi (provider = icu, locale = 'vi', deterministic = false);
CREATE COLLATION IF NOT EXISTS en (provider = icu, locale = 'en', deterministic = false);
-- The text sort indexes of the big tables (0001), once per language, in the order a list walks:
-- nulls first, then id (descending lists walk them backwards).
CREATE INDEX organisation_name_vi ON organisation (name COLLATE vi NULLS FIRST, id) WHERE deleted_at IS NULL;
CREATE INDEX organisation_name_en ON organisation (name COLLATE en NULLS FIRST, id) WHERE deleted_at IS NULL;
CREATE INDEX person_sort_name_vi ON person (sort_name COLLATE vi NULLS FIRST, id) WHERE deleted_at IS NULL;
CREATE INDEX person_sort_name_en ON person (sort_name COLLATE en NULLS FIRST, id) WHERE deleted_at IS NULL;
