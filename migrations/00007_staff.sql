-- +goose Up
-- The platforms' staff and the five-year professionalisation plan
-- (2026–2030), from the cahier des charges (seed 001, box « PLAN DE MONTÉE
-- EN COMPÉTENCES… »). A staff member's certification status is recorded
-- by the manager; when the person has an account with a candidacy for
-- RNCP37779, the status is derived from it instead (internal/staff).
CREATE TABLE staff (
  id                   bigserial PRIMARY KEY,
  platform_id          bigint  NOT NULL REFERENCES organisations (id),
  full_name            text    NOT NULL CHECK (btrim(full_name) <> '' AND length(full_name) <= 200),
  email                text    CHECK (email IS NULL OR (email LIKE '%_@_%' AND length(email) <= 254)),
  user_id              bigint  REFERENCES users (id),
  function             text    NOT NULL CHECK (function IN ('conseiller', 'chef_de_service', 'responsable_dispositif', 'coordination')),
  fte                  numeric(3, 2) NOT NULL CHECK (fte > 0 AND fte <= 1),
  hired_on             date    NOT NULL,
  left_on              date    CHECK (left_on IS NULL OR left_on >= hired_on),
  employer             text    NOT NULL DEFAULT '' CHECK (length(employer) <= 200),
  status               text    NOT NULL DEFAULT 'not_engaged'
                               CHECK (status IN ('holder', 'equivalent', 'training', 'vae', 'not_engaged')),
  status_on            date,   -- holder/equivalent: obtained on; training/VAE: engaged on
  certificate_number   text    NOT NULL DEFAULT '' CHECK (length(certificate_number) <= 60),
  equivalent_name      text    NOT NULL DEFAULT '' CHECK (length(equivalent_name) <= 200),
  training_body        text    NOT NULL DEFAULT '' CHECK (length(training_body) <= 200),
  training_end         date,   -- expected end of the training or VAE
  planned_year         int     CHECK (planned_year BETWEEN 2026 AND 2030),
  supervisor_training  text    NOT NULL DEFAULT 'todo' CHECK (supervisor_training IN ('todo', 'planned', 'done')),
  supervisor_training_on date,
  evidence_sha256      text,
  evidence_name        text    NOT NULL DEFAULT '',
  evidence_mime        text    NOT NULL DEFAULT '',
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (status IN ('not_engaged') OR status_on IS NOT NULL),
  CHECK (status <> 'equivalent' OR btrim(equivalent_name) <> '')
);
CREATE UNIQUE INDEX staff_email_key ON staff (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX staff_platform_idx ON staff (platform_id);
CREATE INDEX staff_user_idx ON staff (user_id) WHERE user_id IS NOT NULL;

-- The plan's yearly targets, when the manager changed the default (the
-- baseline spread evenly, earlier years first). A row keeps its reason.
CREATE TABLE plan_targets (
  platform_id bigint NOT NULL REFERENCES organisations (id),
  year        int    NOT NULL CHECK (year BETWEEN 2026 AND 2030),
  target      int    NOT NULL CHECK (target >= 0 AND target <= 10000),
  reason      text   NOT NULL CHECK (btrim(reason) <> ''),
  updated_by  bigint NOT NULL REFERENCES users (id),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform_id, year)
);

-- +goose Down
DROP TABLE plan_targets, staff;
