-- Amity schema 1 (SQLite): reference data, units, organisations, identifiers, history.
-- Every entity table starts with the common columns (store/columns.h); a test checks each
-- declared field has its column here.

CREATE TABLE country (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  code TEXT NOT NULL UNIQUE,
  alpha3 TEXT UNIQUE,
  numeric TEXT,
  name TEXT NOT NULL,
  names TEXT,
  official_name TEXT,
  region TEXT,
  subregion TEXT,
  withdrawn_on TEXT,
  relations_established_on TEXT
);

CREATE TABLE subdivision (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  code TEXT NOT NULL UNIQUE,
  country TEXT NOT NULL REFERENCES country(code),
  name TEXT NOT NULL,
  names TEXT,
  type TEXT,
  parent TEXT
);
CREATE INDEX subdivision_country ON subdivision(country) WHERE deleted_at IS NULL;

CREATE TABLE unit (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  names TEXT,
  acronym TEXT,
  kind TEXT NOT NULL,
  parent INTEGER REFERENCES unit(id),
  country TEXT REFERENCES country(code),
  province TEXT,
  email TEXT,
  website TEXT,
  description TEXT
);
CREATE INDEX unit_parent ON unit(parent) WHERE deleted_at IS NULL;

CREATE TABLE organisation (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  name TEXT NOT NULL,
  names TEXT,
  former_names TEXT,
  acronym TEXT,
  kind TEXT NOT NULL,
  subkind TEXT,
  party_family TEXT,
  country TEXT REFERENCES country(code),
  city TEXT,
  founded_on TEXT,
  dissolved_on TEXT,
  status TEXT,
  tier TEXT,
  managing_unit INTEGER REFERENCES unit(id),
  affiliation INTEGER REFERENCES organisation(id),
  registration TEXT,
  diaspora_led INTEGER,
  member_count INTEGER,
  member_count_as_of TEXT,
  website TEXT,
  email TEXT,
  phone TEXT,
  identifiers TEXT,
  description TEXT
);
CREATE INDEX organisation_country ON organisation(country) WHERE deleted_at IS NULL;
CREATE INDEX organisation_kind ON organisation(kind, country) WHERE deleted_at IS NULL;
CREATE INDEX organisation_managing_unit ON organisation(managing_unit) WHERE deleted_at IS NULL;
CREATE INDEX organisation_affiliation ON organisation(affiliation) WHERE deleted_at IS NULL;
CREATE INDEX organisation_founded_on ON organisation(founded_on) WHERE deleted_at IS NULL;
CREATE INDEX organisation_name ON organisation(name) WHERE deleted_at IS NULL;
CREATE INDEX organisation_deleted ON organisation(deleted_at) WHERE deleted_at IS NOT NULL;

-- External identifiers of any record, unique per scheme within an entity type.
CREATE TABLE identifier (
  entity TEXT NOT NULL,
  scheme TEXT NOT NULL,
  value TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  PRIMARY KEY (entity, scheme, value)
) WITHOUT ROWID;
CREATE INDEX identifier_record ON identifier(entity, record_id);

-- Every change after creation, with before and after values per field.
CREATE TABLE history (
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  changes TEXT NOT NULL
);
CREATE INDEX history_record ON history(entity, record_id, id);

-- Bumped by every committed write to an entity type: validates cached counts in any process.
CREATE TABLE generation (
  entity TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) WITHOUT ROWID;
