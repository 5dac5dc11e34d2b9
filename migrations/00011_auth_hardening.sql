-- +goose Up
-- Authentication hardening (issue 13, findings 1 to 3).
--
-- throttle_buckets replaces login_failures. Each bucket counts attempts
-- against one key (an account and a client together, a client alone, an
-- account alone, or a reset request), and is counted and checked by one
-- statement holding the bucket's row lock, so parallel guesses cannot all
-- read a low count before any of them records a failure. The key is a
-- SHA-256 of what it counts (an e-mail, an address), not the e-mail itself:
-- the table holds no address typed at the login form.
CREATE TABLE throttle_buckets (
  bucket        text PRIMARY KEY,
  hits          integer NOT NULL DEFAULT 0 CHECK (hits >= 0),
  last_at       timestamptz NOT NULL DEFAULT 'epoch',
  blocked_until timestamptz NOT NULL DEFAULT 'epoch'
);
CREATE INDEX throttle_buckets_last_idx ON throttle_buckets (last_at);

-- A browser that has signed in to an account before (the « device
-- cookie » of OWASP's authentication cheat sheet). Such a browser is not
-- held back by the failures others cause on that account, so guessing
-- from elsewhere cannot lock its owner out.
CREATE TABLE login_devices (
  token_hash   text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_devices_user_idx ON login_devices (user_id);

DROP TABLE login_failures;

-- +goose Down
CREATE TABLE login_failures (
  id    bigserial PRIMARY KEY,
  email text NOT NULL,
  ip    inet,
  at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);
DROP TABLE login_devices, throttle_buckets;
