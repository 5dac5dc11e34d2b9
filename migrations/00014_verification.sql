-- +goose Up
-- Every certificate and bloc attestation gets a random verification code
-- (96 bits from the server's strong random source, not derived from the
-- certificate number), printed on the document and opened at
-- /verifier/{code}. A trigger gives the code in the statement that
-- records the certificate or the bloc, whichever path inserts it (jury
-- signature, amendment, equivalence, bulk COPY of the demo history).
CREATE TABLE verification_codes (
  code              text   PRIMARY KEY CHECK (code ~ '^[0-9a-f]{24}$'),
  certificate_id    bigint UNIQUE REFERENCES certificates (id),
  acquired_block_id bigint UNIQUE REFERENCES acquired_blocks (id),
  -- status_index is the credential's position in the status list.
  status_index      bigserial NOT NULL UNIQUE,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((certificate_id IS NULL) <> (acquired_block_id IS NULL))
);
CREATE TRIGGER verification_codes_frozen BEFORE UPDATE OR DELETE ON verification_codes
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- new_verification_code keeps the random nibbles of a version-4 UUID
-- (gen_random_uuid uses pg_strong_random): 24 hex digits, 96 bits.
-- +goose StatementBegin
CREATE FUNCTION new_verification_code() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT substr(h, 1, 12) || substr(h, 14, 3) || substr(h, 18, 9)
  FROM (SELECT replace(gen_random_uuid()::text, '-', '') AS h) u
$$;
-- +goose StatementEnd

-- One statement-level trigger per table, on the rows the statement
-- inserted (a transition table): a bulk COPY of the demo history gives
-- its codes in one INSERT … SELECT instead of one trigger call per row.
-- +goose StatementBegin
CREATE FUNCTION give_certificate_codes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO verification_codes (code, certificate_id) SELECT new_verification_code(), id FROM new_rows ORDER BY id;
  RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION give_block_codes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO verification_codes (code, acquired_block_id) SELECT new_verification_code(), id FROM new_rows ORDER BY id;
  RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER certificates_verification_code AFTER INSERT ON certificates
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION give_certificate_codes();
CREATE TRIGGER acquired_blocks_verification_code AFTER INSERT ON acquired_blocks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION give_block_codes();

-- Certificates and blocs recorded before this migration get theirs now.
INSERT INTO verification_codes (code, certificate_id) SELECT new_verification_code(), id FROM certificates ORDER BY id;
INSERT INTO verification_codes (code, acquired_block_id) SELECT new_verification_code(), id FROM acquired_blocks ORDER BY id;

-- A withdrawal (fraud) by the certifier: the verification page and the
-- credential's status say « retiré » from then on. Never undone silently.
CREATE TABLE credential_withdrawals (
  code         text PRIMARY KEY REFERENCES verification_codes (code),
  reason       text NOT NULL CHECK (btrim(reason) <> ''),
  withdrawn_at timestamptz NOT NULL DEFAULT now(),
  withdrawn_by bigint NOT NULL REFERENCES users (id)
);
CREATE TRIGGER credential_withdrawals_frozen BEFORE UPDATE OR DELETE ON credential_withdrawals
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- +goose Down
DROP TABLE credential_withdrawals;
DROP TRIGGER acquired_blocks_verification_code ON acquired_blocks;
DROP TRIGGER certificates_verification_code ON certificates;
DROP TABLE verification_codes;
DROP FUNCTION give_block_codes();
DROP FUNCTION give_certificate_codes();
DROP FUNCTION new_verification_code();
