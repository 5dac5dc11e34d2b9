-- +goose Up
-- What other packages read of the portfolio's tables (issue 17 #5). The
-- portfolio owns candidacies and certificates and states here, once, what
-- a live candidacy is, so that the staff roster reads it without
-- repeating the portfolio's states. Read only: a simple view is
-- updatable, and writes through it would be checked against its owner's
-- rights, so the serving role may only SELECT from these.
CREATE VIEW held_certificates AS
  SELECT user_id, certification_code, number, awarded_on, candidacy_id FROM certificates;

-- A candidacy that is neither a draft nor over: since it was submitted
-- for admissibility (or opened), and whether any of its blocs is taken
-- by VAE.
CREATE VIEW live_candidacies AS
  SELECT c.id, c.candidate_id, c.certification_code, c.created_at,
    coalesce(c.admissibility_submitted_at, c.created_at)::date AS since,
    EXISTS (SELECT 1 FROM candidacy_blocks b WHERE b.candidacy_id = c.id AND b.pathway = 'vae') AS by_vae
  FROM candidacies c
  WHERE c.state NOT IN ('draft', 'withdrawn', 'not_admissible', 'closed');

REVOKE ALL ON held_certificates, live_candidacies FROM acquis_app;
GRANT SELECT ON held_certificates, live_candidacies TO acquis_app;

-- +goose Down
DROP VIEW live_candidacies;
DROP VIEW held_certificates;
