-- +goose Up
-- Jury sessions: members, assignments of candidacies to evaluators,
-- declarations of no conflict, verdicts per criterion, decisions per bloc,
-- outcomes, signed minutes and amendments. Once a session is signed,
-- triggers refuse any change to what it decided: the database enforces it,
-- not only the application.

CREATE TABLE jury_profiles (
  user_id       bigint PRIMARY KEY REFERENCES users (id),
  gender        text   NOT NULL DEFAULT '' CHECK (gender IN ('', 'F', 'M')),
  college       text   NOT NULL DEFAULT 'professional' CHECK (college IN ('professional', 'employer_rep', 'employee_rep', 'certifier')),
  qualified_for text[] NOT NULL DEFAULT '{}'
);

-- Links a member declared with candidates (trained or accompanied them):
-- such an assignment is refused.
CREATE TABLE jury_declared_links (
  user_id      bigint NOT NULL REFERENCES users (id),
  candidate_id bigint NOT NULL REFERENCES users (id),
  kind         text   NOT NULL CHECK (kind IN ('trained', 'accompanied', 'other')),
  note         text   NOT NULL DEFAULT '',
  PRIMARY KEY (user_id, candidate_id)
);

CREATE TABLE jury_sessions (
  id                 bigserial PRIMARY KEY,
  certification_code text   NOT NULL REFERENCES certifications (code),
  starts_at          timestamptz NOT NULL,
  place              text   NOT NULL DEFAULT '',
  remote             boolean NOT NULL DEFAULT false,
  dossier_deadline   date   NOT NULL,
  status             text   NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'open', 'deliberating', 'signed')),
  created_by         bigint REFERENCES users (id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  opened_at          timestamptz,
  signed_at          timestamptz,
  signed_by          bigint REFERENCES users (id)
);

CREATE TABLE jury_members (
  session_id bigint  NOT NULL REFERENCES jury_sessions (id),
  user_id    bigint  NOT NULL REFERENCES users (id),
  college    text    NOT NULL,
  is_chair   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (session_id, user_id)
);
CREATE UNIQUE INDEX jury_members_one_chair ON jury_members (session_id) WHERE is_chair;

CREATE TABLE jury_assignments (
  session_id   bigint NOT NULL REFERENCES jury_sessions (id),
  candidacy_id bigint NOT NULL REFERENCES candidacies (id),
  PRIMARY KEY (session_id, candidacy_id)
);
CREATE UNIQUE INDEX jury_assignments_once ON jury_assignments (candidacy_id, session_id);

CREATE TABLE jury_evaluators (
  session_id      bigint NOT NULL,
  candidacy_id    bigint NOT NULL,
  evaluator_id    bigint NOT NULL REFERENCES users (id),
  declared_at     timestamptz,
  submitted_at    timestamptz,
  PRIMARY KEY (session_id, candidacy_id, evaluator_id),
  FOREIGN KEY (session_id, candidacy_id) REFERENCES jury_assignments (session_id, candidacy_id),
  FOREIGN KEY (session_id, evaluator_id) REFERENCES jury_members (session_id, user_id)
);
CREATE INDEX jury_evaluators_evaluator_idx ON jury_evaluators (evaluator_id);

CREATE TABLE jury_verdicts (
  session_id     bigint NOT NULL,
  candidacy_id   bigint NOT NULL,
  evaluator_id   bigint NOT NULL,
  block_code     text   NOT NULL,
  criterion_code text   NOT NULL,
  verdict        text   NOT NULL CHECK (verdict IN ('acquis', 'non_acquis')),
  comment        text   NOT NULL DEFAULT '' CHECK (length(comment) <= 4000),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, candidacy_id, evaluator_id, criterion_code),
  FOREIGN KEY (session_id, candidacy_id, evaluator_id) REFERENCES jury_evaluators (session_id, candidacy_id, evaluator_id),
  CHECK (verdict = 'acquis' OR btrim(comment) <> '')
);

CREATE TABLE jury_block_decisions (
  session_id   bigint NOT NULL,
  candidacy_id bigint NOT NULL,
  block_code   text   NOT NULL,
  proposal     text   NOT NULL CHECK (proposal IN ('valide', 'non_valide', 'egalite')),
  decision     text   NOT NULL CHECK (decision IN ('valide', 'non_valide')),
  reason       text   NOT NULL DEFAULT '',
  decided_by   bigint NOT NULL REFERENCES users (id),
  decided_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, candidacy_id, block_code),
  FOREIGN KEY (session_id, candidacy_id) REFERENCES jury_assignments (session_id, candidacy_id),
  CHECK (proposal = decision OR proposal = 'egalite' OR btrim(reason) <> '')
);

CREATE TABLE jury_outcomes (
  session_id      bigint NOT NULL,
  candidacy_id    bigint NOT NULL,
  outcome         text   NOT NULL CHECK (outcome IN ('reussite_totale', 'reussite_partielle', 'non_validation', 'absent', 'excuse')),
  preconisations  text   NOT NULL DEFAULT '',
  decided_by      bigint NOT NULL REFERENCES users (id),
  decided_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, candidacy_id),
  FOREIGN KEY (session_id, candidacy_id) REFERENCES jury_assignments (session_id, candidacy_id),
  CHECK (outcome <> 'reussite_partielle' OR btrim(preconisations) <> '')
);

-- Minutes: version 1 is written at signing; an amendment is a new signed
-- version naming the one it replaces, with its reason and its changes.
CREATE TABLE jury_minutes (
  id          bigserial PRIMARY KEY,
  session_id  bigint NOT NULL REFERENCES jury_sessions (id),
  version     int    NOT NULL,
  supersedes  bigint REFERENCES jury_minutes (id),
  reason      text   NOT NULL DEFAULT '',
  changes     jsonb  NOT NULL DEFAULT '[]',
  content     jsonb  NOT NULL,
  sha256      text   NOT NULL,
  signed_by   bigint NOT NULL REFERENCES users (id),
  signed_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (session_id, version),
  CHECK (version = 1 OR (supersedes IS NOT NULL AND btrim(reason) <> ''))
);
CREATE TRIGGER jury_minutes_frozen BEFORE UPDATE OR DELETE ON jury_minutes
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- +goose StatementBegin
CREATE FUNCTION jury_refuse_after_signing() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sid bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    sid := OLD.session_id;
  ELSE
    sid := NEW.session_id;
  END IF;
  IF EXISTS (SELECT 1 FROM jury_sessions WHERE id = sid AND status = 'signed') THEN
    RAISE EXCEPTION 'la session de jury % est signée : % refusé sur %', sid, TG_OP, TG_TABLE_NAME
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION jury_session_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'signed' THEN
    RAISE EXCEPTION 'la session de jury % est signée : % refusé', OLD.id, TG_OP
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
-- +goose StatementEnd

CREATE TRIGGER jury_sessions_frozen BEFORE UPDATE OR DELETE ON jury_sessions
  FOR EACH ROW EXECUTE FUNCTION jury_session_frozen();
CREATE TRIGGER jury_members_signed BEFORE INSERT OR UPDATE OR DELETE ON jury_members
  FOR EACH ROW EXECUTE FUNCTION jury_refuse_after_signing();
CREATE TRIGGER jury_assignments_signed BEFORE INSERT OR UPDATE OR DELETE ON jury_assignments
  FOR EACH ROW EXECUTE FUNCTION jury_refuse_after_signing();
CREATE TRIGGER jury_evaluators_signed BEFORE INSERT OR UPDATE OR DELETE ON jury_evaluators
  FOR EACH ROW EXECUTE FUNCTION jury_refuse_after_signing();
CREATE TRIGGER jury_verdicts_signed BEFORE INSERT OR UPDATE OR DELETE ON jury_verdicts
  FOR EACH ROW EXECUTE FUNCTION jury_refuse_after_signing();
CREATE TRIGGER jury_block_decisions_signed BEFORE INSERT OR UPDATE OR DELETE ON jury_block_decisions
  FOR EACH ROW EXECUTE FUNCTION jury_refuse_after_signing();
CREATE TRIGGER jury_outcomes_signed BEFORE INSERT OR UPDATE OR DELETE ON jury_outcomes
  FOR EACH ROW EXECUTE FUNCTION jury_refuse_after_signing();

-- +goose Down
DROP TABLE jury_minutes, jury_outcomes, jury_block_decisions, jury_verdicts, jury_evaluators, jury_assignments, jury_members, jury_sessions, jury_declared_links, jury_profiles;
DROP FUNCTION jury_refuse_after_signing(), jury_session_frozen();
