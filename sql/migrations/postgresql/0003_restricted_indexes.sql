-- Restricted records indexed on their own: a user who reads every unit but is not cleared for
-- every restricted record has the few restricted ids taken out of what a statement reads
-- (store/sql.cc VisibilitySql), so the statement keeps the index it would use anyway.
CREATE INDEX agreement_restricted ON "agreement"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX aid_project_restricted ON "aid_project"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX appeal_restricted ON "appeal"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX award_restricted ON "award"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX delegation_restricted ON "delegation"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX document_restricted ON "document"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX event_restricted ON "event"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX interaction_restricted ON "interaction"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX organisation_restricted ON "organisation"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX person_restricted ON "person"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX plan_restricted ON "plan"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX policy_document_restricted ON "policy_document"(owner_unit) WHERE sensitivity = 'restricted';
CREATE INDEX relation_restricted ON "relation"(owner_unit) WHERE sensitivity = 'restricted';
