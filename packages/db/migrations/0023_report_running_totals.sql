-- Coverage as of a date (the dashboard, the coverage report) summed every day of the campaign for every area read:
-- with the age bands of 0017 that is 12 rows per area and day, 300,000 rows for a province's communes over 200
-- days. The fold now also keeps a running total per coverage key under the day 'infinity', so coverage as of a date
-- is the total less the days after it (none for today): a few rows per area whatever the length of the campaign.
-- Range reads (BETWEEN from AND to) and 'until' reads by day never reach 'infinity'.

CREATE OR REPLACE FUNCTION report_fold() RETURNS bigint LANGUAGE plpgsql
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
  -- its ancestors, computed once per distinct path, on its day and, for coverage, on the running total.
  WITH f AS (SELECT metric, area_path::text AS path, day, dim1, dim2, dim3, sum(n) AS n FROM report_pending GROUP BY 1, 2, 3, 4, 5, 6),
  up AS MATERIALIZED (SELECT x.path, subpath(x.path::ltree, 0, l.k)::text AS area, subpath(x.path::ltree, 0, l.k - 1)::text AS parent
           FROM (SELECT DISTINCT path FROM f) x JOIN (VALUES (1), (2), (3), (4), (5), (6)) AS l (k) ON l.k <= nlevel(x.path::ltree))
  INSERT INTO report_counts AS rc (metric, area_path, parent_path, day, dim1, dim2, dim3, n)
  SELECT f.metric, up.area, up.parent, d.day, f.dim1, f.dim2, f.dim3, sum(f.n)
    FROM f JOIN up ON up.path = f.path
    CROSS JOIN LATERAL (SELECT f.day UNION ALL SELECT date 'infinity' WHERE f.metric = 'coverage') AS d (day)
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

-- The running totals of what is already folded.
INSERT INTO report_counts (metric, area_path, parent_path, day, dim1, dim2, dim3, n)
SELECT metric, area_path, parent_path, date 'infinity', dim1, dim2, dim3, sum(n)
  FROM report_counts WHERE metric = 'coverage'
 GROUP BY metric, area_path, parent_path, dim1, dim2, dim3;
