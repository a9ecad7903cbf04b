-- Aid: appeals and their contributions, aid projects shaped like IATI activities, and the dated
-- exchange-rate table that converts their amounts.
CREATE TABLE appeal (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  title TEXT NOT NULL,
  cause TEXT,
  country TEXT REFERENCES country(code),
  starts_on TEXT,
  ends_on TEXT,
  target_amount INTEGER, target_currency TEXT,
  contributions TEXT
);
CREATE INDEX appeal_starts_on ON appeal(starts_on) WHERE deleted_at IS NULL;
CREATE INDEX appeal_country ON appeal(country) WHERE deleted_at IS NULL AND country IS NOT NULL;

CREATE TABLE aid_project (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  title TEXT NOT NULL,
  identifiers TEXT,
  description TEXT,
  status TEXT,
  planned_start TEXT,
  planned_end TEXT,
  actual_start TEXT,
  actual_end TEXT,
  starts_on TEXT,
  participants TEXT,
  sectors TEXT,
  locations TEXT,
  budget_amount INTEGER, budget_currency TEXT,
  transactions TEXT,
  appeal INTEGER REFERENCES appeal(id)
);
CREATE INDEX aid_project_status ON aid_project(status) WHERE deleted_at IS NULL;
CREATE INDEX aid_project_starts_on ON aid_project(starts_on) WHERE deleted_at IS NULL;
CREATE INDEX aid_project_appeal ON aid_project(appeal) WHERE deleted_at IS NULL AND appeal IS NOT NULL;

CREATE TABLE exchange_rate (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  currency TEXT NOT NULL,
  base TEXT NOT NULL,
  "on" TEXT NOT NULL,
  rate TEXT NOT NULL,
  source TEXT,
  name TEXT
);
-- The lookup of conversions: the latest rate of a pair on or before a day.
CREATE INDEX exchange_rate_pair_on ON exchange_rate(currency, base, "on") WHERE deleted_at IS NULL;
