-- Persons: professional contacts, with their names in parts and their positions.
CREATE TABLE person (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  family_name TEXT,
  middle_name TEXT,
  given_name TEXT,
  name_order TEXT,
  name TEXT NOT NULL,
  sort_name TEXT NOT NULL,
  names TEXT,
  honorific TEXT,
  positions TEXT,
  organisation INTEGER REFERENCES organisation(id),
  title TEXT,
  country TEXT REFERENCES country(code),
  languages TEXT,
  email TEXT,
  phone TEXT,
  consent_basis TEXT,
  consent_on TEXT
);
CREATE INDEX person_sort_name ON person(sort_name) WHERE deleted_at IS NULL;
CREATE INDEX person_organisation ON person(organisation) WHERE deleted_at IS NULL AND organisation IS NOT NULL;
CREATE INDEX person_country ON person(country) WHERE deleted_at IS NULL;
