-- +goose Up
-- The annual follow-up indicator (seed 001, « suivi annuel » ; issue 14
-- #3): each year's figures frozen at 31 December, per platform, région
-- and nation. A freeze is never changed: a correction is a new freeze of
-- the same year that says why, and the latest one stands.
CREATE TABLE plan_freezes (
  id          bigserial PRIMARY KEY,
  year        int    NOT NULL CHECK (year BETWEEN 2026 AND 2100),
  taken_at    timestamptz NOT NULL DEFAULT now(),
  taken_by    bigint REFERENCES users (id), -- NULL: the server's housekeeping or the command line
  correction  text   CHECK (correction IS NULL OR (btrim(correction) <> '' AND length(correction) <= 500))
);
-- One first freeze per year; corrections come after it.
CREATE UNIQUE INDEX plan_freezes_year_key ON plan_freezes (year) WHERE correction IS NULL;

CREATE TABLE plan_snapshots (
  freeze_id            bigint NOT NULL REFERENCES plan_freezes (id),
  scope                text   NOT NULL CHECK (scope IN ('platform', 'region', 'nation')),
  platform_id          bigint REFERENCES organisations (id),
  region_code          text   NOT NULL DEFAULT '',
  holders              int    NOT NULL CHECK (holders >= 0),
  baseline             int    NOT NULL CHECK (baseline >= 0),
  left_plan            int    NOT NULL CHECK (left_plan >= 0),
  certified            int    NOT NULL CHECK (certified >= 0),
  cumulative_target    int    NOT NULL CHECK (cumulative_target >= 0),
  cumulative_certified int    NOT NULL CHECK (cumulative_certified >= 0),
  CHECK ((scope = 'platform') = (platform_id IS NOT NULL)),
  CHECK (scope <> 'region' OR region_code <> '')
);
CREATE UNIQUE INDEX plan_snapshots_key ON plan_snapshots (freeze_id, scope, coalesce(platform_id, 0), region_code);

-- Append-only for the serving role, and for the owner through the triggers.
REVOKE UPDATE, DELETE ON plan_freezes, plan_snapshots FROM acquis_app;
CREATE TRIGGER plan_freezes_frozen BEFORE UPDATE OR DELETE ON plan_freezes FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER plan_snapshots_frozen BEFORE UPDATE OR DELETE ON plan_snapshots FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER plan_freezes_no_truncate BEFORE TRUNCATE ON plan_freezes FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER plan_snapshots_no_truncate BEFORE TRUNCATE ON plan_snapshots FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- Staffing indicators (seed 001, « Indicateurs relatifs aux ressources
-- mobilisées » ; issue 14 #5): the persons each counsellor accompanies
-- today, of whom how many are in « veille ». NULL: not said.
ALTER TABLE staff ADD COLUMN persons_accompanied int CHECK (persons_accompanied BETWEEN 0 AND 1000),
  ADD COLUMN persons_veille int CHECK (persons_veille >= 0),
  ADD CONSTRAINT staff_veille_within CHECK (persons_veille IS NULL OR (persons_accompanied IS NOT NULL AND persons_veille <= persons_accompanied));

-- Equivalent certifications (issue 14 #8): the list the certifier keeps
-- of the titles recognised as equivalent (seed 001: « certification
-- reconnue comme équivalente par l'autorité nationale compétente »), each
-- with the reference of the decision. A roster entry « titulaire d'une
-- certification équivalente » names one of them, never free text.
CREATE TABLE equivalent_certifications (
  id           bigserial PRIMARY KEY,
  title        text   NOT NULL CHECK (btrim(title) = title AND title <> '' AND length(title) <= 200),
  decision_ref text   NOT NULL CHECK (btrim(decision_ref) <> '' AND length(decision_ref) <= 200),
  decided_on   date   NOT NULL,
  created_by   bigint REFERENCES users (id),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX equivalent_certifications_title_key ON equivalent_certifications (lower(title));
REVOKE UPDATE, DELETE ON equivalent_certifications FROM acquis_app;
CREATE TRIGGER equivalent_certifications_frozen BEFORE UPDATE OR DELETE ON equivalent_certifications FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER equivalent_certifications_no_truncate BEFORE TRUNCATE ON equivalent_certifications FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

ALTER TABLE staff ADD COLUMN equivalent_id bigint REFERENCES equivalent_certifications (id);
CREATE INDEX staff_equivalent_idx ON staff (equivalent_id) WHERE equivalent_id IS NOT NULL;
-- A status or a certification set from now on must name the list; rows
-- recorded before the list (free text) stay readable and are flagged
-- until the manager picks the title (a departure does not need it).
-- +goose StatementBegin
CREATE FUNCTION staff_equivalent_listed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'equivalent' AND NEW.equivalent_id IS NULL THEN
    RAISE EXCEPTION 'staff %: an equivalent certification must be one of the certifier''s list', NEW.id
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.equivalent_id IS NOT NULL THEN
    NEW.equivalent_name := (SELECT title FROM equivalent_certifications WHERE id = NEW.equivalent_id);
  END IF;
  RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER staff_equivalent_listed BEFORE INSERT OR UPDATE OF status, equivalent_id, equivalent_name ON staff
  FOR EACH ROW EXECUTE FUNCTION staff_equivalent_listed();

-- +goose Down
DROP TRIGGER staff_equivalent_listed ON staff;
DROP FUNCTION staff_equivalent_listed();
ALTER TABLE staff DROP COLUMN equivalent_id;
DROP TABLE equivalent_certifications;
ALTER TABLE staff DROP COLUMN persons_veille, DROP COLUMN persons_accompanied;
DROP TABLE plan_snapshots, plan_freezes;
