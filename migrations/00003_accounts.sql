-- +goose Up
-- Organisations, users, roles with a scope, sessions, one-time tokens, the
-- mail outbox and login failures (for throttling).

CREATE TABLE organisations (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('certifier', 'platform', 'training_body', 'employer')),
  name             text NOT NULL CHECK (btrim(name) <> ''),
  departement_code text,
  region_code      text,
  siret            text NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- A platform is departmental: it must sit in a real département.
  CHECK (kind <> 'platform' OR (departement_code IS NOT NULL AND region_code IS NOT NULL))
);
CREATE UNIQUE INDEX organisations_kind_name_key ON organisations (kind, lower(name));

-- The organisations that carry a platform: one lead (chef de file) and any
-- number of co-porteurs.
CREATE TABLE platform_partners (
  platform_id     bigint  NOT NULL REFERENCES organisations (id),
  organisation_id bigint  NOT NULL REFERENCES organisations (id),
  is_lead         boolean NOT NULL DEFAULT false,
  PRIMARY KEY (platform_id, organisation_id)
);
CREATE UNIQUE INDEX platform_partners_one_lead ON platform_partners (platform_id) WHERE is_lead;

CREATE TABLE users (
  id               bigserial PRIMARY KEY,
  email            text NOT NULL CHECK (position('@' IN email) > 1),
  full_name        text NOT NULL CHECK (btrim(full_name) <> ''),
  password_hash    text,
  disabled         boolean NOT NULL DEFAULT false,
  organisation_id  bigint REFERENCES organisations (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  pseudonymised_at timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE user_roles (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id),
  role        text   NOT NULL CHECK (role IN ('admin', 'platform_manager', 'jury_member', 'candidate', 'observer')),
  platform_id bigint REFERENCES organisations (id),
  region_code text,
  granted_by  bigint REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'platform_manager' OR platform_id IS NOT NULL),
  CHECK (role = 'platform_manager' OR platform_id IS NULL),
  CHECK (role = 'observer' OR region_code IS NULL)
);
CREATE UNIQUE INDEX user_roles_unique ON user_roles (user_id, role, coalesce(platform_id, 0), coalesce(region_code, ''));

-- Only the SHA-256 of a session token is stored: a copy of the database
-- does not hand out live sessions.
CREATE TABLE sessions (
  token_hash   text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  ip           inet,
  user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

CREATE TABLE user_tokens (
  token_hash text PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id),
  purpose    text   NOT NULL CHECK (purpose IN ('invite', 'reset')),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id);

CREATE TABLE outbox (
  id         bigserial PRIMARY KEY,
  to_addr    text NOT NULL,
  subject    text NOT NULL,
  body       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz,
  error      text NOT NULL DEFAULT ''
);

CREATE TABLE login_failures (
  id    bigserial PRIMARY KEY,
  email text NOT NULL,
  ip    inet,
  at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);

-- +goose Down
DROP TABLE login_failures, outbox, user_tokens, sessions, user_roles, users, platform_partners, organisations;
