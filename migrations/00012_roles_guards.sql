-- +goose Up
-- The database protects signed data from the application itself.
--
-- Migrations run as the schema's owner; the server runs as acquis_app, a
-- login role that is neither superuser nor owner (README, « Sécurité »).
-- Only a superuser may set session_replication_role = replica, only an
-- owner may drop or disable a trigger: the serving role can do neither, so
-- the triggers below hold against any SQL the server might be tricked into
-- running. Privileges are granted here for existing tables and by default
-- privileges for every table a later migration creates, so a new table
-- works for the serving role without anyone remembering to grant it.

-- +goose StatementBegin
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'acquis_app') THEN
    RAISE EXCEPTION 'le rôle PostgreSQL acquis_app n''existe pas : créez-le avant de migrer (README, « Rôles de la base »), par exemple CREATE ROLE acquis_app LOGIN PASSWORD ''…'''
      USING ERRCODE = 'undefined_object';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'acquis_app' AND (rolsuper OR rolbypassrls OR rolcreaterole)) THEN
    RAISE EXCEPTION 'le rôle acquis_app ne doit être ni superutilisateur, ni BYPASSRLS, ni CREATEROLE'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF pg_has_role('acquis_app', current_user, 'MEMBER') THEN
    RAISE EXCEPTION 'le rôle acquis_app ne doit pas être membre du propriétaire du schéma (%)', current_user
      USING ERRCODE = 'insufficient_privilege';
  END IF;
END $$;
-- +goose StatementEnd

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO acquis_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO acquis_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO acquis_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO acquis_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO acquis_app;

-- The migrations' own bookkeeping is read (to tell a schema behind the
-- binary) and never written by the server.
REVOKE INSERT, UPDATE, DELETE ON goose_db_version FROM acquis_app;

-- Append-only tables: the serving role may add rows, never change or
-- remove them (the triggers say so too, for the owner).
REVOKE UPDATE, DELETE ON jury_minutes, deposits, certificates, acquired_blocks,
  certification_versions, blocks, competences, deliverables, criteria FROM acquis_app;
REVOKE DELETE ON audit_log FROM acquis_app;
-- An amendment locks the latest minutes (SELECT … FOR UPDATE), which
-- PostgreSQL allows only with UPDATE on some column: one column is
-- granted, and the row trigger refuses any actual update.
GRANT UPDATE (id) ON jury_minutes TO acquis_app;

-- TRUNCATE is never granted to the serving role; for the owner, a
-- statement-level trigger refuses it on everything a signature or a
-- deposit froze (TRUNCATE skips row triggers).
CREATE TRIGGER jury_sessions_no_truncate BEFORE TRUNCATE ON jury_sessions FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER jury_members_no_truncate BEFORE TRUNCATE ON jury_members FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER jury_assignments_no_truncate BEFORE TRUNCATE ON jury_assignments FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER jury_evaluators_no_truncate BEFORE TRUNCATE ON jury_evaluators FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER jury_verdicts_no_truncate BEFORE TRUNCATE ON jury_verdicts FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER jury_block_decisions_no_truncate BEFORE TRUNCATE ON jury_block_decisions FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER jury_outcomes_no_truncate BEFORE TRUNCATE ON jury_outcomes FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER jury_minutes_no_truncate BEFORE TRUNCATE ON jury_minutes FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER certificates_no_truncate BEFORE TRUNCATE ON certificates FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER deposits_no_truncate BEFORE TRUNCATE ON deposits FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER acquired_blocks_no_truncate BEFORE TRUNCATE ON acquired_blocks FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER certification_versions_no_truncate BEFORE TRUNCATE ON certification_versions FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER blocks_no_truncate BEFORE TRUNCATE ON blocks FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER competences_no_truncate BEFORE TRUNCATE ON competences FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER deliverables_no_truncate BEFORE TRUNCATE ON deliverables FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER criteria_no_truncate BEFORE TRUNCATE ON criteria FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- A document row names one stored file for good: a new file is a new
-- version, and only the soft deletion changes the row.
-- +goose StatementBegin
CREATE FUNCTION documents_content_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.id, NEW.candidacy_id, NEW.block_code, NEW.deliverable_code, NEW.version, NEW.file_name, NEW.sha256, NEW.size_bytes,
      NEW.kind, NEW.mime, NEW.uploaded_by, NEW.uploaded_at)
     IS DISTINCT FROM
     (OLD.id, OLD.candidacy_id, OLD.block_code, OLD.deliverable_code, OLD.version, OLD.file_name, OLD.sha256, OLD.size_bytes,
      OLD.kind, OLD.mime, OLD.uploaded_by, OLD.uploaded_at) THEN
    RAISE EXCEPTION 'le document % est figé : seule sa suppression logique le modifie', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER documents_content_frozen BEFORE UPDATE ON documents
  FOR EACH ROW EXECUTE FUNCTION documents_content_guard();
REVOKE DELETE ON documents FROM acquis_app;

-- results and block_results are the projection of the signed minutes:
-- only project_results writes them, re-deriving them from the current
-- version of the minutes. The serving role has no write privilege on them;
-- project_results runs with its owner's rights (SECURITY DEFINER, with a
-- pinned search_path) and sets acquis.projecting for its own duration,
-- which the triggers below require of any other writer too, so that even
-- the owner cannot change a result by hand without saying so.
REVOKE INSERT, UPDATE, DELETE ON results, block_results FROM acquis_app;

-- +goose StatementBegin
CREATE FUNCTION results_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('acquis.projecting', true) = 'on' THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'la table % est la projection des procès-verbaux signés : seules la signature et l''amendement l''écrivent (% refusé)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
-- +goose StatementEnd

CREATE TRIGGER results_projection_only BEFORE INSERT OR UPDATE OR DELETE ON results
  FOR EACH ROW EXECUTE FUNCTION results_guard();
CREATE TRIGGER block_results_projection_only BEFORE INSERT OR UPDATE OR DELETE ON block_results
  FOR EACH ROW EXECUTE FUNCTION results_guard();
CREATE TRIGGER results_no_truncate BEFORE TRUNCATE ON results FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER block_results_no_truncate BEFORE TRUNCATE ON block_results FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- The projection's body keeps its name's old definition, callable by the
-- owner only; project_results wraps it.
ALTER FUNCTION project_results(bigint[]) RENAME TO project_results_body;
REVOKE EXECUTE ON FUNCTION project_results_body(bigint[]) FROM PUBLIC;

-- +goose StatementBegin
CREATE FUNCTION project_results(sids bigint[]) RETURNS void LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  prev text := coalesce(current_setting('acquis.projecting', true), '');
BEGIN
  PERFORM set_config('acquis.projecting', 'on', true);
  PERFORM project_results_body(sids);
  PERFORM set_config('acquis.projecting', prev, true);
END $$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION project_results(bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION project_results(bigint[]) TO acquis_app;

-- Audit log: each row carries a keyed MAC (HMAC-SHA256) of its content,
-- computed by acquis when it writes the row with a key kept out of the
-- database, so a row inserted by anyone else is reported by `acquis audit
-- verify`. Rows written before this migration have none: audit_legacy
-- records where they end, and they stay protected by the unkeyed chain only.
ALTER TABLE audit_log ADD COLUMN mac text;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
     AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_role, NEW.action, NEW.entity, NEW.entity_id, NEW.ip, NEW.request_id, NEW.change, NEW.mac)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.at, OLD.actor_id, OLD.actor_role, OLD.action, OLD.entity, OLD.entity_id, OLD.ip, OLD.request_id, OLD.change, OLD.mac) THEN
    RETURN NEW; -- sealing, once
  END IF;
  RAISE EXCEPTION 'le journal d''audit est en écriture unique : % refusé', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
-- +goose StatementEnd

CREATE TABLE audit_legacy (last_id bigint NOT NULL);
INSERT INTO audit_legacy SELECT coalesce(max(id), 0) FROM audit_log;
CREATE TRIGGER audit_legacy_frozen BEFORE UPDATE OR DELETE ON audit_legacy
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER audit_legacy_no_truncate BEFORE TRUNCATE ON audit_legacy
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
REVOKE INSERT, UPDATE, DELETE ON audit_legacy FROM acquis_app;

-- +goose Down
DROP TABLE audit_legacy;
ALTER TABLE audit_log DROP COLUMN mac;
DROP FUNCTION project_results(bigint[]);
ALTER FUNCTION project_results_body(bigint[]) RENAME TO project_results;
GRANT EXECUTE ON FUNCTION project_results(bigint[]) TO PUBLIC;
DROP TRIGGER documents_content_frozen ON documents;
DROP FUNCTION documents_content_guard();
DROP TRIGGER results_projection_only ON results;
DROP TRIGGER block_results_projection_only ON block_results;
DROP TRIGGER results_no_truncate ON results;
DROP TRIGGER block_results_no_truncate ON block_results;
DROP FUNCTION results_guard();
DROP TRIGGER jury_sessions_no_truncate ON jury_sessions;
DROP TRIGGER jury_members_no_truncate ON jury_members;
DROP TRIGGER jury_assignments_no_truncate ON jury_assignments;
DROP TRIGGER jury_evaluators_no_truncate ON jury_evaluators;
DROP TRIGGER jury_verdicts_no_truncate ON jury_verdicts;
DROP TRIGGER jury_block_decisions_no_truncate ON jury_block_decisions;
DROP TRIGGER jury_outcomes_no_truncate ON jury_outcomes;
DROP TRIGGER jury_minutes_no_truncate ON jury_minutes;
DROP TRIGGER certificates_no_truncate ON certificates;
DROP TRIGGER deposits_no_truncate ON deposits;
DROP TRIGGER acquired_blocks_no_truncate ON acquired_blocks;
DROP TRIGGER documents_no_truncate ON documents;
DROP TRIGGER certification_versions_no_truncate ON certification_versions;
DROP TRIGGER blocks_no_truncate ON blocks;
DROP TRIGGER competences_no_truncate ON competences;
DROP TRIGGER deliverables_no_truncate ON deliverables;
DROP TRIGGER criteria_no_truncate ON criteria;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM acquis_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM acquis_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM acquis_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM acquis_app;
REVOKE USAGE ON SCHEMA public FROM acquis_app;
