-- +goose Up
-- Deliberation as art. D6412-6 of the code du travail has it: the jury
-- decides by a majority of the members present, its president's vote
-- settling an equal split. Every member (not only the evaluators) signs a
-- no-conflict declaration per candidate; a member in conflict takes no
-- part in that candidate's deliberation; evaluators whose grid was not in
-- when the deliberation opened are left out, and the minutes say so.

-- One row per member and candidate: the declaration of no conflict
-- (conflict = false) or the member's own statement of a conflict
-- (conflict = true, with its note), which recuses them.
CREATE TABLE jury_declarations (
  session_id   bigint  NOT NULL,
  candidacy_id bigint  NOT NULL,
  user_id      bigint  NOT NULL,
  conflict     boolean NOT NULL DEFAULT false,
  note         text    NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  declared_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, candidacy_id, user_id),
  FOREIGN KEY (session_id, candidacy_id) REFERENCES jury_assignments (session_id, candidacy_id),
  FOREIGN KEY (session_id, user_id) REFERENCES jury_members (session_id, user_id),
  CHECK (NOT conflict OR btrim(note) <> '')
);
-- Evaluators who declared before this migration keep their declaration.
INSERT INTO jury_declarations (session_id, candidacy_id, user_id, declared_at)
  SELECT session_id, candidacy_id, evaluator_id, declared_at FROM jury_evaluators WHERE declared_at IS NOT NULL;

-- Who sat at the deliberation, recorded when it opens.
CREATE TABLE jury_attendance (
  session_id bigint  NOT NULL,
  user_id    bigint  NOT NULL,
  present    boolean NOT NULL,
  PRIMARY KEY (session_id, user_id),
  FOREIGN KEY (session_id, user_id) REFERENCES jury_members (session_id, user_id)
);

-- An evaluator whose grid was unfinished when the deliberation opened,
-- left out with the certifier's confirmation: the grid counts for nothing
-- and the member takes no part in that candidate's deliberation.
ALTER TABLE jury_evaluators ADD COLUMN left_out_at timestamptz, ADD COLUMN left_out_reason text NOT NULL DEFAULT '',
  ADD CONSTRAINT jury_evaluators_left_out CHECK (left_out_at IS NULL OR (submitted_at IS NULL AND btrim(left_out_reason) <> ''));

-- Each present member's vote on each bloc.
CREATE TABLE jury_votes (
  session_id   bigint NOT NULL,
  candidacy_id bigint NOT NULL,
  block_code   text   NOT NULL,
  user_id      bigint NOT NULL,
  vote         text   NOT NULL CHECK (vote IN ('valide', 'non_valide')),
  voted_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, candidacy_id, block_code, user_id),
  FOREIGN KEY (session_id, candidacy_id) REFERENCES jury_assignments (session_id, candidacy_id),
  FOREIGN KEY (session_id, user_id) REFERENCES jury_members (session_id, user_id)
);

-- The decision keeps the count it rests on and whether the president's
-- casting vote settled it.
ALTER TABLE jury_block_decisions ADD COLUMN votes_valide int NOT NULL DEFAULT 0, ADD COLUMN votes_non_valide int NOT NULL DEFAULT 0,
  ADD COLUMN casting_vote boolean NOT NULL DEFAULT false;

CREATE TRIGGER jury_declarations_signed BEFORE INSERT OR UPDATE OR DELETE ON jury_declarations
  FOR EACH ROW EXECUTE FUNCTION jury_refuse_after_signing();
CREATE TRIGGER jury_attendance_signed BEFORE INSERT OR UPDATE OR DELETE ON jury_attendance
  FOR EACH ROW EXECUTE FUNCTION jury_refuse_after_signing();
CREATE TRIGGER jury_votes_signed BEFORE INSERT OR UPDATE OR DELETE ON jury_votes
  FOR EACH ROW EXECUTE FUNCTION jury_refuse_after_signing();

-- jury_conflicts says, for every member of a session and every candidacy
-- on it, why the member may not take part, if anything does: being the
-- candidate, the same organisation (the candidacy's or the candidate's,
-- or a carrying organisation of that platform), a declared link (trained,
-- accompanied, other), or the member's own statement. It applies to every
-- member, the president included.
CREATE VIEW jury_conflicts AS
SELECT * FROM (
  SELECT m.session_id, a.candidacy_id, m.user_id,
    CASE
      WHEN m.user_id = c.candidate_id THEN 'self'
      WHEN u.organisation_id IS NOT NULL AND (u.organisation_id = c.organisation_id OR u.organisation_id = cu.organisation_id) THEN 'organisation'
      WHEN u.organisation_id IS NOT NULL AND EXISTS (SELECT 1 FROM platform_partners pp
        WHERE pp.platform_id IN (c.organisation_id, cu.organisation_id) AND pp.organisation_id = u.organisation_id) THEN 'platform'
      WHEN l.kind IS NOT NULL THEN 'link_' || l.kind
      WHEN d.conflict THEN 'declared'
    END AS reason
  FROM jury_members m
  JOIN jury_assignments a ON a.session_id = m.session_id
  JOIN candidacies c ON c.id = a.candidacy_id
  JOIN users cu ON cu.id = c.candidate_id
  JOIN users u ON u.id = m.user_id
  LEFT JOIN jury_declared_links l ON l.user_id = m.user_id AND l.candidate_id = c.candidate_id
  LEFT JOIN jury_declarations d ON d.session_id = m.session_id AND d.candidacy_id = a.candidacy_id AND d.user_id = m.user_id
) x WHERE reason IS NOT NULL;

-- +goose Down
DROP VIEW jury_conflicts;
DROP TABLE jury_votes, jury_attendance, jury_declarations;
ALTER TABLE jury_evaluators DROP CONSTRAINT jury_evaluators_left_out, DROP COLUMN left_out_at, DROP COLUMN left_out_reason;
ALTER TABLE jury_block_decisions DROP COLUMN votes_valide, DROP COLUMN votes_non_valide, DROP COLUMN casting_vote;
