-- +goose Up
-- A deliverable may be one file shared by several blocs of a certification
-- (issue 18 #5: CASP blocs 1 and 2 are both assessed on one mémoire
-- professionnel). Deliverables sharing a key are handed in once: the
-- candidate's file is stored under the key and counts for each of them.
-- NULL: the deliverable's file is its own (every référentiel before this).
ALTER TABLE deliverables ADD COLUMN shared_key text CHECK (shared_key IS NULL OR btrim(shared_key) <> '');

-- +goose Down
ALTER TABLE deliverables DROP COLUMN shared_key;
