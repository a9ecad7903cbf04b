-- Documents: what a file is and what it belongs to; the bytes live in DATA/files by SHA-256.
CREATE TABLE document (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  title TEXT NOT NULL,
  kind TEXT,
  language TEXT,
  description TEXT,
  linked TEXT,
  file_name TEXT,
  file_type TEXT,
  file_size INTEGER,
  file_sha256 TEXT,
  text TEXT
);
CREATE INDEX document_sha256 ON document(file_sha256) WHERE deleted_at IS NULL;
