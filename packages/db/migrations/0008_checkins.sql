-- Venue check-ins: tens of millions a day, kept for a retention window (28 days by default) and then dropped
-- whole. Partitioned by day IN VIET NAM TIME: partition checkins_dYYYYMMDD holds check-ins from
-- YYYY-MM-DD 00:00+07 to the next day 00:00+07 (17:00 UTC the day before to 17:00 UTC), so a day's partition is a
-- day people there recognise and a visit across local midnight spans two partitions (tracing widens its range).
--
-- venue_id has no foreign key yet: the venues registry comes in a later migration, which adds the check there is
-- (FKs from a table this size are checked per row at ingest; it may stay a soft reference). person_id has none
-- on purpose: a foreign key would lock the person row (FOR KEY SHARE) on every check-in, which serialises ingest
-- at peaks, and person merges re-point check-ins in a job rather than by cascade.
--
-- Idempotency: a unique index on a partitioned table must contain the partition key, so "client_id unique" alone
-- cannot be declared. Instead (client_id, checked_in_at) is unique: the client generates client_id once per
-- check-in (a UUID on the device or the venue page's offline queue) and a retry sends the same row, with the same
-- checked_in_at, so it lands in the same partition and conflicts there. INSERT ... ON CONFLICT
-- (client_id, checked_in_at) DO NOTHING makes a retried batch insert nothing new. (A client that changed
-- checked_in_at on retry would get a second row; the ingest contract says the time is fixed when the id is made.)
CREATE TABLE checkins (
  id uuid NOT NULL,
  venue_id uuid NOT NULL,
  person_id uuid NOT NULL,
  checked_in_at timestamptz NOT NULL,
  checked_out_at timestamptz,
  source text NOT NULL CHECK (source IN ('venue_scan', 'self_scan', 'manual')),
  client_id text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 100),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (checked_in_at, id),
  CHECK (checked_out_at IS NULL OR checked_out_at >= checked_in_at)
) PARTITION BY RANGE (checked_in_at);
-- Rows outside every daily partition (far past or future, or before the job first ran) land here; the maintenance
-- function moves them into a daily partition when it creates one and deletes them when past retention.
CREATE TABLE checkins_default PARTITION OF checkins DEFAULT;
-- Tracing: an index person's visits, then the other people at the same venue around those times. The venue index
-- carries person and check-out so the contact search can be answered from the index alone.
CREATE INDEX checkins_person ON checkins (person_id, checked_in_at);
CREATE INDEX checkins_venue ON checkins (venue_id, checked_in_at) INCLUDE (person_id, checked_out_at, id);
CREATE UNIQUE INDEX checkins_client ON checkins (client_id, checked_in_at);

-- The Viet Nam calendar day of an instant, and the instant a Viet Nam day starts. UTC+7 all year (no daylight
-- saving since 1975), so a fixed offset: no dependence on the server's time zone database or session TimeZone.
CREATE OR REPLACE FUNCTION sen_vn_day(at timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ((at AT TIME ZONE 'UTC') + interval '7 hours')::date $$;
CREATE OR REPLACE FUNCTION sen_vn_day_start(day date) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (day::timestamp - interval '7 hours') AT TIME ZONE 'UTC' $$;

-- Keeps the daily partitions; a job calls it daily. Creates every missing partition from the oldest day still
-- inside the retention window up to days_ahead days after today (Viet Nam time), moving any rows of that day out
-- of the default partition first. Then detaches and drops every daily partition that ends at or before the
-- cut-off (now() - retention_days), i.e. holds nothing newer than the cut-off; a partition that would still hold
-- a newer row is kept (the check is defensive: the partition bounds already rule it out). Rows of the default
-- partition older than the cut-off are deleted. Returns how many partitions were created and dropped and how
-- many default-partition rows were purged. Idempotent: a second run the same day does nothing.
-- Only partitions named checkins_dYYYYMMDD are managed; their day is read from the name.
CREATE OR REPLACE FUNCTION sen_checkins_maintain(days_ahead integer DEFAULT 3, retention_days integer DEFAULT 28)
  RETURNS TABLE (created integer, dropped integer, purged bigint)
  LANGUAGE plpgsql AS $$
DECLARE
  today date := sen_vn_day(now());
  cutoff timestamptz := now() - make_interval(days => retention_days);
  day date;
  lo timestamptz;
  hi timestamptz;
  part text;
  has_rows boolean;
  n_created integer := 0;
  n_dropped integer := 0;
  n_purged bigint := 0;
BEGIN
  IF days_ahead IS NULL OR days_ahead < 0 OR days_ahead > 366 THEN
    RAISE EXCEPTION 'days_ahead must be between 0 and 366, not %', days_ahead USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF retention_days IS NULL OR retention_days < 1 OR retention_days > 3660 THEN
    RAISE EXCEPTION 'retention_days must be between 1 and 3660, not %', retention_days USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Do not queue behind a long tracing query for ever (and block every insert meanwhile): fail and retry later.
  PERFORM set_config('lock_timeout', '10s', true);

  -- Drop first, so a partition is never created only to be dropped.
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'checkins'::regclass AND c.relname ~ '^checkins_d[0-9]{8}$'
     ORDER BY c.relname
  LOOP
    day := to_date(substr(part, 11), 'YYYYMMDD');
    hi := sen_vn_day_start(day + 1);
    CONTINUE WHEN hi > cutoff;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE checked_in_at >= %L)', part, cutoff) INTO has_rows;
    CONTINUE WHEN has_rows;
    EXECUTE format('ALTER TABLE checkins DETACH PARTITION %I', part);
    EXECUTE format('DROP TABLE %I', part);
    n_dropped := n_dropped + 1;
  END LOOP;
  DELETE FROM checkins_default WHERE checked_in_at < cutoff;
  GET DIAGNOSTICS n_purged = ROW_COUNT;

  -- From the first day that still has a moment inside the window, to days_ahead after today.
  FOR i IN 0..(today + days_ahead - sen_vn_day(cutoff)) LOOP
    day := sen_vn_day(cutoff) + i;
    part := 'checkins_d' || to_char(day, 'YYYYMMDD');
    CONTINUE WHEN to_regclass(part) IS NOT NULL;
    lo := sen_vn_day_start(day);
    hi := sen_vn_day_start(day + 1);
    IF EXISTS (SELECT 1 FROM checkins_default WHERE checked_in_at >= lo AND checked_in_at < hi) THEN
      -- A new partition may not overlap rows of the default one: move them into a table, then attach it.
      EXECUTE format('CREATE TABLE %I (LIKE checkins INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
      EXECUTE format('WITH moved AS (DELETE FROM checkins_default WHERE checked_in_at >= %L AND checked_in_at < %L RETURNING *) '
                     'INSERT INTO %I SELECT * FROM moved', lo, hi, part);
      EXECUTE format('ALTER TABLE checkins ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
    ELSE
      EXECUTE format('CREATE TABLE %I PARTITION OF checkins FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
    END IF;
    n_created := n_created + 1;
  END LOOP;

  RETURN QUERY SELECT n_created, n_dropped, n_purged;
END $$;
SELECT sen_checkins_maintain(3, 28);
