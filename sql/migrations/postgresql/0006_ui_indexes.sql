-- What the web UI asks of every list: the latest changes first (the dashboard's recent activity,
-- sort=-updated_at) and the working unit's records (owner_unit=, the unit switcher).
CREATE INDEX agreement_updated_at ON "agreement"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX agreement_owner_unit ON "agreement"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX aid_project_updated_at ON "aid_project"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX aid_project_owner_unit ON "aid_project"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX appeal_updated_at ON "appeal"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX appeal_owner_unit ON "appeal"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX award_updated_at ON "award"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX award_owner_unit ON "award"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX delegation_updated_at ON "delegation"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX delegation_owner_unit ON "delegation"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX document_updated_at ON "document"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX document_owner_unit ON "document"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX event_updated_at ON "event"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX event_owner_unit ON "event"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX interaction_updated_at ON "interaction"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX interaction_owner_unit ON "interaction"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX organisation_updated_at ON "organisation"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX organisation_owner_unit ON "organisation"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX person_updated_at ON "person"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX person_owner_unit ON "person"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX plan_updated_at ON "plan"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX plan_owner_unit ON "plan"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX policy_document_updated_at ON "policy_document"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX policy_document_owner_unit ON "policy_document"(owner_unit) WHERE deleted_at IS NULL;
CREATE INDEX relation_updated_at ON "relation"(updated_at) WHERE deleted_at IS NULL;
CREATE INDEX relation_owner_unit ON "relation"(owner_unit) WHERE deleted_at IS NULL;
