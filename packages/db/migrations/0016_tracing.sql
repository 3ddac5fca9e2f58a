-- Contact tracing (issue 5): a tracer's run over a positive person's check-ins, the ranked candidates it found, and
-- the contacts a tracer confirmed. A later issue builds cases and quarantine on `contacts`.
--
-- A run keeps what it found (the index visits as JSON, the candidates as rows) so a tracer can review it later
-- without querying the check-ins again, and so the review still works after the check-ins pass retention.
-- area_path is the index person's commune at run time: jurisdiction over the run and its candidates.
CREATE TABLE trace_runs (
  id uuid PRIMARY KEY,
  index_person_id uuid NOT NULL REFERENCES people (id),
  area_path ltree,
  window_from timestamptz NOT NULL,
  window_to timestamptz NOT NULL,
  test_date date,
  rule jsonb NOT NULL,
  reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 3 AND 500),
  visits jsonb NOT NULL DEFAULT '[]',
  candidate_count integer NOT NULL DEFAULT 0,
  -- Second-degree search: null until asked for; then queued, done or failed.
  f2_status text CHECK (f2_status IN ('queued', 'done', 'failed')),
  f2_limits jsonb,
  f2_summary jsonb,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (window_to > window_from)
);
CREATE INDEX trace_runs_person ON trace_runs (index_person_id, created_at);
CREATE INDEX trace_runs_area ON trace_runs USING gist (area_path);

-- Confirmed contacts. One row per (index person, contact person): confirming the same person again (from another
-- run, or a manual entry) returns the row already there. generation 2 rows name the F1 contact they come through.
-- area_path: the index person's commune (who traces it); contact_area_path: the contact's (who quarantines them).
CREATE TABLE contacts (
  id uuid PRIMARY KEY,
  index_person_id uuid NOT NULL REFERENCES people (id),
  contact_person_id uuid NOT NULL REFERENCES people (id),
  generation smallint NOT NULL CHECK (generation IN (1, 2)),
  via_contact_id uuid REFERENCES contacts (id),
  exposure_start timestamptz NOT NULL,
  exposure_end timestamptz NOT NULL,
  exposure_minutes numeric(8, 2) NOT NULL DEFAULT 0 CHECK (exposure_minutes >= 0),
  venue_id uuid REFERENCES venues (id),
  source text NOT NULL CHECK (source IN ('checkin', 'manual', 'declaration')),
  risk text CHECK (risk IN ('high', 'low')),
  trace_run_id uuid REFERENCES trace_runs (id),
  note text CHECK (length(note) <= 1000),
  area_path ltree,
  contact_area_path ltree,
  status text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
  confirmed_by uuid REFERENCES users (id),
  confirmed_at timestamptz NOT NULL DEFAULT now(),
  CHECK (exposure_end >= exposure_start),
  CHECK (index_person_id <> contact_person_id),
  CHECK ((generation = 1) = (via_contact_id IS NULL)),
  UNIQUE (index_person_id, contact_person_id)
);
CREATE INDEX contacts_contact ON contacts (contact_person_id);
CREATE INDEX contacts_area ON contacts USING gist (area_path);
CREATE INDEX contacts_contact_area ON contacts USING gist (contact_area_path);

-- A run's candidates, best first (rank). person_id is a soft reference like checkins.person_id (a check-in may name
-- a person the registry has since merged). Generation 2 candidates name the confirmed F1 contact they come from.
CREATE TABLE trace_candidates (
  id uuid PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES trace_runs (id),
  person_id uuid NOT NULL,
  generation smallint NOT NULL CHECK (generation IN (1, 2)),
  via_contact_id uuid REFERENCES contacts (id),
  rank integer NOT NULL CHECK (rank >= 1),
  score numeric(12, 2) NOT NULL,
  risk text NOT NULL CHECK (risk IN ('high', 'low')),
  contact_count integer NOT NULL,
  distinct_visits integer NOT NULL,
  overlap_minutes numeric(10, 2) NOT NULL,
  venue_ids uuid[] NOT NULL,
  exposure_start timestamptz NOT NULL,
  exposure_end timestamptz NOT NULL,
  best_venue_id uuid,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'dismissed')),
  contact_id uuid REFERENCES contacts (id),
  opened_at timestamptz,
  opened_by uuid REFERENCES users (id),
  CHECK ((generation = 1) = (via_contact_id IS NULL))
);
CREATE UNIQUE INDEX trace_candidates_f1 ON trace_candidates (run_id, person_id) WHERE generation = 1;
CREATE UNIQUE INDEX trace_candidates_f2 ON trace_candidates (run_id, via_contact_id, person_id) WHERE generation = 2;
CREATE INDEX trace_candidates_rank ON trace_candidates (run_id, generation, rank);
