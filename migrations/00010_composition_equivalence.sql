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

-- +goose Down
DROP INDEX candidacies_one_live;
