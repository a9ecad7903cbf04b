-- What records that appear on timelines (delegations, events, agreements, …) point at: one row
-- per referenced organisation, person, unit or country (domain/links.h), rewritten with the
-- record. Timelines and the overlap warnings read it.
CREATE TABLE link (
  entity TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  field TEXT NOT NULL,
  item INTEGER NOT NULL,
  target TEXT NOT NULL,
  target_key TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX link_target ON link(target, target_key, at);
CREATE INDEX link_record ON link(entity, record_id);
