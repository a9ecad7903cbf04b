-- Agreements (with their parties and commitments), plans (with their items) and the policy
-- documents plans carry out. An agreement's status is derived when read: its column stays empty.
CREATE TABLE agreement (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  parties TEXT NOT NULL,
  signed_at TEXT,
  signed_on TEXT,
  entry_into_force TEXT,
  valid_from TEXT,
  valid_to TEXT,
  renews_automatically INTEGER,
  renewal_period_months INTEGER,
  stage TEXT NOT NULL,
  terminated_on TEXT,
  status TEXT,
  current_period_ends TEXT,
  supersedes INTEGER REFERENCES agreement(id),
  commitments TEXT,
  open_commitments INTEGER NOT NULL
);
CREATE INDEX agreement_kind ON agreement(kind) WHERE deleted_at IS NULL;
CREATE INDEX agreement_signed_on ON agreement(signed_on) WHERE deleted_at IS NULL;
CREATE INDEX agreement_valid_to ON agreement(valid_to) WHERE deleted_at IS NULL AND valid_to IS NOT NULL;

CREATE TABLE policy_document (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  number TEXT,
  kind TEXT,
  issuer TEXT,
  issued_on TEXT,
  title TEXT NOT NULL,
  summary TEXT,
  supersedes INTEGER REFERENCES policy_document(id)
);
CREATE INDEX policy_document_number ON policy_document(number) WHERE deleted_at IS NULL AND number IS NOT NULL;
CREATE INDEX policy_document_kind ON policy_document(kind) WHERE deleted_at IS NULL;
CREATE INDEX policy_document_issued_on ON policy_document(issued_on) WHERE deleted_at IS NULL;

CREATE TABLE plan (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  unit INTEGER NOT NULL REFERENCES unit(id),
  period_from TEXT,
  period_to TEXT,
  title TEXT NOT NULL,
  policy_documents TEXT,
  items TEXT
);
CREATE INDEX plan_unit ON plan(unit, period_from) WHERE deleted_at IS NULL;
CREATE INDEX plan_period_from ON plan(period_from) WHERE deleted_at IS NULL;
