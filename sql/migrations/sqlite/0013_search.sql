-- Search (issue 6; store/search.h). One row per live record: its title, names and other text as
-- written (for hits and snippets) and folded (base/fold.h: tokens separated by spaces), with the
-- record's owner and sensitivity so that what a user may not see is never ranked.
CREATE TABLE search_doc (
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  owner_unit INTEGER,
  sensitivity TEXT NOT NULL,
  title TEXT NOT NULL,
  names TEXT NOT NULL,
  body TEXT NOT NULL,
  title_f TEXT NOT NULL,
  names_f TEXT NOT NULL,
  body_f TEXT NOT NULL,
  keys TEXT NOT NULL,  -- the name keys (search_name) as a JSON array, for writing them in bulk
  UNIQUE (entity, record_id)
);
-- The title and each name folded whole: a query equal to one, or the start of one.
CREATE TABLE search_name (
  folded TEXT NOT NULL,
  doc INTEGER NOT NULL,
  PRIMARY KEY (folded, doc)
) WITHOUT ROWID;
CREATE INDEX search_name_doc ON search_name(doc);
-- The words, over the folded columns. The text is already folded and split into tokens joined
-- by spaces; the tokenizer only has to split at the spaces (letters, digits and marks are token
-- characters, as in base/fold.cc). Prefix indexes keep typeahead of one to three letters quick.
CREATE VIRTUAL TABLE search_fts USING fts5(
  title_f, names_f, body_f,
  content = 'search_doc', content_rowid = 'id',
  tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'",
  prefix = '1 2 3'
);
-- The folding the index was built with; Amity rebuilds the index when its own differs (and so
-- for every database this migration meets, whose records are not indexed yet).
CREATE TABLE search_state (version INTEGER NOT NULL);
INSERT INTO search_state (version) VALUES (0);
