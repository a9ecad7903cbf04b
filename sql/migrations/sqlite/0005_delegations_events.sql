-- Delegations (both directions, with members and stops) and events (with their series and
-- edition). Lists filter on dates, status, direction, kind and series.
CREATE TABLE delegation (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  direction TEXT NOT NULL,
  title TEXT NOT NULL,
  level TEXT,
  leader INTEGER REFERENCES person(id),
  members TEXT,
  units TEXT,
  host_organisations TEXT,
  guest_organisations TEXT,
  stops TEXT,
  starts_on TEXT,
  ends_on TEXT,
  purpose TEXT,
  status TEXT,
  outcomes TEXT,
  accompanies INTEGER REFERENCES delegation(id),
  countries_visited INTEGER,
  countries TEXT
);
CREATE INDEX delegation_starts_on ON delegation(starts_on) WHERE deleted_at IS NULL;
CREATE INDEX delegation_status ON delegation(status) WHERE deleted_at IS NULL;
CREATE INDEX delegation_direction ON delegation(direction, starts_on) WHERE deleted_at IS NULL;
CREATE INDEX delegation_leader ON delegation(leader) WHERE deleted_at IS NULL AND leader IS NOT NULL;
CREATE INDEX delegation_accompanies ON delegation(accompanies) WHERE deleted_at IS NULL AND accompanies IS NOT NULL;

CREATE TABLE event (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  kind TEXT,
  title TEXT NOT NULL,
  series TEXT,
  edition INTEGER,
  scope TEXT,
  starts_on TEXT NOT NULL,
  ends_on TEXT,
  country TEXT REFERENCES country(code),
  city TEXT,
  venue TEXT,
  organiser_units TEXT,
  organisers TEXT,
  participants TEXT,
  participant_count INTEGER,
  theme TEXT,
  outcomes TEXT,
  delegation INTEGER REFERENCES delegation(id)
);
CREATE INDEX event_starts_on ON event(starts_on) WHERE deleted_at IS NULL;
CREATE INDEX event_kind ON event(kind, starts_on) WHERE deleted_at IS NULL;
CREATE INDEX event_series ON event(series, edition) WHERE deleted_at IS NULL AND series IS NOT NULL;
CREATE INDEX event_country ON event(country) WHERE deleted_at IS NULL;
CREATE INDEX event_delegation ON event(delegation) WHERE deleted_at IS NULL AND delegation IS NOT NULL;
