-- +goose Up
-- Signed minutes are stored as the printed document too, with its
-- SHA-256, in the same row (and the same transaction) as the signature:
-- the document the chair signed is the one served afterwards, byte for
-- byte, whatever later versions of the software would print.
ALTER TABLE jury_minutes ADD COLUMN pdf bytea, ADD COLUMN pdf_sha256 text,
  ADD CONSTRAINT jury_minutes_pdf_hash CHECK ((pdf IS NULL) = (pdf_sha256 IS NULL));

-- +goose Down
ALTER TABLE jury_minutes DROP COLUMN pdf, DROP COLUMN pdf_sha256;
