-- Relations (with their level history), interactions with partners, and awards.
CREATE TABLE relation (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  from_unit INTEGER REFERENCES unit(id),
  from_organisation INTEGER REFERENCES organisation(id),
  "to" INTEGER NOT NULL REFERENCES organisation(id),
  kind TEXT NOT NULL,
  role TEXT,
  term TEXT,
  since TEXT,
  until TEXT,
  status TEXT,
  basis TEXT,
  levels TEXT,
  level TEXT,
  level_since TEXT
);
CREATE INDEX relation_to ON relation("to", kind) WHERE deleted_at IS NULL;
CREATE INDEX relation_from_unit ON relation(from_unit) WHERE deleted_at IS NULL AND from_unit IS NOT NULL;
CREATE INDEX relation_from_organisation ON relation(from_organisation)
  WHERE deleted_at IS NULL AND from_organisation IS NOT NULL;
CREATE INDEX relation_kind ON relation(kind, status) WHERE deleted_at IS NULL;

CREATE TABLE interaction (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  date TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  organisations TEXT,
  persons TEXT,
  unit INTEGER REFERENCES unit(id),
  summary TEXT,
  follow_up TEXT,
  follow_up_due TEXT
);
CREATE INDEX interaction_date ON interaction(date) WHERE deleted_at IS NULL;
CREATE INDEX interaction_unit ON interaction(unit, date) WHERE deleted_at IS NULL AND unit IS NOT NULL;
CREATE INDEX interaction_follow_up_due ON interaction(follow_up_due)
  WHERE deleted_at IS NULL AND follow_up_due IS NOT NULL;

CREATE TABLE award (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  owner_unit INTEGER REFERENCES unit(id),
  sensitivity TEXT NOT NULL,
  tags TEXT, notes TEXT, deleted_at TEXT,
  award TEXT NOT NULL,
  recipient_person INTEGER REFERENCES person(id),
  recipient_organisation INTEGER REFERENCES organisation(id),
  conferred_on TEXT,
  by_unit INTEGER REFERENCES unit(id),
  decision_reference TEXT,
  citation TEXT,
  status TEXT
);
CREATE INDEX award_conferred_on ON award(conferred_on, award) WHERE deleted_at IS NULL;
CREATE INDEX award_recipient_person ON award(recipient_person)
  WHERE deleted_at IS NULL AND recipient_person IS NOT NULL;
CREATE INDEX award_recipient_organisation ON award(recipient_organisation)
  WHERE deleted_at IS NULL AND recipient_organisation IS NOT NULL;
CREATE INDEX award_by_unit ON award(by_unit) WHERE deleted_at IS NULL AND by_unit IS NOT NULL;
