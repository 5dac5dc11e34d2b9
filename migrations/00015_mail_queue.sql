-- +goose Up
-- The outbox becomes a queue that background workers drain: each message
-- is claimed with FOR UPDATE SKIP LOCKED (so two acquis processes never
-- send it twice), and a failure is retried later with a growing delay
-- instead of being left aside for good.
ALTER TABLE outbox
  ADD COLUMN attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN gave_up_at      timestamptz;
-- Messages that failed before this queue existed were never retried: they
-- are kept as given up, with their error, rather than sent late.
UPDATE outbox SET attempts = 1, gave_up_at = now() WHERE sent_at IS NULL AND error <> '';
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND gave_up_at IS NULL;

-- +goose Down
DROP INDEX outbox_due;
ALTER TABLE outbox DROP COLUMN gave_up_at, DROP COLUMN next_attempt_at, DROP COLUMN attempts;
