-- +goose Up
-- Generations of what acquis keeps computed in memory (issue 12, issue 22
-- #3): one counter per kept thing, raised by the database itself in the
-- same transaction as any write to a table the thing is computed from.
-- A server reads the counters, serves what it kept under the same value,
-- or computes anew and keeps the result under the value read before
-- computing: a kept result is never older than a committed write, on any
-- instance sharing the database, whichever code path wrote.
--
-- One row, one column per kept thing: every bump locks the same row, so
-- two transactions that dirty several things can never lock them in
-- opposite orders.
CREATE TABLE cache_generations (
  only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  -- The national and regional view of the plan (/pilotage).
  pilotage     bigint NOT NULL DEFAULT 0,
  -- Each certification's current version (the référentiel pages, the
  -- certifications API).
  referentiels bigint NOT NULL DEFAULT 0
);
INSERT INTO cache_generations DEFAULT VALUES;

-- bump_generation raises the column named by its argument once per
-- transaction. It runs as a constraint trigger DEFERRABLE INITIALLY
-- DEFERRED, i.e. at commit, after the transaction's own statements have
-- taken every other lock they need: the row lock on cache_generations is
-- the last lock taken and is held only while the commit completes, so a
-- writer never waits for it while holding it, and no deadlock can go
-- through it. A transaction-local setting remembers that the column was
-- raised, so a roster import of a thousand rows bumps once. It runs with
-- its owner's rights: the serving role may read the counters, not write
-- them.
-- +goose StatementBegin
CREATE FUNCTION bump_generation() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  flag text := 'acquis.generation_' || TG_ARGV[0];
BEGIN
  IF coalesce(current_setting(flag, true), '') <> 'bumped' THEN
    EXECUTE format('UPDATE cache_generations SET %1$I = %1$I + 1', TG_ARGV[0]);
    PERFORM set_config(flag, 'bumped', true);
  END IF;
  RETURN NULL;
END $$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION bump_generation() FROM PUBLIC;

-- The counters only go up, and their row stays: a server serves what it
-- kept under a counter as high as the one it reads, so a counter set back
-- would let it serve what it computed before, and without the row no
-- session could be read. (A database restored from a backup brings them
-- back down: restart the servers after a restore.)
-- +goose StatementBegin
CREATE FUNCTION generations_only_rise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.pilotage < OLD.pilotage OR NEW.referentiels < OLD.referentiels THEN
    RAISE EXCEPTION 'cache_generations : un compteur ne redescend pas'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER cache_generations_only_rise BEFORE UPDATE ON cache_generations
  FOR EACH ROW EXECUTE FUNCTION generations_only_rise();
CREATE TRIGGER cache_generations_kept BEFORE DELETE ON cache_generations
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER cache_generations_no_truncate BEFORE TRUNCATE ON cache_generations
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON cache_generations FROM acquis_app;
GRANT SELECT ON cache_generations TO acquis_app;

-- The national view (staff.NationalPlan, staff.AreaSeries, the indicator
-- taux-certification): the platforms and their lead partner, the roster,
-- the accounts it is linked to (only their platform counts), the
-- portfolio's certificates and live candidacies with their blocs' pathway,
-- the targets managers changed, the frozen years, and the jury results.
CREATE CONSTRAINT TRIGGER organisations_generation AFTER INSERT OR UPDATE OR DELETE ON organisations
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('pilotage');
CREATE CONSTRAINT TRIGGER platform_partners_generation AFTER INSERT OR UPDATE OR DELETE ON platform_partners
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('pilotage');
CREATE CONSTRAINT TRIGGER staff_generation AFTER INSERT OR UPDATE OR DELETE ON staff
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('pilotage');
-- Of an account, the view reads its id and its organisation only: a
-- login, a password or a name change does not bump.
CREATE CONSTRAINT TRIGGER users_generation AFTER INSERT OR DELETE ON users
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('pilotage');
CREATE CONSTRAINT TRIGGER users_organisation_generation AFTER UPDATE ON users
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
  EXECUTE FUNCTION bump_generation('pilotage');
CREATE CONSTRAINT TRIGGER certificates_generation AFTER INSERT OR UPDATE OR DELETE ON certificates
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('pilotage');
-- Of a candidacy, what live_candidacies reads: a document upload or an
-- autosave that touches updated_at does not bump.
CREATE CONSTRAINT TRIGGER candidacies_generation AFTER INSERT OR DELETE ON candidacies
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('pilotage');
CREATE CONSTRAINT TRIGGER candidacies_state_generation AFTER UPDATE ON candidacies
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.candidate_id IS DISTINCT FROM NEW.candidate_id
     OR OLD.certification_code IS DISTINCT FROM NEW.certification_code OR OLD.state IS DISTINCT FROM NEW.state
     OR OLD.created_at IS DISTINCT FROM NEW.created_at
     OR OLD.admissibility_submitted_at IS DISTINCT FROM NEW.admissibility_submitted_at)
  EXECUTE FUNCTION bump_generation('pilotage');
CREATE CONSTRAINT TRIGGER candidacy_blocks_generation AFTER INSERT OR UPDATE OR DELETE ON candidacy_blocks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('pilotage');
CREATE CONSTRAINT TRIGGER plan_targets_generation AFTER INSERT OR UPDATE OR DELETE ON plan_targets
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('pilotage');
CREATE CONSTRAINT TRIGGER plan_freezes_generation AFTER INSERT OR UPDATE OR DELETE ON plan_freezes
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('pilotage');
CREATE CONSTRAINT TRIGGER plan_snapshots_generation AFTER INSERT OR UPDATE OR DELETE ON plan_snapshots
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('pilotage');
CREATE CONSTRAINT TRIGGER results_generation AFTER INSERT OR UPDATE OR DELETE ON results
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('pilotage');

-- The référentiels: which version is current, and what a version holds
-- (inserted once, with the version, in the transaction that may make it
-- current).
CREATE CONSTRAINT TRIGGER certifications_generation AFTER INSERT OR UPDATE OR DELETE ON certifications
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('referentiels');
CREATE CONSTRAINT TRIGGER certification_versions_generation AFTER INSERT OR UPDATE OR DELETE ON certification_versions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('referentiels');
CREATE CONSTRAINT TRIGGER blocks_generation AFTER INSERT OR UPDATE OR DELETE ON blocks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('referentiels');
CREATE CONSTRAINT TRIGGER criteria_generation AFTER INSERT OR UPDATE OR DELETE ON criteria
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('referentiels');

-- +goose Down
DROP TRIGGER criteria_generation ON criteria;
DROP TRIGGER blocks_generation ON blocks;
DROP TRIGGER certification_versions_generation ON certification_versions;
DROP TRIGGER certifications_generation ON certifications;
DROP TRIGGER results_generation ON results;
DROP TRIGGER plan_snapshots_generation ON plan_snapshots;
DROP TRIGGER plan_freezes_generation ON plan_freezes;
DROP TRIGGER plan_targets_generation ON plan_targets;
DROP TRIGGER candidacy_blocks_generation ON candidacy_blocks;
DROP TRIGGER candidacies_state_generation ON candidacies;
DROP TRIGGER candidacies_generation ON candidacies;
DROP TRIGGER certificates_generation ON certificates;
DROP TRIGGER users_organisation_generation ON users;
DROP TRIGGER users_generation ON users;
DROP TRIGGER staff_generation ON staff;
DROP TRIGGER platform_partners_generation ON platform_partners;
DROP TRIGGER organisations_generation ON organisations;
DROP FUNCTION bump_generation();
DROP TABLE cache_generations;
DROP FUNCTION generations_only_rise();
