-- +goose Up
-- The audit log: append-only, each row chained to the previous one by
-- SHA-256 so tampering is detectable. A row is written in the transaction
-- of the change it records; a sealer then chains committed rows in order
-- (chain_seq). Sealing apart keeps writers from queueing on one lock until
-- their commit is durable. Triggers refuse DELETE, TRUNCATE and any UPDATE
-- except the one-time sealing of a row.
-- actor_id has no foreign key on purpose: the log must never block the
-- pseudonymisation of a user, and it keeps pointing at the same id.
CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id   bigint,
  actor_role text NOT NULL DEFAULT '',
  action     text NOT NULL,
  entity     text NOT NULL,
  entity_id  text NOT NULL DEFAULT '',
  ip         inet,
  request_id text NOT NULL DEFAULT '',
  change     text NOT NULL DEFAULT '{}',
  chain_seq  bigint UNIQUE,
  prev_hash  text,
  hash       text UNIQUE,
  CHECK ((chain_seq IS NULL) = (hash IS NULL) AND (hash IS NULL) = (prev_hash IS NULL))
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_action_idx ON audit_log (action text_pattern_ops);
CREATE INDEX audit_log_unsealed_idx ON audit_log (id) WHERE hash IS NULL;

-- +goose StatementBegin
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
     AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_role, NEW.action, NEW.entity, NEW.entity_id, NEW.ip, NEW.request_id, NEW.change)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.at, OLD.actor_id, OLD.actor_role, OLD.action, OLD.entity, OLD.entity_id, OLD.ip, OLD.request_id, OLD.change) THEN
    RETURN NEW; -- sealing, once
  END IF;
  RAISE EXCEPTION 'le journal d''audit est en écriture unique : % refusé', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
-- +goose StatementEnd

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_guard();
