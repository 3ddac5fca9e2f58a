-- Issue 3 gaps: allocation plans and reservations in the stock ledger (module vaccination), the target populations
-- of coverage (module areas), the seriousness criteria of adverse events (module vaccination), and rollups of
-- coverage by age band and of site doses by dose (module reports).

-- Areas: the target populations of coverage (DOMAIN.md: adults 18+, over-50s), beside the whole population.
ALTER TABLE areas
  ADD COLUMN population_18_plus integer CHECK (population_18_plus >= 0),
  ADD COLUMN population_50_plus integer CHECK (population_50_plus >= 0),
  ADD CONSTRAINT areas_target_populations_nested CHECK (population_50_plus <= population_18_plus AND population_18_plus <= population);

-- Allocation plans: the doses an area (the country or a province) gives out to its children for one vaccine and
-- period, computed by packages/domain (allocation.ts) from the target population, the coverage goal and the doses
-- already given, then approved. The figures are stored as computed, so a plan keeps what it was decided on.
CREATE TABLE allocation_plans (
  id uuid PRIMARY KEY,
  area_code text NOT NULL REFERENCES areas (code),
  area_path ltree NOT NULL,
  vaccine_code text NOT NULL CHECK (vaccine_code ~ '^[a-z0-9_]{1,40}$'),
  period_from date NOT NULL,
  period_to date NOT NULL,
  target_group text NOT NULL CHECK (target_group IN ('adults', 'over_50')),
  coverage_goal_pct numeric(5, 2) NOT NULL CHECK (coverage_goal_pct > 0 AND coverage_goal_pct <= 100),
  series_doses integer NOT NULL CHECK (series_doses BETWEEN 1 AND 5),
  target_population integer NOT NULL CHECK (target_population >= 0),
  doses_given integer NOT NULL CHECK (doses_given >= 0),
  doses_needed integer NOT NULL CHECK (doses_needed >= 0),
  -- The doses the area has to give out, when the planner capped the plan by them.
  doses_available integer CHECK (doses_available >= 0),
  doses_to_allocate integer NOT NULL CHECK (doses_to_allocate >= 0),
  status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'superseded')),
  note text CHECK (length(note) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id),
  approved_at timestamptz,
  approved_by uuid REFERENCES users (id),
  CHECK (period_to >= period_from),
  CHECK ((status = 'proposed') = (approved_at IS NULL))
);
CREATE INDEX allocation_plans_area ON allocation_plans USING gist (area_path);
-- One approved plan per area, vaccine, period and target group: approving another supersedes it.
CREATE UNIQUE INDEX allocation_plans_one_approved ON allocation_plans (area_code, vaccine_code, period_from, period_to, target_group) WHERE status = 'approved';

-- A plan's share for each child area (a province of the country, a commune of a province).
CREATE TABLE allocation_plan_lines (
  plan_id uuid NOT NULL REFERENCES allocation_plans (id),
  area_code text NOT NULL REFERENCES areas (code),
  area_path ltree NOT NULL,
  target_population integer NOT NULL CHECK (target_population >= 0),
  doses_given integer NOT NULL CHECK (doses_given >= 0),
  doses_needed integer NOT NULL CHECK (doses_needed >= 0),
  doses_to_allocate integer NOT NULL CHECK (doses_to_allocate >= 0),
  PRIMARY KEY (plan_id, area_code)
);

-- Allocation in the ledger: an 'allocate' event reserves doses of a store's lot for a receiving store (or releases
-- them) without moving any (doses = 0): reserved_change is the signed change of the reservation, for_store_id the
-- store it is held for. A shipment to that store consumes the reservation (a ship_out with a negative
-- reserved_change). Reservations are derived from the ledger like balances: stock_reservations is kept in the same
-- transaction, under the (store, lot) balance row lock, and is never negative.
ALTER TABLE stock_events DROP CONSTRAINT stock_events_kind_check;
ALTER TABLE stock_events
  ADD CONSTRAINT stock_events_kind_check CHECK (kind IN ('receive', 'ship_out', 'ship_in', 'issue', 'return', 'discard', 'adjust', 'allocate')),
  ADD COLUMN for_store_id uuid REFERENCES vaccine_stores (id),
  ADD COLUMN reserved_change integer NOT NULL DEFAULT 0,
  ADD CONSTRAINT stock_events_allocate_moves_no_doses CHECK (kind <> 'allocate' OR (doses = 0 AND reserved_change <> 0)),
  ADD CONSTRAINT stock_events_reservation_kinds CHECK (reserved_change = 0 OR kind = 'allocate' OR (kind = 'ship_out' AND reserved_change < 0)),
  ADD CONSTRAINT stock_events_reservation_store CHECK ((reserved_change = 0) = (for_store_id IS NULL));

CREATE TABLE stock_reservations (
  store_id uuid NOT NULL REFERENCES vaccine_stores (id),
  lot_id uuid NOT NULL REFERENCES vaccine_lots (id),
  for_store_id uuid NOT NULL REFERENCES vaccine_stores (id),
  doses_reserved integer NOT NULL CHECK (doses_reserved >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, lot_id, for_store_id)
);
CREATE INDEX stock_reservations_for_store ON stock_reservations (for_store_id);

-- Adverse events: which seriousness criteria made an event serious (DOMAIN.md); none for a non-serious event.
ALTER TABLE adverse_events
  ADD COLUMN serious_criteria text[] NOT NULL DEFAULT '{}'
    CHECK (serious_criteria <@ ARRAY['death', 'life_threatening', 'hospitalisation', 'disability']::text[]),
  ADD CONSTRAINT adverse_events_criteria_only_if_serious CHECK (cardinality(serious_criteria) = 0 OR serious);
-- The serious events of an area, newest first (reports/adverse-serious.ts).
CREATE INDEX adverse_events_serious_onset ON adverse_events (onset_at DESC, id DESC) WHERE serious;

-- Reports. Age in whole years on a day from a partial birth date ('YYYY', 'YYYY-MM', 'YYYY-MM-DD'), counted from
-- its earliest possible day as ageOn() in packages/domain. Plain arithmetic: an impossible date never raises.
CREATE FUNCTION sen_age_on(p_birth text, p_day date) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT extract(year FROM p_day)::int - substr(p_birth, 1, 4)::int
         - CASE WHEN (extract(month FROM p_day)::int, extract(day FROM p_day)::int)
                     < (coalesce(nullif(substr(p_birth, 6, 2), '')::int, 1), coalesce(nullif(substr(p_birth, 9, 2), '')::int, 1))
                THEN 1 ELSE 0 END
$$;

-- The age band of a dose's person on the day of the dose, for coverage of the target populations. Fixed at the
-- dose: a person who turns 18 later stays in the band of their dose, and a corrected birth date does not move
-- earlier doses (their -1 deltas may then land in the new band; the all-ages totals stay exact).
CREATE FUNCTION report_age_band(p_person uuid, p_day date) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN x.age IS NULL THEN 'unknown' WHEN x.age < 18 THEN 'under_18' WHEN x.age < 50 THEN '18_49' ELSE '50_plus' END
    FROM (SELECT sen_age_on((SELECT p.birth_date FROM people p WHERE p.id = p_person), p_day) AS age) x
$$;

ALTER TABLE report_dose_deltas ADD COLUMN age_band text NOT NULL DEFAULT 'unknown';

CREATE OR REPLACE FUNCTION report_dose_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.review_status <> 'rejected' THEN
    IF TG_OP = 'UPDATE' AND NEW.review_status <> 'rejected'
       AND (OLD.area_path, OLD.person_area_path, OLD.administered_on, OLD.vaccine_code, OLD.dose_kind, OLD.dose_number, OLD.completes_series, OLD.site_id, OLD.lot_id, OLD.person_id)
           IS NOT DISTINCT FROM
           (NEW.area_path, NEW.person_area_path, NEW.administered_on, NEW.vaccine_code, NEW.dose_kind, NEW.dose_number, NEW.completes_series, NEW.site_id, NEW.lot_id, NEW.person_id) THEN
      RETURN NULL; -- nothing counted changed (a review confirming a backfill, an observation)
    END IF;
    INSERT INTO report_dose_deltas (area_path, person_area_path, day, vaccine_code, dose_kind, dose_number, completes_series, site_id, lot_id, n, first_booster, age_band)
      VALUES (OLD.area_path, coalesce(OLD.person_area_path, OLD.area_path), OLD.administered_on, OLD.vaccine_code, OLD.dose_kind, OLD.dose_number,
              OLD.completes_series, OLD.site_id, OLD.lot_id, -1, report_first_booster(OLD), report_age_band(OLD.person_id, OLD.administered_on));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.review_status <> 'rejected' THEN
    INSERT INTO report_dose_deltas (area_path, person_area_path, day, vaccine_code, dose_kind, dose_number, completes_series, site_id, lot_id, n, first_booster, age_band)
      VALUES (NEW.area_path, coalesce(NEW.person_area_path, NEW.area_path), NEW.administered_on, NEW.vaccine_code, NEW.dose_kind, NEW.dose_number,
              NEW.completes_series, NEW.site_id, NEW.lot_id, 1, report_first_booster(NEW), report_age_band(NEW.person_id, NEW.administered_on));
  END IF;
  RETURN NULL;
END;
$$;

-- As in 0013, with two changes:
--   coverage     dim1 first | full | booster, dim2 age band (under_18 | 18_49 | 50_plus | unknown)
--   site_doses   dim1 site id, dim2 vaccine, dim3 dose kind:number ('primary:1', 'booster:3')
DROP VIEW report_pending;
CREATE VIEW report_pending AS
  SELECT 'doses' AS metric, area_path, day, vaccine_code AS dim1, dose_kind AS dim2, dose_number::text AS dim3, n FROM report_dose_deltas
  UNION ALL
  SELECT 'coverage', person_area_path, day, 'first', age_band, '', n FROM report_dose_deltas WHERE dose_kind = 'primary' AND dose_number = 1
  UNION ALL
  SELECT 'coverage', person_area_path, day, 'full', age_band, '', n FROM report_dose_deltas WHERE completes_series
  UNION ALL
  SELECT 'coverage', person_area_path, day, 'booster', age_band, '', n FROM report_dose_deltas WHERE first_booster
  UNION ALL
  SELECT 'site_doses', area_path, day, site_id::text, vaccine_code, dose_kind || ':' || dose_number, n FROM report_dose_deltas WHERE site_id IS NOT NULL
  UNION ALL
  SELECT 'lot_doses', area_path, day, lot_id::text, vaccine_code, '', n FROM report_dose_deltas WHERE lot_id IS NOT NULL
  UNION ALL
  SELECT 'screenings', area_path, day, outcome, '', '', n FROM report_screening_deltas
  UNION ALL
  SELECT 'screenings', s.area_path, s.day, s.outcome, r.reason, '', s.n
    FROM report_screening_deltas s CROSS JOIN LATERAL (SELECT DISTINCT unnest(s.reasons) AS reason) r
  UNION ALL
  SELECT 'adverse', area_path, day, vaccine_code, 'events', '', n FROM report_adverse_deltas
  UNION ALL
  SELECT 'adverse', area_path, day, vaccine_code, 'serious', '', n FROM report_adverse_deltas WHERE serious
  UNION ALL
  SELECT 'adverse', area_path, day, vaccine_code, 'severe', '', n FROM report_adverse_deltas WHERE severity = 'severe'
  UNION ALL
  SELECT 'symptoms', a.area_path, a.day, a.vaccine_code, y.symptom, '', a.n
    FROM report_adverse_deltas a CROSS JOIN LATERAL (SELECT DISTINCT unnest(a.symptoms) AS symptom) y
  UNION ALL
  SELECT kind || 's', area_path, day, status, '', '', n FROM report_attendance_deltas;

-- The folded coverage and site_doses rows had the old dimensions: rebuild them from the doses, less what is still
-- pending (reads and the next fold add the pending deltas, so each dose is counted once).
DELETE FROM report_counts WHERE metric IN ('coverage', 'site_doses');
WITH f AS (
  SELECT metric, path, day, dim1, dim2, dim3, sum(n) AS n FROM (
    SELECT 'coverage' AS metric, coalesce(d.person_area_path, d.area_path)::text AS path, d.administered_on AS day, c.what AS dim1,
           report_age_band(d.person_id, d.administered_on) AS dim2, '' AS dim3, 1::bigint AS n
      FROM doses d
      CROSS JOIN LATERAL (VALUES ('first', d.dose_kind = 'primary' AND d.dose_number = 1), ('full', d.completes_series), ('booster', report_first_booster(d))) AS c (what, counted)
     WHERE d.review_status <> 'rejected' AND c.counted
    UNION ALL
    SELECT 'site_doses', d.area_path::text, d.administered_on, d.site_id::text, d.vaccine_code, d.dose_kind || ':' || d.dose_number, 1
      FROM doses d WHERE d.review_status <> 'rejected' AND d.site_id IS NOT NULL
    UNION ALL
    SELECT p.metric, p.area_path::text, p.day, p.dim1, p.dim2, p.dim3, -p.n FROM report_pending p WHERE p.metric IN ('coverage', 'site_doses')
  ) x GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0
),
up AS MATERIALIZED (SELECT x.path, subpath(x.path::ltree, 0, l.k)::text AS area, subpath(x.path::ltree, 0, l.k - 1)::text AS parent
         FROM (SELECT DISTINCT path FROM f) x JOIN (VALUES (1), (2), (3), (4), (5), (6)) AS l (k) ON l.k <= nlevel(x.path::ltree))
INSERT INTO report_counts (metric, area_path, parent_path, day, dim1, dim2, dim3, n)
SELECT f.metric, up.area, up.parent, f.day, f.dim1, f.dim2, f.dim3, sum(f.n)
  FROM f JOIN up ON up.path = f.path
 GROUP BY 1, 2, 3, 4, 5, 6, 7;
