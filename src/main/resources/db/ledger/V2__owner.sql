-- Ownership: instance_record.caller is now the authenticated principal that owns the record (it held the
-- unauthenticated x-caller name before); records made before belong to the configured default owner
-- (cloudprovisioner.security.default-owner, passed to Flyway as the default_owner placeholder). TerminateInstance
-- ids record their owner too. Client request ids are scoped per principal through the request key (Ownership).
-- Principals from tokens may be long (e-mail addresses, URLs): up to 512 characters.
ALTER TABLE instance_record ALTER COLUMN caller SET DATA TYPE VARCHAR(512);
UPDATE instance_record SET caller = '${default_owner}';
ALTER TABLE termination_request ADD COLUMN caller VARCHAR(512) DEFAULT '${default_owner}' NOT NULL;
CREATE INDEX instance_record_caller ON instance_record (caller, created_at);
