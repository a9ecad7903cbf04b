-- Most organisations have no managing unit and no affiliation: index only those that do. A
-- filter on either (managing_unit = ?, IN (…)) implies IS NOT NULL, so SQLite still uses them;
-- a bulk import no longer sorts a million empty keys for each.
DROP INDEX organisation_managing_unit;
CREATE INDEX organisation_managing_unit ON organisation(managing_unit)
  WHERE deleted_at IS NULL AND managing_unit IS NOT NULL;
DROP INDEX organisation_affiliation;
CREATE INDEX organisation_affiliation ON organisation(affiliation)
  WHERE deleted_at IS NULL AND affiliation IS NOT NULL;
