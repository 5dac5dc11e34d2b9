-- +goose Up
-- Référentiels are versioned by the SHA-256 of their source file. A version
-- is immutable once loaded: candidacies and jury grids point at it, so a
-- changed file becomes a new version and the old one stays as it was.

-- +goose StatementBegin
CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'la table % est en écriture unique : % refusé', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
-- +goose StatementEnd

CREATE TABLE certifications (
  code               text PRIMARY KEY,
  title              text NOT NULL,
  level              int  NOT NULL CHECK (level BETWEEN 1 AND 8),
  certifier          text NOT NULL,
  current_version_id bigint
);

CREATE TABLE certification_versions (
  id                 bigserial PRIMARY KEY,
  certification_code text NOT NULL REFERENCES certifications (code),
  content_hash       text NOT NULL UNIQUE,
  title              text NOT NULL,
  level              int  NOT NULL,
  certifier          text NOT NULL,
  source             text NOT NULL DEFAULT '',
  notes              text NOT NULL DEFAULT '',
  prerequisites      jsonb NOT NULL DEFAULT '[]',
  loaded_at          timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE certifications
  ADD CONSTRAINT certifications_current_version_fk
  FOREIGN KEY (current_version_id) REFERENCES certification_versions (id);

CREATE TABLE blocks (
  id         bigserial PRIMARY KEY,
  version_id bigint NOT NULL REFERENCES certification_versions (id),
  code       text   NOT NULL,
  position   int    NOT NULL,
  title      text   NOT NULL,
  activities jsonb  NOT NULL DEFAULT '[]',
  UNIQUE (version_id, code)
);

CREATE TABLE competences (
  id       bigserial PRIMARY KEY,
  block_id bigint NOT NULL REFERENCES blocks (id),
  code     text   NOT NULL,
  position int    NOT NULL,
  label    text   NOT NULL,
  items    jsonb  NOT NULL DEFAULT '[]',
  UNIQUE (block_id, code)
);

CREATE TABLE deliverables (
  id             bigserial PRIMARY KEY,
  block_id       bigint  NOT NULL REFERENCES blocks (id),
  code           text    NOT NULL,
  position       int     NOT NULL,
  kind           text    NOT NULL,
  label          text    NOT NULL,
  description    text    NOT NULL DEFAULT '',
  contents       jsonb   NOT NULL DEFAULT '[]',
  max_pages      int,
  upload         boolean NOT NULL,
  accepted_types text[]  NOT NULL DEFAULT '{}',
  UNIQUE (block_id, code)
);

CREATE TABLE criteria (
  id              bigserial PRIMARY KEY,
  block_id        bigint NOT NULL REFERENCES blocks (id),
  code            text   NOT NULL,
  position        int    NOT NULL,
  label           text   NOT NULL,
  competence_code text,
  UNIQUE (block_id, code)
);

CREATE INDEX blocks_version_idx ON blocks (version_id, position);
CREATE INDEX competences_block_idx ON competences (block_id, position);
CREATE INDEX deliverables_block_idx ON deliverables (block_id, position);
CREATE INDEX criteria_block_idx ON criteria (block_id, position);

CREATE TRIGGER certification_versions_frozen BEFORE UPDATE OR DELETE ON certification_versions
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER blocks_frozen BEFORE UPDATE OR DELETE ON blocks
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER competences_frozen BEFORE UPDATE OR DELETE ON competences
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER deliverables_frozen BEFORE UPDATE OR DELETE ON deliverables
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER criteria_frozen BEFORE UPDATE OR DELETE ON criteria
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- +goose Down
DROP TABLE criteria, deliverables, competences, blocks;
ALTER TABLE certifications DROP CONSTRAINT certifications_current_version_fk;
DROP TABLE certification_versions, certifications;
DROP FUNCTION forbid_change();
