-- +goose Up
-- Jury dates and composition, one live candidacy per certification,
-- équivalences and prerequisite evidence (issue 12, findings 11–15).

-- One live candidacy per candidate and certification: a second one, made
-- while the first can still lead to a jury, would split the dossier. Live
-- means any state but closed, withdrawn and not admissible. Older live
-- duplicates, if any, are closed first, the newest kept, and the closing
-- written in their history.
WITH ranked AS (
  SELECT id, state, row_number() OVER (PARTITION BY candidate_id, certification_code ORDER BY created_at DESC, id DESC) AS n
  FROM candidacies WHERE state NOT IN ('closed', 'withdrawn', 'not_admissible')
), closed AS (
  UPDATE candidacies c SET state = 'closed', state_changed_at = now() FROM ranked r
  WHERE r.id = c.id AND r.n > 1 RETURNING c.id, r.state
)
INSERT INTO candidacy_transitions (candidacy_id, from_state, to_state, reason)
SELECT id, state, 'closed', 'Candidature en double pour la même certification : close à la migration 00010, la plus récente reste ouverte.' FROM closed;

CREATE UNIQUE INDEX candidacies_one_live ON candidacies (candidate_id, certification_code)
  WHERE state NOT IN ('closed', 'withdrawn', 'not_admissible');

-- A session is planned at a date to come; the certifier may record a
-- session already held, saying why, and it stays marked as such.
ALTER TABLE jury_sessions
  ADD COLUMN recorded_after boolean NOT NULL DEFAULT false,
  ADD COLUMN past_reason    text    NOT NULL DEFAULT '' CHECK (length(past_reason) <= 1000),
  ADD CONSTRAINT jury_sessions_past_reason CHECK (NOT recorded_after OR btrim(past_reason) <> '');

-- A bloc is acquired, and a certification awarded, on the date of the jury
-- that decided it (or of the équivalence decision): never a date to come.
-- +goose StatementBegin
CREATE FUNCTION refuse_future_date() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d date;
BEGIN
  IF TG_TABLE_NAME = 'certificates' THEN
    d := NEW.awarded_on;
  ELSE
    d := NEW.acquired_on;
  END IF;
  IF d > (now() AT TIME ZONE 'Europe/Paris')::date THEN
    RAISE EXCEPTION '% : date % à venir refusée', TG_TABLE_NAME, d USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER acquired_blocks_not_future BEFORE INSERT ON acquired_blocks
  FOR EACH ROW EXECUTE FUNCTION refuse_future_date();
CREATE TRIGGER certificates_not_future BEFORE INSERT ON certificates
  FOR EACH ROW EXECUTE FUNCTION refuse_future_date();

-- The équivalences a certification's sources allow, part of each version.
ALTER TABLE certification_versions ADD COLUMN equivalences jsonb NOT NULL DEFAULT '[]';

-- A bloc targeted by équivalence is not presented to a jury: it has its
-- own record, with the candidate's proof and the certifier's decision, and
-- never a row in candidacy_blocks, which is what the jury reads. An
-- accepted équivalence acquires the bloc (acquired_blocks, how
-- 'equivalence'). Existing équivalence rows no jury has decided move here.
CREATE TABLE candidacy_equivalences (
  candidacy_id bigint NOT NULL REFERENCES candidacies (id),
  block_code   text   NOT NULL,
  position     int    NOT NULL,
  status       text   NOT NULL DEFAULT 'awaiting_proof' CHECK (status IN ('awaiting_proof', 'pending', 'accepted', 'refused')),
  document_id  bigint REFERENCES documents (id),
  basis        text   NOT NULL DEFAULT '',
  note         text   NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
  decided_by   bigint REFERENCES users (id),
  decided_at   timestamptz,
  PRIMARY KEY (candidacy_id, block_code),
  CHECK (status = 'awaiting_proof' OR document_id IS NOT NULL),
  CHECK (status NOT IN ('accepted', 'refused') OR (decided_by IS NOT NULL AND decided_at IS NOT NULL AND btrim(note) <> '')),
  CHECK (status <> 'accepted' OR btrim(basis) <> '')
);
WITH moved AS (
  DELETE FROM candidacy_blocks cb WHERE cb.pathway = 'equivalence'
    AND NOT EXISTS (SELECT 1 FROM jury_block_decisions d WHERE d.candidacy_id = cb.candidacy_id AND d.block_code = cb.block_code)
    AND NOT EXISTS (SELECT 1 FROM jury_verdicts v WHERE v.candidacy_id = cb.candidacy_id AND v.block_code = cb.block_code)
  RETURNING cb.candidacy_id, cb.block_code, cb.position
)
INSERT INTO candidacy_equivalences (candidacy_id, block_code, position) SELECT candidacy_id, block_code, position FROM moved;
ALTER TABLE candidacy_blocks ADD CONSTRAINT candidacy_blocks_not_equivalence CHECK (pathway <> 'equivalence') NOT VALID;

-- A prerequisite of entry into training (CASP: 18 months of professional
-- experience, fiche 002) is checked at admissibility on evidence the
-- candidate uploads (kept among the candidacy's documents), not on the
-- number typed at creation: the certifier records the months the evidence
-- shows and whether it is accepted.
CREATE TABLE candidacy_prerequisite_checks (
  candidacy_id      bigint NOT NULL REFERENCES candidacies (id),
  prerequisite_code text   NOT NULL,
  document_id       bigint NOT NULL REFERENCES documents (id),
  months            int    NOT NULL CHECK (months BETWEEN 0 AND 720),
  accepted          boolean NOT NULL,
  note              text   NOT NULL CHECK (btrim(note) <> '' AND length(note) <= 4000),
  checked_by        bigint NOT NULL REFERENCES users (id),
  checked_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (candidacy_id, prerequisite_code)
);

-- +goose Down
DROP TABLE candidacy_prerequisite_checks;
ALTER TABLE candidacy_blocks DROP CONSTRAINT candidacy_blocks_not_equivalence;
INSERT INTO candidacy_blocks (candidacy_id, block_code, position, pathway)
  SELECT candidacy_id, block_code, position, 'equivalence' FROM candidacy_equivalences;
DROP TABLE candidacy_equivalences;
ALTER TABLE certification_versions DROP COLUMN equivalences;
DROP TRIGGER certificates_not_future ON certificates;
DROP TRIGGER acquired_blocks_not_future ON acquired_blocks;
DROP FUNCTION refuse_future_date();
ALTER TABLE jury_sessions DROP CONSTRAINT jury_sessions_past_reason, DROP COLUMN past_reason, DROP COLUMN recorded_after;
DROP INDEX candidacies_one_live;
