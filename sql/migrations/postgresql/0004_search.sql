-- Search (issue 6; store/search.h). One row per live record: its title, names and other text as
-- written (for hits and snippets) and folded (base/fold.h: tokens separated by spaces), with the
-- record's owner and sensitivity so that what a user may not see is never ranked. `words` is the
-- tsvector of the folded text built by Amity itself (title weight A, names B, the rest C), so
-- both engines split words the same way whatever the database's locale.
CREATE TABLE search_doc (
  id bigserial PRIMARY KEY,
  entity text NOT NULL,
  record_id bigint NOT NULL,
  owner_unit bigint,
  sensitivity text NOT NULL,
  title text NOT NULL,
  names text NOT NULL,
  body text NOT NULL,
  title_f text NOT NULL,
  names_f text NOT NULL,
  body_f text NOT NULL,
  keys text NOT NULL,  -- the name keys (search_name) as a JSON array, for writing them in bulk
  words tsvector NOT NULL,
  UNIQUE (entity, record_id)
);
CREATE INDEX search_doc_words ON search_doc USING gin (words);
-- The title and each name folded whole: a query equal to one, or the start of one (byte order,
-- so that a prefix is a range of the index).
CREATE TABLE search_name (
  folded text COLLATE "C" NOT NULL,
  doc bigint NOT NULL,
  PRIMARY KEY (folded, doc)
);
CREATE INDEX search_name_doc ON search_name(doc);
-- The folding the index was built with; Amity rebuilds the index when its own differs (and so
-- for every database this migration meets, whose records are not indexed yet).
CREATE TABLE search_state (version integer NOT NULL);
INSERT INTO search_state (version) VALUES (0);
