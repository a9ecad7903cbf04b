-- Access control and accountability (issue 5): accounts and their grants of a role on a unit,
-- credentials (browser sessions and API tokens, stored as hashes), failed logins (throttling),
-- and the hash-chained audit log. Links carry their record's owner unit and sensitivity, so a
-- timeline filters what its reader may see in the same statement.
CREATE TABLE account (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password_hash TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- A role on a unit and its descendants; unit NULL is the root (every unit, and records of none).
CREATE TABLE account_grant (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES account(id),
  unit INTEGER REFERENCES unit(id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer', 'auditor')),
  clearance INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX account_grant_account ON account_grant(account_id);
-- kind 'session' (a browser's cookie) or 'token' (a script's bearer token); `hash` is the
-- SHA-256 of the secret, which is never stored.
CREATE TABLE credential (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('session', 'token')),
  account_id INTEGER NOT NULL REFERENCES account(id),
  label TEXT,
  read_only INTEGER NOT NULL DEFAULT 0,
  csrf TEXT,
  client TEXT,
  created_at TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE INDEX credential_account ON credential(account_id);
CREATE TABLE login_failure (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  client TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX login_failure_account ON login_failure(account, at);
CREATE INDEX login_failure_client ON login_failure(client, at);
-- Append-only: each entry's hash covers its content and the previous entry's hash.
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  client TEXT,
  action TEXT NOT NULL,
  entity TEXT,
  record_id INTEGER,
  unit INTEGER,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_record ON audit(entity, record_id);
ALTER TABLE link ADD COLUMN owner_unit INTEGER;
ALTER TABLE link ADD COLUMN sensitivity TEXT NOT NULL DEFAULT 'internal';
UPDATE link SET owner_unit = (SELECT owner_unit FROM agreement WHERE agreement.id = link.record_id), sensitivity = (SELECT sensitivity FROM agreement WHERE agreement.id = link.record_id) WHERE entity = 'agreement';
UPDATE link SET owner_unit = (SELECT owner_unit FROM aid_project WHERE aid_project.id = link.record_id), sensitivity = (SELECT sensitivity FROM aid_project WHERE aid_project.id = link.record_id) WHERE entity = 'aid_project';
UPDATE link SET owner_unit = (SELECT owner_unit FROM appeal WHERE appeal.id = link.record_id), sensitivity = (SELECT sensitivity FROM appeal WHERE appeal.id = link.record_id) WHERE entity = 'appeal';
UPDATE link SET owner_unit = (SELECT owner_unit FROM award WHERE award.id = link.record_id), sensitivity = (SELECT sensitivity FROM award WHERE award.id = link.record_id) WHERE entity = 'award';
UPDATE link SET owner_unit = (SELECT owner_unit FROM delegation WHERE delegation.id = link.record_id), sensitivity = (SELECT sensitivity FROM delegation WHERE delegation.id = link.record_id) WHERE entity = 'delegation';
UPDATE link SET owner_unit = (SELECT owner_unit FROM event WHERE event.id = link.record_id), sensitivity = (SELECT sensitivity FROM event WHERE event.id = link.record_id) WHERE entity = 'event';
UPDATE link SET owner_unit = (SELECT owner_unit FROM interaction WHERE interaction.id = link.record_id), sensitivity = (SELECT sensitivity FROM interaction WHERE interaction.id = link.record_id) WHERE entity = 'interaction';
