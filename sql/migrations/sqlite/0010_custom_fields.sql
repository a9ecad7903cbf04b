-- Custom fields: an admin's declarations (custom_field), and every record's values of them
-- (the `custom` column: a JSON object, NULL when the record holds none).
CREATE TABLE custom_field (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, custom TEXT, deleted_at TEXT,
  entity TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  label TEXT NOT NULL,
  description TEXT,
  "values" TEXT
);
CREATE UNIQUE INDEX custom_field_name ON custom_field(entity, name) WHERE deleted_at IS NULL;
ALTER TABLE country ADD COLUMN custom TEXT;
ALTER TABLE subdivision ADD COLUMN custom TEXT;
ALTER TABLE unit ADD COLUMN custom TEXT;
ALTER TABLE organisation ADD COLUMN custom TEXT;
ALTER TABLE person ADD COLUMN custom TEXT;
ALTER TABLE relation ADD COLUMN custom TEXT;
ALTER TABLE interaction ADD COLUMN custom TEXT;
ALTER TABLE award ADD COLUMN custom TEXT;
ALTER TABLE delegation ADD COLUMN custom TEXT;
ALTER TABLE event ADD COLUMN custom TEXT;
ALTER TABLE agreement ADD COLUMN custom TEXT;
ALTER TABLE policy_document ADD COLUMN custom TEXT;
ALTER TABLE plan ADD COLUMN custom TEXT;
ALTER TABLE appeal ADD COLUMN custom TEXT;
ALTER TABLE aid_project ADD COLUMN custom TEXT;
ALTER TABLE exchange_rate ADD COLUMN custom TEXT;
ALTER TABLE document ADD COLUMN custom TEXT;
