-- Vaccination targets (issue 3 items 1, 4, 5): versioned vaccine catalog, priority groups, target lists and their
-- imports, registrations, invitations to sessions, and the notification outbox (module notifications).

-- The vaccine catalog, one row per version. A version never changes once written: a dose stores the version that
-- applied (doses.catalog_version), so the rules it was judged by can always be read back.
CREATE TABLE vaccine_catalog_versions (
  version text PRIMARY KEY CHECK (version ~ '^[1-9][0-9]{0,5}$'),
  valid_from date NOT NULL,
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
  body jsonb NOT NULL,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX vaccine_catalog_versions_valid_from ON vaccine_catalog_versions (valid_from);

CREATE FUNCTION sen_catalog_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'vaccine catalog versions never change once created' USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER vaccine_catalog_versions_immutable BEFORE UPDATE OR DELETE ON vaccine_catalog_versions
  FOR EACH ROW EXECUTE FUNCTION sen_catalog_versions_immutable();

-- Priority groups (Resolution 21/NQ-CP, 2021: 16 groups). code is stable; rank orders invitations (1 first) and
-- a national administrator may reorder or rename. Seeded at start when missing, never overwritten.
CREATE TABLE priority_groups (
  code text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{1,20}$'),
  rank integer NOT NULL CHECK (rank BETWEEN 1 AND 1000),
  name_vi text NOT NULL CHECK (length(name_vi) BETWEEN 1 AND 500),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 500),
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id),
  CONSTRAINT priority_groups_rank_unique UNIQUE (rank) DEFERRABLE INITIALLY DEFERRED
);

-- A target list: the people an area plans to vaccinate (e.g. "Commune X, group 1 and 8"). area_path is the area's
-- path (any level), copied for jurisdiction.
CREATE TABLE target_lists (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  area_code text NOT NULL REFERENCES areas (code),
  area_path ltree NOT NULL,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX target_lists_area ON target_lists USING gist (area_path);

-- One upload of a CSV or XLSX file into a target list, processed by a background job. The file waits in
-- target_import_files until the job has read it, then is deleted (it holds personal data).
CREATE TABLE target_imports (
  id uuid PRIMARY KEY,
  list_id uuid NOT NULL REFERENCES target_lists (id),
  area_path ltree NOT NULL,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  size_bytes integer NOT NULL CHECK (size_bytes >= 0),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  rows_total integer NOT NULL DEFAULT 0,
  rows_ok integer NOT NULL DEFAULT 0,
  rows_failed integer NOT NULL DEFAULT 0,
  people_created integer NOT NULL DEFAULT 0,
  people_linked integer NOT NULL DEFAULT 0,
  failure text,
  uploaded_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX target_imports_list ON target_imports (list_id, created_at);
CREATE INDEX target_imports_uploader ON target_imports (uploaded_by, created_at);

CREATE TABLE target_import_files (
  import_id uuid PRIMARY KEY REFERENCES target_imports (id),
  content bytea NOT NULL
);

-- Rows that could not be stored, with what was wrong: the uploader downloads these as CSV.
CREATE TABLE target_import_errors (
  import_id uuid NOT NULL REFERENCES target_imports (id),
  row_number integer NOT NULL,
  column_name text,
  problem text NOT NULL,
  message text NOT NULL,
  PRIMARY KEY (import_id, row_number, problem, column_name)
);

-- A person on a target list, in a priority group. One entry per person per list; a later import updates the group.
-- area_path is the person's commune at import time (jurisdiction and invitations by area).
CREATE TABLE target_list_entries (
  id uuid PRIMARY KEY,
  list_id uuid NOT NULL REFERENCES target_lists (id),
  person_id uuid NOT NULL REFERENCES people (id),
  priority_group text REFERENCES priority_groups (code),
  area_path ltree NOT NULL,
  import_id uuid REFERENCES target_imports (id),
  row_number integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (list_id, person_id)
);
CREATE INDEX target_list_entries_area ON target_list_entries USING gist (area_path);
CREATE INDEX target_list_entries_person ON target_list_entries (person_id);

-- A wish to be vaccinated: by the citizen (source 'self') or staff for them. id is client-generated (idempotent).
-- area_path is the commune where the person wants the dose (the site's commune when a site is chosen).
CREATE TABLE vaccination_registrations (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  area_code text NOT NULL REFERENCES areas (code),
  area_path ltree NOT NULL,
  site_id uuid REFERENCES vaccination_sites (id),
  preferred_date date,
  product text CHECK (length(product) <= 50),
  priority_group text REFERENCES priority_groups (code),
  source text NOT NULL CHECK (source IN ('self', 'staff')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled', 'done')),
  note text CHECK (length(note) <= 1000),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- One open registration per person: registering again while one is open is answered with the open one.
CREATE UNIQUE INDEX vaccination_registrations_one_active ON vaccination_registrations (person_id) WHERE status = 'active';
CREATE INDEX vaccination_registrations_area ON vaccination_registrations USING gist (area_path);

-- An invitation to a session. One per person per session: generating again adds only people not yet invited.
CREATE TABLE vaccination_invitations (
  id uuid PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES vaccination_sessions (id),
  person_id uuid NOT NULL REFERENCES people (id),
  registration_id uuid REFERENCES vaccination_registrations (id),
  target_entry_id uuid REFERENCES target_list_entries (id),
  priority_rank integer,
  due_on date,
  area_path ltree NOT NULL,
  status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'arrived', 'no_show', 'cancelled')),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (session_id, person_id)
);
CREATE INDEX vaccination_invitations_person ON vaccination_invitations (person_id);
CREATE INDEX vaccination_invitations_area ON vaccination_invitations USING gist (area_path);

-- Messages to people (SMS or app), written in the transaction of the event that causes them and delivered later
-- by a job through an adapter. dedupe_key makes enqueueing idempotent. params may hold personal data (names):
-- they are never logged.
CREATE TABLE notification_outbox (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  channel text NOT NULL CHECK (channel IN ('sms', 'app')),
  template text NOT NULL CHECK (length(template) BETWEEN 1 AND 100),
  params jsonb NOT NULL DEFAULT '{}',
  dedupe_key text NOT NULL UNIQUE CHECK (length(dedupe_key) BETWEEN 1 AND 300),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  last_error text
);
CREATE INDEX notification_outbox_pending ON notification_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_outbox_person ON notification_outbox (person_id);
