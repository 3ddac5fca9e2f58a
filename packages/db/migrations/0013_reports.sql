-- Live reports (module reports, issue 3 item 9): incremental rollups of doses, screenings, adverse events,
-- registrations and invitations, exact at read time and never a scan of raw doses per request.
--
-- Design, and why:
-- * Writers never touch a shared counter. AFTER triggers on the source tables append one compact delta row per
--   change (+1 for an insert, -1/+1 when an update moves a row between counted groups, -1 for a delete) to a
--   per-source delta table. Appends do not contend: 50 concurrent dose writers would otherwise queue on the same
--   "today, this commune, this vaccine" rollup row. The delta tables are logged (an unlogged table is emptied
--   after a crash, which would lose counts for good).
-- * A fold (report_fold(), run every few seconds by the server and `sen worker` under an advisory lock) moves the
--   deltas into report_counts in one REPEATABLE READ transaction: the upsert and the DELETE see the same snapshot,
--   so a delta committed meanwhile is neither lost nor counted twice, and a second folder either finds the lock
--   taken or fails to serialize and rolls back (folding twice never double counts).
-- * Each fact is folded into every ancestor of its area (country, province, [district,] commune), so a national
--   or provincial read reads tens of rows, not one per commune. Reads add the not-yet-folded deltas
--   (report_pending, at commune grain) in the same statement, so answers are exact at read time whatever the
--   fold lag.
-- * Counted doses: every dose except rejected backfills (pending backfills count: the campaign counted people
--   "vaccinated but not yet updated"). Coverage counts by residence (person_area_path; the commune where the dose
--   was given when the residence is unknown): at least one dose = primary dose 1, full series = completes_series,
--   booster = the person's first booster (report_first_booster).

CREATE TABLE report_counts (
  metric text NOT NULL,
  -- Paths as text in the C collation: rollups are only ever read by equality, and the fold groups millions of
  -- rows at a time, which text hashes and ltree (no hash support before PostgreSQL 16) can only sort.
  area_path text COLLATE "C" NOT NULL,
  -- The area one level up ('' for the country): "this area's children" is one index range.
  parent_path text COLLATE "C" NOT NULL,
  day date NOT NULL,
  dim1 text NOT NULL DEFAULT '',
  dim2 text NOT NULL DEFAULT '',
  dim3 text NOT NULL DEFAULT '',
  n bigint NOT NULL,
  PRIMARY KEY (metric, area_path, day, dim1, dim2, dim3)
);
CREATE INDEX report_counts_children ON report_counts (metric, parent_path, day);

-- Deltas. Columns are the dimensions the fold needs; n is +1 or -1.
CREATE TABLE report_dose_deltas (
  area_path ltree NOT NULL,
  person_area_path ltree NOT NULL,
  day date NOT NULL,
  vaccine_code text NOT NULL,
  dose_kind text NOT NULL,
  dose_number integer NOT NULL,
  completes_series boolean NOT NULL,
  site_id uuid,
  lot_id uuid,
  n integer NOT NULL,
  -- The person's first booster (doses number boosters on from the primary series: 3 after two doses, 2 after
  -- Janssen), so booster coverage counts each person once.
  first_booster boolean NOT NULL DEFAULT false
);
CREATE TABLE report_screening_deltas (
  area_path ltree NOT NULL,
  day date NOT NULL,
  outcome text NOT NULL,
  reasons text[] NOT NULL,
  n integer NOT NULL
);
CREATE TABLE report_adverse_deltas (
  area_path ltree NOT NULL,
  day date NOT NULL,
  vaccine_code text NOT NULL,
  serious boolean NOT NULL,
  severity text NOT NULL,
  symptoms text[] NOT NULL,
  n integer NOT NULL
);
CREATE TABLE report_attendance_deltas (
  -- 'registration' or 'invitation'
  kind text NOT NULL,
  area_path ltree NOT NULL,
  day date NOT NULL,
  status text NOT NULL,
  n integer NOT NULL
);

-- Whether a dose is its person's first booster: no other counted booster of theirs has a lower number (the
-- person index serves it; only boosters pay the lookup). A booster backfilled later than a newer one is the
-- rare case this counts twice.
CREATE FUNCTION report_first_booster(d doses) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT d.dose_kind = 'booster' AND NOT EXISTS (
    SELECT 1 FROM doses o
     WHERE o.person_id = d.person_id AND o.id <> d.id AND o.dose_kind = 'booster' AND o.review_status <> 'rejected' AND o.dose_number < d.dose_number)
$$;

CREATE FUNCTION report_dose_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.review_status <> 'rejected' THEN
    IF TG_OP = 'UPDATE' AND NEW.review_status <> 'rejected'
       AND (OLD.area_path, OLD.person_area_path, OLD.administered_on, OLD.vaccine_code, OLD.dose_kind, OLD.dose_number, OLD.completes_series, OLD.site_id, OLD.lot_id)
           IS NOT DISTINCT FROM
           (NEW.area_path, NEW.person_area_path, NEW.administered_on, NEW.vaccine_code, NEW.dose_kind, NEW.dose_number, NEW.completes_series, NEW.site_id, NEW.lot_id) THEN
      RETURN NULL; -- nothing counted changed (a review confirming a backfill, an observation)
    END IF;
    INSERT INTO report_dose_deltas VALUES (OLD.area_path, coalesce(OLD.person_area_path, OLD.area_path), OLD.administered_on, OLD.vaccine_code,
      OLD.dose_kind, OLD.dose_number, OLD.completes_series, OLD.site_id, OLD.lot_id, -1, report_first_booster(OLD));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.review_status <> 'rejected' THEN
    INSERT INTO report_dose_deltas VALUES (NEW.area_path, coalesce(NEW.person_area_path, NEW.area_path), NEW.administered_on, NEW.vaccine_code,
      NEW.dose_kind, NEW.dose_number, NEW.completes_series, NEW.site_id, NEW.lot_id, 1, report_first_booster(NEW));
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER doses_report AFTER INSERT OR UPDATE OR DELETE ON doses FOR EACH ROW EXECUTE FUNCTION report_dose_delta();

CREATE FUNCTION report_screening_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.area_path, OLD.screened_at, OLD.outcome, OLD.reasons) IS NOT DISTINCT FROM (NEW.area_path, NEW.screened_at, NEW.outcome, NEW.reasons) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO report_screening_deltas VALUES (OLD.area_path, sen_vn_day(OLD.screened_at), OLD.outcome, OLD.reasons, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO report_screening_deltas VALUES (NEW.area_path, sen_vn_day(NEW.screened_at), NEW.outcome, NEW.reasons, 1);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER screenings_report AFTER INSERT OR UPDATE OR DELETE ON screenings FOR EACH ROW EXECUTE FUNCTION report_screening_delta();

CREATE FUNCTION report_adverse_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.area_path, OLD.onset_at, OLD.vaccine_code, OLD.serious, OLD.severity, OLD.symptoms)
     IS NOT DISTINCT FROM (NEW.area_path, NEW.onset_at, NEW.vaccine_code, NEW.serious, NEW.severity, NEW.symptoms) THEN
    RETURN NULL; -- causality set by an investigator
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO report_adverse_deltas VALUES (OLD.area_path, sen_vn_day(OLD.onset_at), OLD.vaccine_code, OLD.serious, OLD.severity, OLD.symptoms, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO report_adverse_deltas VALUES (NEW.area_path, sen_vn_day(NEW.onset_at), NEW.vaccine_code, NEW.serious, NEW.severity, NEW.symptoms, 1);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER adverse_events_report AFTER INSERT OR UPDATE OR DELETE ON adverse_events FOR EACH ROW EXECUTE FUNCTION report_adverse_delta();

-- Registrations and invitations change status: the day is the day they were made, the status the current one.
CREATE FUNCTION report_attendance_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text := CASE TG_TABLE_NAME WHEN 'vaccination_registrations' THEN 'registration' ELSE 'invitation' END;
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.area_path, OLD.status, OLD.created_at) IS NOT DISTINCT FROM (NEW.area_path, NEW.status, NEW.created_at) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO report_attendance_deltas VALUES (kind, OLD.area_path, sen_vn_day(OLD.created_at), OLD.status, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO report_attendance_deltas VALUES (kind, NEW.area_path, sen_vn_day(NEW.created_at), NEW.status, 1);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER vaccination_registrations_report AFTER INSERT OR UPDATE OR DELETE ON vaccination_registrations FOR EACH ROW EXECUTE FUNCTION report_attendance_delta();
CREATE TRIGGER vaccination_invitations_report AFTER INSERT OR UPDATE OR DELETE ON vaccination_invitations FOR EACH ROW EXECUTE FUNCTION report_attendance_delta();

-- The deltas as facts at commune grain, in report_counts' shape. The fold and every read use this one view, so
-- what is folded and what is added at read time can never disagree.
--   doses        dim1 vaccine, dim2 dose kind, dim3 dose number       (area: where given)
--   coverage     dim1 first | full | booster                         (area: residence)
--   site_doses   dim1 site id, dim2 vaccine                           (area: where given)
--   lot_doses    dim1 lot id, dim2 vaccine                            (area: where given)
--   screenings   dim1 outcome, dim2 reason ('' = every screening of that outcome)
--   adverse      dim1 vaccine, dim2 events | serious | severe
--   symptoms     dim1 vaccine, dim2 symptom code
--   registrations / invitations   dim1 status
CREATE VIEW report_pending AS
  -- One plain scan per fact (not a LATERAL fan-out per row): a read asking for one metric keeps only its branches.
  SELECT 'doses' AS metric, area_path, day, vaccine_code AS dim1, dose_kind AS dim2, dose_number::text AS dim3, n FROM report_dose_deltas
  UNION ALL
  SELECT 'coverage', person_area_path, day, 'first', '', '', n FROM report_dose_deltas WHERE dose_kind = 'primary' AND dose_number = 1
  UNION ALL
  SELECT 'coverage', person_area_path, day, 'full', '', '', n FROM report_dose_deltas WHERE completes_series
  UNION ALL
  SELECT 'coverage', person_area_path, day, 'booster', '', '', n FROM report_dose_deltas WHERE first_booster
  UNION ALL
  SELECT 'site_doses', area_path, day, site_id::text, vaccine_code, '', n FROM report_dose_deltas WHERE site_id IS NOT NULL
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

-- Moves every delta visible to this transaction's snapshot into report_counts, at every ancestor level, and
-- deletes exactly those deltas. Must run in a REPEATABLE READ transaction (the application does; the check below
-- refuses otherwise): in READ COMMITTED the DELETE would also remove deltas committed after the upsert read them.
-- Returns the number of delta rows folded, or -1 when another fold holds the lock.
CREATE FUNCTION report_fold() RETURNS bigint LANGUAGE plpgsql
  -- A big fold (a bulk load) must hash in memory, and is not worth compiling with JIT.
  SET work_mem = '256MB' SET jit = off
AS $$
DECLARE
  folded bigint := 0;
  c bigint;
BEGIN
  IF current_setting('transaction_isolation') NOT IN ('repeatable read', 'serializable') THEN
    RAISE EXCEPTION 'report_fold() must run in a REPEATABLE READ transaction';
  END IF;
  IF NOT pg_try_advisory_xact_lock(hashtext('sen.report_fold')) THEN
    RETURN -1;
  END IF;
  -- Sum at commune grain first (many doses share a commune, day and vaccine), then add each sum to the area and
  -- its ancestors, computed once per distinct path. Grouping is on text: it hashes, ltree only sorts.
  WITH f AS (SELECT metric, area_path::text AS path, day, dim1, dim2, dim3, sum(n) AS n FROM report_pending GROUP BY 1, 2, 3, 4, 5, 6),
  up AS MATERIALIZED (SELECT x.path, subpath(x.path::ltree, 0, l.k)::text AS area, subpath(x.path::ltree, 0, l.k - 1)::text AS parent
           FROM (SELECT DISTINCT path FROM f) x JOIN (VALUES (1), (2), (3), (4), (5), (6)) AS l (k) ON l.k <= nlevel(x.path::ltree))
  INSERT INTO report_counts AS rc (metric, area_path, parent_path, day, dim1, dim2, dim3, n)
  SELECT f.metric, up.area, up.parent, f.day, f.dim1, f.dim2, f.dim3, sum(f.n)
    FROM f JOIN up ON up.path = f.path
   GROUP BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT (metric, area_path, day, dim1, dim2, dim3) DO UPDATE SET n = rc.n + excluded.n;
  DELETE FROM report_dose_deltas;
  GET DIAGNOSTICS c = ROW_COUNT;
  folded := folded + c;
  DELETE FROM report_screening_deltas;
  GET DIAGNOSTICS c = ROW_COUNT;
  folded := folded + c;
  DELETE FROM report_adverse_deltas;
  GET DIAGNOSTICS c = ROW_COUNT;
  folded := folded + c;
  DELETE FROM report_attendance_deltas;
  GET DIAGNOSTICS c = ROW_COUNT;
  folded := folded + c;
  RETURN folded;
END;
$$;

-- Lot traceability pages through a lot's doses in id order.
CREATE INDEX doses_lot_id ON doses (lot_id, id) WHERE lot_id IS NOT NULL;

-- Rows written before this migration (none on a fresh database) start as deltas and are folded like any other.
INSERT INTO report_dose_deltas
  SELECT area_path, coalesce(person_area_path, area_path), administered_on, vaccine_code, dose_kind, dose_number, completes_series, site_id, lot_id, 1, report_first_booster(doses)
    FROM doses WHERE review_status <> 'rejected';
INSERT INTO report_screening_deltas SELECT area_path, sen_vn_day(screened_at), outcome, reasons, 1 FROM screenings;
INSERT INTO report_adverse_deltas SELECT area_path, sen_vn_day(onset_at), vaccine_code, serious, severity, symptoms, 1 FROM adverse_events;
INSERT INTO report_attendance_deltas SELECT 'registration', area_path, sen_vn_day(created_at), status, 1 FROM vaccination_registrations;
INSERT INTO report_attendance_deltas SELECT 'invitation', area_path, sen_vn_day(created_at), status, 1 FROM vaccination_invitations;
