-- +goose Up
-- Notifications: each message keeps an HTML alternative next to its plain
-- text, and the person it was written for, so their account can list what
-- was sent to them even after they change their address.
ALTER TABLE outbox
  ADD COLUMN html_body text NOT NULL DEFAULT '',
  ADD COLUMN user_id   bigint REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX outbox_user ON outbox (user_id, id) WHERE user_id IS NOT NULL;

-- +goose Down
DROP INDEX outbox_user;
ALTER TABLE outbox DROP COLUMN user_id, DROP COLUMN html_body;
