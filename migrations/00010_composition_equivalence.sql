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

-- +goose Down
DROP TRIGGER certificates_not_future ON certificates;
DROP TRIGGER acquired_blocks_not_future ON acquired_blocks;
DROP FUNCTION refuse_future_date();
ALTER TABLE jury_sessions DROP CONSTRAINT jury_sessions_past_reason, DROP COLUMN past_reason, DROP COLUMN recorded_after;
DROP INDEX candidacies_one_live;
