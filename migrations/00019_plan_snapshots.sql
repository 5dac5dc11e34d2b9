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

-- +goose Down
ALTER TABLE staff DROP COLUMN persons_veille, DROP COLUMN persons_accompanied;
DROP TABLE plan_snapshots, plan_freezes;
