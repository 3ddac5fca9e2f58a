-- Vaccination sessions, arrivals, screenings, doses, observation and adverse events (module vaccination, issue 3
-- items 5 to 8). area_path columns are copied commune paths so jurisdiction is one ltree test.
-- product columns hold the EU DCC medicinal product code (catalog `dcc.mp`, e.g. 'EU/1/20/1528');
-- vaccine_code holds the catalog code ('pfizer') the dose rules and vaccine_lots use.

CREATE TABLE vaccination_sessions (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL REFERENCES vaccination_sites (id),
  session_date date NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  products text[] NOT NULL CHECK (cardinality(products) BETWEEN 1 AND 20),
  capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'open', 'closed', 'cancelled')),
  area_path ltree NOT NULL,
  shift_id uuid REFERENCES shifts (id),
  note text CHECK (length(note) <= 1000),
  opened_at timestamptz,
  closed_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text CHECK (length(cancel_reason) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '24 hours'),
  CHECK (session_date = sen_vn_day(starts_at)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX vaccination_sessions_site_date ON vaccination_sessions (site_id, session_date);
CREATE INDEX vaccination_sessions_area ON vaccination_sessions USING gist (area_path);
CREATE INDEX vaccination_sessions_date ON vaccination_sessions (session_date);

-- A person checked in at a session. id is the client's id (idempotency key). One arrival per person and session:
-- (session_id, person_id) is unique, which also serves the no-show query of the invitations (helper "targets").
CREATE TABLE session_arrivals (
  id uuid PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES vaccination_sessions (id),
  person_id uuid NOT NULL REFERENCES people (id),
  arrived_at timestamptz NOT NULL,
  method text NOT NULL DEFAULT 'person_id' CHECK (method IN ('qr', 'search', 'id_number', 'person_id')),
  area_path ltree NOT NULL,
  recorded_by uuid REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (session_id, person_id)
);
CREATE INDEX session_arrivals_person ON session_arrivals (person_id);

-- Pre-vaccination screening. id is the client's id. request_hash is a digest of the request body so a retry with
-- the same id and body answers the stored row and a different body conflicts.
CREATE TABLE screenings (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  session_id uuid REFERENCES vaccination_sessions (id),
  site_id uuid REFERENCES vaccination_sites (id),
  area_path ltree NOT NULL,
  screened_at timestamptz NOT NULL,
  rule_set_version text NOT NULL CHECK (length(rule_set_version) BETWEEN 1 AND 40),
  outcome text NOT NULL CHECK (outcome IN ('eligible', 'caution', 'defer', 'contraindicated')),
  reasons text[] NOT NULL DEFAULT '{}',
  vitals jsonb NOT NULL DEFAULT '{}',
  answers jsonb NOT NULL DEFAULT '{}',
  vaccine_code text CHECK (vaccine_code ~ '^[a-z0-9_]{1,40}$'),
  request_hash text NOT NULL,
  recorded_by uuid REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX screenings_person ON screenings (person_id, screened_at);
CREATE INDEX screenings_session ON screenings (session_id) WHERE session_id IS NOT NULL;

-- A dose given. id is the client's id (idempotency key). Backfilled doses (source 'backfill') are unverified until
-- a reviewer other than the recorder confirms (review_status 'confirmed') or rejects them; rejected doses stay
-- for the record but do not count.
CREATE TABLE doses (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  administered_at timestamptz NOT NULL,
  administered_on date NOT NULL,
  site_id uuid REFERENCES vaccination_sites (id),
  session_id uuid REFERENCES vaccination_sessions (id),
  area_path ltree NOT NULL,
  person_area_path ltree,
  product text NOT NULL CHECK (length(product) BETWEEN 1 AND 60),
  vaccine_code text NOT NULL CHECK (vaccine_code ~ '^[a-z0-9_]{1,40}$'),
  component text CHECK (length(component) <= 20),
  lot_id uuid REFERENCES vaccine_lots (id),
  lot_number text CHECK (length(lot_number) <= 60),
  dose_kind text NOT NULL CHECK (dose_kind IN ('primary', 'booster')),
  dose_number integer NOT NULL CHECK (dose_number BETWEEN 1 AND 20),
  completes_series boolean NOT NULL DEFAULT false,
  catalog_version text NOT NULL,
  override_reason text CHECK (length(override_reason) BETWEEN 1 AND 1000),
  -- The problems the override went past (codes), so a reviewer sees what was overridden.
  overridden_problems text[] NOT NULL DEFAULT '{}',
  -- true only when a second dose the same day was explicitly allowed by an override.
  same_day_override boolean NOT NULL DEFAULT false,
  screening_id uuid REFERENCES screenings (id),
  source text NOT NULL DEFAULT 'site' CHECK (source IN ('site', 'backfill')),
  verified boolean NOT NULL DEFAULT true,
  review_status text NOT NULL DEFAULT 'confirmed' CHECK (review_status IN ('pending', 'confirmed', 'rejected')),
  backfill_source text CHECK (length(backfill_source) <= 500),
  evidence_note text CHECK (length(evidence_note) <= 2000),
  place text CHECK (length(place) <= 500),
  reviewed_by uuid REFERENCES users (id),
  reviewed_at timestamptz,
  review_note text CHECK (length(review_note) <= 1000),
  observation_done_at timestamptz,
  observation_outcome text CHECK (observation_outcome IN ('no_reaction', 'reaction')),
  observation_by uuid REFERENCES users (id),
  request_hash text NOT NULL,
  recorded_by uuid REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (administered_on = sen_vn_day(administered_at)),
  CHECK (same_day_override = false OR override_reason IS NOT NULL),
  CHECK (verified = (review_status = 'confirmed')),
  CHECK (source = 'backfill' OR review_status = 'confirmed'),
  CHECK ((observation_done_at IS NULL) = (observation_outcome IS NULL))
);
-- A person's history (dose numbering) and the one-dose-a-day rule, which holds even when two requests race.
CREATE INDEX doses_person ON doses (person_id, administered_at);
CREATE UNIQUE INDEX doses_one_per_day ON doses (person_id, administered_on)
  WHERE NOT same_day_override AND review_status <> 'rejected';
-- Observation board and session views.
CREATE INDEX doses_session ON doses (session_id, administered_at) WHERE session_id IS NOT NULL;
CREATE INDEX doses_site ON doses (site_id, administered_at) WHERE site_id IS NOT NULL;
-- Lot recall and traceability use doses_lot_id (lot_id, id) from 0013 (reports); one index on lot_id is enough.
-- Review queue of backfills.
CREATE INDEX doses_unverified ON doses USING gist (area_path) WHERE review_status = 'pending';

-- Adverse events following immunisation (AEFI). id is the client's id. causality is the WHO class set later by
-- an investigator.
CREATE TABLE adverse_events (
  id uuid PRIMARY KEY,
  dose_id uuid NOT NULL REFERENCES doses (id),
  person_id uuid NOT NULL REFERENCES people (id),
  product text NOT NULL,
  vaccine_code text NOT NULL,
  area_path ltree NOT NULL,
  session_id uuid REFERENCES vaccination_sessions (id),
  site_id uuid REFERENCES vaccination_sites (id),
  onset_at timestamptz NOT NULL,
  symptoms text[] NOT NULL CHECK (cardinality(symptoms) BETWEEN 1 AND 30),
  serious boolean NOT NULL,
  severity text NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
  outcome text NOT NULL CHECK (outcome IN ('recovered', 'recovering', 'not_recovered', 'recovered_with_sequelae', 'fatal', 'unknown')),
  description text CHECK (length(description) <= 4000),
  causality text CHECK (causality IN ('A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'C', 'D')),
  causality_note text CHECK (length(causality_note) <= 2000),
  causality_set_at timestamptz,
  causality_set_by uuid REFERENCES users (id),
  request_hash text NOT NULL,
  reported_at timestamptz NOT NULL DEFAULT now(),
  reported_by uuid REFERENCES users (id),
  CHECK ((causality IS NULL) = (causality_set_at IS NULL))
);
CREATE INDEX adverse_events_dose ON adverse_events (dose_id);
CREATE INDEX adverse_events_person ON adverse_events (person_id);
CREATE INDEX adverse_events_area ON adverse_events USING gist (area_path);

-- Everything recording a dose needs, in one call (record-dose.ts): the session and its site (or the site), the lot,
-- whether the site's store holds the lot (on hand, or issued to this session), the person, their history, a dose
-- already stored under this client id, and the screening that applies (the one named, else the person's latest
-- that Viet Nam day). A PL/pgSQL function so its plan is prepared once per connection: planning the same query
-- text on every request cost more than running it.
CREATE FUNCTION sen_dose_context(p_dose uuid, p_person uuid, p_session uuid, p_site uuid, p_lot uuid, p_screening uuid, p_day date)
  RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    WITH ses AS (SELECT s.id, s.site_id, s.status, s.products, s.area_path::text AS area_path, s.closed_at FROM vaccination_sessions s WHERE s.id = p_session),
    st AS (SELECT v.id, v.area_path::text AS area_path, v.store_id, v.active FROM vaccination_sites v WHERE v.id = coalesce((SELECT ses.site_id FROM ses), p_site))
    SELECT json_build_object(
      'session', (SELECT row_to_json(ses) FROM ses),
      'site', (SELECT row_to_json(st) FROM st),
      'lot', (SELECT row_to_json(l) FROM (SELECT id, vaccine_code, lot_number, expiry_date::text AS expiry_date, recalled_at FROM vaccine_lots WHERE id = p_lot) l),
      'person', (SELECT row_to_json(p) FROM (SELECT id, birth_date, merged_into, area_path::text AS area_path FROM people WHERE id = p_person) p),
      'history', (SELECT coalesce(json_agg(json_build_object('at', d.administered_at, 'vaccine', d.vaccine_code, 'n', d.dose_number, 'c', d.component) ORDER BY d.administered_at), '[]'::json)
                  FROM doses d WHERE d.person_id = p_person AND d.review_status <> 'rejected' AND d.id <> p_dose),
      'existing', (SELECT row_to_json(e) FROM doses e WHERE e.id = p_dose),
      'screening', (CASE WHEN p_screening IS NOT NULL
                      THEN (SELECT row_to_json(s) FROM (SELECT id, person_id, outcome FROM screenings WHERE id = p_screening) s)
                      ELSE (SELECT row_to_json(s) FROM (SELECT id, person_id, outcome FROM screenings WHERE person_id = p_person
                              AND screened_at >= sen_vn_day_start(p_day) AND screened_at < sen_vn_day_start(p_day + 1) ORDER BY screened_at DESC LIMIT 1) s)
                    END),
      'stock', (EXISTS (SELECT 1 FROM stock_balances b WHERE b.store_id = (SELECT st.store_id FROM st) AND b.lot_id = p_lot AND b.doses_on_hand > 0)
                OR (p_session IS NOT NULL AND EXISTS (SELECT 1 FROM stock_events e WHERE e.store_id = (SELECT st.store_id FROM st) AND e.lot_id = p_lot
                    AND e.kind = 'issue' AND e.session_ref = p_session::text))))
  );
END;
$$;

-- Stores a dose (a doses row as JSON) and its audit row in one call, the plans prepared once per connection.
-- Returns false when a dose with this id already exists (the caller answers the stored one).
CREATE FUNCTION sen_insert_dose(p_dose json, p_audit json) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_area ltree;
BEGIN
  INSERT INTO doses SELECT * FROM json_populate_record(NULL::doses, p_dose) ON CONFLICT (id) DO NOTHING RETURNING area_path INTO v_area;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO audit_log (id, actor_user_id, actor_username, action, entity_type, entity_id, area_path, ip, request_id, details)
  SELECT a.id, a.actor_user_id, a.actor_username, a.action, a.entity_type, a.entity_id, v_area, a.ip, a.request_id, a.details
  FROM json_populate_record(NULL::audit_log, p_audit) a;
  RETURN true;
END;
$$;
