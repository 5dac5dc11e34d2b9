-- +goose Up
-- A template (modèle) the certifier offers for a deliverable (issue 18 #6):
-- candidates of the certification download it from their candidacy page.
-- Keyed by the certification and the deliverable's code, which a new
-- version of the référentiel keeps, so a template outlives a version.
-- Append-only: a new upload supersedes the previous one, which stays for
-- the history; the latest row is the one offered.
CREATE TABLE deliverable_templates (
  id                 bigserial PRIMARY KEY,
  certification_code text   NOT NULL REFERENCES certifications (code),
  deliverable_code   text   NOT NULL CHECK (btrim(deliverable_code) <> ''),
  file_name          text   NOT NULL,
  sha256             text   NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes         bigint NOT NULL CHECK (size_bytes > 0),
  kind               text   NOT NULL,
  mime               text   NOT NULL,
  uploaded_by        bigint NOT NULL REFERENCES users (id),
  uploaded_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliverable_templates_latest_idx ON deliverable_templates (certification_code, deliverable_code, id DESC);
CREATE TRIGGER deliverable_templates_frozen BEFORE UPDATE OR DELETE ON deliverable_templates
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER deliverable_templates_no_truncate BEFORE TRUNCATE ON deliverable_templates
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
REVOKE UPDATE, DELETE ON deliverable_templates FROM acquis_app;

-- +goose Down
DROP TABLE deliverable_templates;
