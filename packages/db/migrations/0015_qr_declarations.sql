-- Personal and venue QR codes, and health declarations with their alerts (issue 5).

-- A person's QR code carries only `ref`, an opaque random reference (no personal data in clear), with the version
-- and issue time, signed by the server key. One row per issued version; issuing a new version revokes the older
-- rows, so a token of an older version (or of a revoked row) is refused. The person's area is NOT copied: who may
-- print a person's card follows the person's current commune (people.area_path).
CREATE TABLE person_qr (
  ref text PRIMARY KEY CHECK (ref ~ '^[A-Za-z0-9_-]{16,32}$'),
  person_id uuid NOT NULL REFERENCES people (id),
  version integer NOT NULL CHECK (version >= 1),
  issued_at timestamptz NOT NULL DEFAULT now(),
  issued_by uuid REFERENCES users (id),
  revoked_at timestamptz,
  UNIQUE (person_id, version)
);
-- At most one live code per person.
CREATE UNIQUE INDEX person_qr_live ON person_qr (person_id) WHERE revoked_at IS NULL;

-- The version of the venue's signed poster token (venues.version is the edit counter for optimistic concurrency,
-- a different thing: editing opening hours must not invalidate printed posters).
ALTER TABLE venues ADD COLUMN qr_version integer NOT NULL DEFAULT 1 CHECK (qr_version >= 1);
ALTER TABLE venues ADD COLUMN qr_rotated_at timestamptz;

-- Health declarations: a daily self-declaration, a domestic travel declaration, or an entry declaration. The
-- id is made by the client (idempotent retries). The kind-specific answers are in `answers` (validated by the app
-- against one schema per kind); what the rules concluded is in `warnings` (reason codes) so a list never recomputes.
-- area_path is the person's commune when declared: the commune's tracing team sees the alert.
CREATE TABLE health_declarations (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  kind text NOT NULL CHECK (kind IN ('daily', 'domestic_travel', 'entry')),
  area_path ltree NOT NULL,
  declared_for date NOT NULL,
  symptoms text[] NOT NULL DEFAULT '{}',
  answers jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'object' AND length(answers::text) <= 8000),
  warnings text[] NOT NULL DEFAULT '{}',
  rule_version text NOT NULL,
  declared_by uuid NOT NULL REFERENCES users (id),
  on_behalf boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_declarations_person ON health_declarations (person_id, created_at DESC);
CREATE INDEX health_declarations_area ON health_declarations USING gist (area_path);

-- Areas where travel from counts as a warning (set by the province or national team). Declared travel from an area
-- at or below a listed path, on a day inside its window, raises an alert.
CREATE TABLE risk_areas (
  area_path ltree PRIMARY KEY,
  level text NOT NULL DEFAULT 'high' CHECK (level IN ('high', 'very_high')),
  since date NOT NULL,
  until date,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id),
  CHECK (until IS NULL OR until >= since)
);

-- An alert for the tracing team of the person's commune, raised by a declaration whose rules warned.
CREATE TABLE declaration_alerts (
  id uuid PRIMARY KEY,
  declaration_id uuid NOT NULL UNIQUE REFERENCES health_declarations (id),
  person_id uuid NOT NULL REFERENCES people (id),
  area_path ltree NOT NULL,
  reasons text[] NOT NULL CHECK (cardinality(reasons) >= 1),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'closed')),
  note text CHECK (length(note) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by uuid REFERENCES users (id),
  closed_at timestamptz,
  closed_by uuid REFERENCES users (id),
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX declaration_alerts_area ON declaration_alerts USING gist (area_path);
CREATE INDEX declaration_alerts_open ON declaration_alerts (status, created_at DESC);
