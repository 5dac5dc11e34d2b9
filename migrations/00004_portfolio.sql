-- +goose Up
-- Candidacies, their blocs and pathways, state transitions, documents
-- (every version kept), deposits, self-assessment, acquired blocs and
-- awarded certifications.

CREATE TABLE candidacies (
  id                       bigserial PRIMARY KEY,
  candidate_id             bigint NOT NULL REFERENCES users (id),
  certification_code       text   NOT NULL REFERENCES certifications (code),
  version_id               bigint NOT NULL REFERENCES certification_versions (id),
  organisation_id          bigint REFERENCES organisations (id),
  state                    text   NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'admissibility_submitted', 'admissible',
                             'incomplete', 'not_admissible', 'dossier_in_progress', 'dossier_submitted', 'evaluated', 'closed', 'withdrawn')),
  experience_months        int    NOT NULL DEFAULT 0 CHECK (experience_months BETWEEN 0 AND 720),
  experience_role          text   NOT NULL DEFAULT '',
  experience_employer      text   NOT NULL DEFAULT '',
  created_at               timestamptz NOT NULL DEFAULT now(),
  state_changed_at         timestamptz NOT NULL DEFAULT now(),
  admissibility_submitted_at timestamptz,
  admissibility_due        date,
  admissibility_decided_at timestamptz,
  admissibility_reasons    text   NOT NULL DEFAULT '',
  submitted_at             timestamptz,
  locked                   boolean NOT NULL DEFAULT false
);
CREATE INDEX candidacies_candidate_idx ON candidacies (candidate_id);
CREATE INDEX candidacies_state_idx ON candidacies (state);
CREATE INDEX candidacies_org_idx ON candidacies (organisation_id);

CREATE TABLE candidacy_blocks (
  candidacy_id bigint NOT NULL REFERENCES candidacies (id),
  block_code   text   NOT NULL,
  position     int    NOT NULL,
  pathway      text   NOT NULL CHECK (pathway IN ('formation', 'vae', 'equivalence')),
  PRIMARY KEY (candidacy_id, block_code)
);

CREATE TABLE candidacy_transitions (
  id           bigserial PRIMARY KEY,
  candidacy_id bigint NOT NULL REFERENCES candidacies (id),
  from_state   text   NOT NULL,
  to_state     text   NOT NULL,
  actor_id     bigint,
  reason       text   NOT NULL DEFAULT '',
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX candidacy_transitions_idx ON candidacy_transitions (candidacy_id, at);

CREATE TABLE documents (
  id               bigserial PRIMARY KEY,
  candidacy_id     bigint NOT NULL REFERENCES candidacies (id),
  block_code       text   NOT NULL,
  deliverable_code text   NOT NULL,
  version          int    NOT NULL,
  file_name        text   NOT NULL,
  sha256           text   NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes       bigint NOT NULL CHECK (size_bytes > 0),
  kind             text   NOT NULL,
  mime             text   NOT NULL,
  uploaded_by      bigint NOT NULL REFERENCES users (id),
  uploaded_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz,
  deleted_by       bigint REFERENCES users (id),
  UNIQUE (candidacy_id, deliverable_code, version)
);
CREATE INDEX documents_candidacy_idx ON documents (candidacy_id, deliverable_code);

-- A deposit is the submission of a dossier: its receipt lists each file
-- with its SHA-256, frozen at that moment.
CREATE TABLE deposits (
  id           bigserial PRIMARY KEY,
  candidacy_id bigint NOT NULL REFERENCES candidacies (id),
  number       int    NOT NULL,
  submitted_at timestamptz NOT NULL DEFAULT now(),
  submitted_by bigint NOT NULL REFERENCES users (id),
  files        jsonb  NOT NULL,
  UNIQUE (candidacy_id, number)
);
CREATE TRIGGER deposits_frozen BEFORE UPDATE OR DELETE ON deposits
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE self_assessments (
  candidacy_id    bigint NOT NULL REFERENCES candidacies (id),
  competence_code text   NOT NULL,
  level           int    NOT NULL CHECK (level BETWEEN 1 AND 5),
  comment         text   NOT NULL DEFAULT '' CHECK (length(comment) <= 4000),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (candidacy_id, competence_code)
);

-- Blocs are acquired for life: one row per person and bloc.
CREATE TABLE acquired_blocks (
  id                 bigserial PRIMARY KEY,
  user_id            bigint NOT NULL REFERENCES users (id),
  certification_code text   NOT NULL REFERENCES certifications (code),
  block_code         text   NOT NULL,
  acquired_on        date   NOT NULL,
  how                text   NOT NULL CHECK (how IN ('jury', 'equivalence')),
  source             text   NOT NULL,
  recorded_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, block_code)
);
CREATE TRIGGER acquired_blocks_frozen BEFORE UPDATE OR DELETE ON acquired_blocks
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE certificates (
  id                 bigserial PRIMARY KEY,
  user_id            bigint NOT NULL REFERENCES users (id),
  certification_code text   NOT NULL REFERENCES certifications (code),
  number             text   NOT NULL UNIQUE,
  awarded_on         date   NOT NULL,
  candidacy_id       bigint REFERENCES candidacies (id),
  recorded_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, certification_code)
);
CREATE TRIGGER certificates_frozen BEFORE UPDATE OR DELETE ON certificates
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- +goose Down
DROP TABLE certificates, acquired_blocks, self_assessments, deposits, documents, candidacy_transitions, candidacy_blocks, candidacies;
