CREATE TABLE roles (
  code text PRIMARY KEY,
  name_vi text NOT NULL,
  name_en text NOT NULL,
  level text NOT NULL CHECK (level IN ('national', 'province', 'commune')),
  scopes text[] NOT NULL
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username = lower(username) AND username ~ '^[a-z0-9._-]{3,64}$'),
  display_name text NOT NULL,
  password_hash text NOT NULL,
  person_id uuid UNIQUE,
  disabled_at timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A role is held in an area: the jurisdiction. The path is copied from areas so SQL can filter with <@.
CREATE TABLE user_roles (
  user_id uuid NOT NULL REFERENCES users (id),
  role_code text NOT NULL REFERENCES roles (code),
  area_code text NOT NULL REFERENCES areas (code),
  area_path ltree NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  granted_by uuid REFERENCES users (id),
  PRIMARY KEY (user_id, role_code, area_code)
);

-- Server-side sessions. Only a SHA-256 of the random token is stored: a leaked table cannot be replayed.
CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text,
  ip inet,
  user_agent text
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;
