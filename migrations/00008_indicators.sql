-- +goose Up
-- What the indicators, the regulatory exports and the national pilot's API
-- read.
--
-- results and block_results are the decisions of signed sessions as the
-- current version of the minutes states them (an amendment rewrites them),
-- with what the filters need copied beside them (certification, session
-- date, organisation, région, pathways), so that indicators at national
-- scale read one indexed table instead of re-reading every minutes
-- document. They are written in the transaction that signs or amends;
-- the signed minutes stay the authority.

CREATE TABLE results (
  session_id         bigint NOT NULL REFERENCES jury_sessions (id),
  candidacy_id       bigint NOT NULL REFERENCES candidacies (id),
  candidate_id       bigint NOT NULL REFERENCES users (id),
  certification_code text   NOT NULL,
  session_date       date   NOT NULL,
  organisation_id    bigint,
  region_code        text,
  pathways           text[] NOT NULL,
  outcome            text   NOT NULL,
  submitted_at       timestamptz,
  PRIMARY KEY (session_id, candidacy_id)
);
CREATE INDEX results_date_idx ON results (session_date, certification_code);

CREATE TABLE block_results (
  session_id         bigint NOT NULL,
  candidacy_id       bigint NOT NULL,
  block_code         text   NOT NULL,
  certification_code text   NOT NULL,
  session_date       date   NOT NULL,
  organisation_id    bigint,
  region_code        text,
  pathway            text   NOT NULL,
  presented          boolean NOT NULL,
  decision           text   NOT NULL,
  -- evaluators is how many members scored the bloc; non_acquis holds one
  -- criterion code per `non acquis` verdict, so a criterion's share is
  -- count(code) / sum(evaluators).
  evaluators         int    NOT NULL,
  non_acquis         text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (session_id, candidacy_id, block_code),
  FOREIGN KEY (session_id, candidacy_id) REFERENCES results (session_id, candidacy_id)
);
CREATE INDEX block_results_date_idx ON block_results (session_date, certification_code);

-- The civil status the Caisse des Dépôts flow asks for (accrochage to the
-- CPF / passeport de compétences). Collected on the candidate's profile,
-- with its purpose stated there.
CREATE TABLE civil_status (
  user_id          bigint PRIMARY KEY REFERENCES users (id),
  birth_name       text NOT NULL CHECK (btrim(birth_name) <> '' AND length(birth_name) <= 60),
  usage_name       text NOT NULL DEFAULT '' CHECK (length(usage_name) <= 60),
  first_name1      text NOT NULL CHECK (btrim(first_name1) <> '' AND length(first_name1) <= 60),
  first_name2      text NOT NULL DEFAULT '' CHECK (length(first_name2) <= 60),
  first_name3      text NOT NULL DEFAULT '' CHECK (length(first_name3) <= 60),
  birth_date       date NOT NULL CHECK (birth_date BETWEEN '1900-01-01' AND '2099-12-31'),
  sex              text NOT NULL CHECK (sex IN ('M', 'F')),
  birth_insee      text NOT NULL CHECK (birth_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
  birth_commune    text NOT NULL DEFAULT '' CHECK (length(birth_commune) <= 60),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Follow-up answers: where certified people are 6 months and 2 years
-- after certification (France Compétences asks certifiers for insertion
-- rates).
CREATE TABLE followups (
  certificate_id bigint NOT NULL REFERENCES certificates (id),
  horizon        text   NOT NULL CHECK (horizon IN ('6m', '24m')),
  situation      text   NOT NULL CHECK (situation IN ('emploi_metier', 'emploi_autre', 'formation', 'sans_emploi', 'sans_reponse')),
  answered_on    date   NOT NULL,
  recorded_by    bigint REFERENCES users (id),
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (certificate_id, horizon)
);

-- API keys for the national pilot's tools: only the SHA-256 of the token
-- is kept; a key is national (region_code NULL) or limited to a région.
CREATE TABLE api_keys (
  id           bigserial PRIMARY KEY,
  name         text   NOT NULL CHECK (btrim(name) <> ''),
  prefix       text   NOT NULL,
  token_hash   text   NOT NULL UNIQUE,
  region_code  text,
  created_by   bigint REFERENCES users (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  revoked_by   bigint REFERENCES users (id),
  last_used_at timestamptz
);

CREATE INDEX certificates_awarded_idx ON certificates (awarded_on);
CREATE INDEX candidacies_created_idx ON candidacies (candidate_id, created_at);

-- project_results rewrites the projection of signed sessions from the
-- current version of their minutes, set-based (the national demo projects
-- thousands of sessions at once); signing and amending call it for their
-- one session, in their transaction.
-- +goose StatementBegin
CREATE FUNCTION project_results(sids bigint[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM block_results WHERE session_id = ANY (sids);
  DELETE FROM results WHERE session_id = ANY (sids);
  WITH m AS (
    SELECT DISTINCT ON (session_id) session_id, content FROM jury_minutes
    WHERE session_id = ANY (sids) ORDER BY session_id, version DESC
  ), lines AS (
    SELECT m.session_id, (l->>'candidacy_id')::bigint AS candidacy_id, l->>'outcome' AS outcome,
           CASE jsonb_typeof(l->'decisions') WHEN 'array' THEN l->'decisions' ELSE '[]'::jsonb END AS decisions
    FROM m CROSS JOIN LATERAL jsonb_array_elements(m.content->'candidates') l
  ), r AS (
    INSERT INTO results (session_id, candidacy_id, candidate_id, certification_code, session_date, organisation_id, region_code, pathways, outcome, submitted_at)
    SELECT lines.session_id, c.id, c.candidate_id, c.certification_code, (s.starts_at AT TIME ZONE 'Europe/Paris')::date, c.organisation_id, o.region_code,
           ARRAY(SELECT DISTINCT cb.pathway FROM candidacy_blocks cb WHERE cb.candidacy_id = c.id ORDER BY 1), lines.outcome, c.submitted_at
    FROM lines
    JOIN candidacies c ON c.id = lines.candidacy_id
    JOIN jury_sessions s ON s.id = lines.session_id
    LEFT JOIN organisations o ON o.id = c.organisation_id
    RETURNING *
  ), v AS (
    SELECT session_id, candidacy_id, block_code, count(DISTINCT evaluator_id)::int AS evaluators,
           coalesce(array_agg(criterion_code ORDER BY criterion_code) FILTER (WHERE verdict = 'non_acquis'), '{}') AS non_acquis
    FROM jury_verdicts WHERE session_id = ANY (sids) GROUP BY 1, 2, 3
  )
  INSERT INTO block_results (session_id, candidacy_id, block_code, certification_code, session_date, organisation_id, region_code, pathway, presented, decision, evaluators, non_acquis)
  SELECT r.session_id, r.candidacy_id, d->>'block_code', r.certification_code, r.session_date, r.organisation_id, r.region_code,
         cb.pathway, r.outcome NOT IN ('absent', 'excuse'), d->>'decision', coalesce(v.evaluators, 0), coalesce(v.non_acquis, '{}')
  FROM r
  JOIN lines ON lines.session_id = r.session_id AND lines.candidacy_id = r.candidacy_id
  CROSS JOIN LATERAL jsonb_array_elements(lines.decisions) d
  JOIN candidacy_blocks cb ON cb.candidacy_id = r.candidacy_id AND cb.block_code = d->>'block_code'
  LEFT JOIN v ON v.session_id = r.session_id AND v.candidacy_id = r.candidacy_id AND v.block_code = d->>'block_code';
$$;
-- +goose StatementEnd

SELECT project_results(coalesce(array_agg(id), '{}')) FROM jury_sessions WHERE status = 'signed';

-- +goose Down
DROP TABLE api_keys, followups, civil_status, block_results, results;
DROP INDEX certificates_awarded_idx, candidacies_created_idx;
DROP FUNCTION project_results(bigint[]);
