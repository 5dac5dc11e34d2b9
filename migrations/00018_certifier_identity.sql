-- +goose Up
-- The certifier's identity as printed on every document: one row, set by
-- the certifier's administrators (internal/certifier). The logo is kept
-- as uploaded (PNG or JPEG, checked by content, at most 512 KB).
CREATE TABLE certifier_identity (
  id                 smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  name               text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  address            text        NOT NULL DEFAULT '' CHECK (length(address) <= 500),
  signatory_name     text        NOT NULL CHECK (length(btrim(signatory_name)) BETWEEN 1 AND 120),
  signatory_function text        NOT NULL CHECK (length(btrim(signatory_function)) BETWEEN 1 AND 120),
  rncp_reference     text        NOT NULL DEFAULT '' CHECK (length(rncp_reference) <= 120),
  logo               bytea,
  logo_type          text        CHECK (logo_type IN ('image/png', 'image/jpeg')),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  updated_by         bigint      REFERENCES users (id),
  CHECK ((logo IS NULL) = (logo_type IS NULL)),
  CHECK (logo IS NULL OR octet_length(logo) <= 524288)
);

-- +goose Down
DROP TABLE certifier_identity;
