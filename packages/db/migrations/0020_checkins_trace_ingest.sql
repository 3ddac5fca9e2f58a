-- Check-ins at national scale: cheaper ingest and a one-statement trace with a reusable plan (issue 5).
--
-- 1. Idempotency by the primary key. The app now derives a check-in's id from (client_id, checked_in_at)
--    (checkinId() in record-checkins.ts: the check-in time in the first 48 bits like UUIDv7, then a SHA-256 of
--    both), so a retry carries the same id and INSERT ... ON CONFLICT (checked_in_at, id) DO NOTHING skips it.
--    The unique index (client_id, checked_in_at) of 0008 goes: it was the largest of the four indexes and, led by
--    a random text id, sent every insert to a random leaf page of today's partition. Rows stored before this
--    migration keep their random ids: a retry of one of them arriving after the upgrade (an offline queue that
--    held it across the upgrade) would be stored a second time.
DROP INDEX checkins_client;

-- 2. Long visits apart. Tracing looks back from each visit of the index person for other visits still going on;
--    with only the venue index that lookback is the longest visit accepted (24 hours), which reads a whole day of
--    a busy venue, and yesterday's partition, for every visit. Visits with a check-out more than 3 hours after the
--    check-in (a working day at an office) are also kept in this small partial index, so the venue index is read
--    back 3 hours (or the venue's default visit length) and this one back 24 hours.
CREATE INDEX checkins_long_visits ON checkins (venue_id, checked_in_at) INCLUDE (person_id, checked_out_at, id)
  WHERE checked_out_at - checked_in_at > interval '3 hours';

-- 3. The trace: the index person's visits checked in within [window_from, window_to], each with its venue's type
--    and default visit length, and for each visit the other people at the same venue who are contacts under the
--    rule. A visit with no check-out lasts its venue's default length (fallback_visit for a venue not in the
--    registry). The rule is given as the least time the two visits must share: for PC-COVID's window of W minutes
--    that is -W (a gap of at most W), for minutes of overlap it is the minimum, with must_overlap so that touching
--    visits are no contact; reach is how far the rule looks beyond a visit (W, or zero). longest_visit is the
--    longest visit ingest accepts. Contacts come as a JSON array per visit (id, personId, start and end in epoch
--    milliseconds, estimated = no check-out): one row per visit instead of one per contact, which PGlite returns
--    several times faster. The caller classifies and ranks them (packages/domain).
--
--    plpgsql keeps the plan for the connection and plan_cache_mode = force_generic_plan makes it reuse one plan:
--    with custom plans, PostgreSQL re-plans the query for every call over every daily partition and its indexes
--    (several milliseconds on PGlite, more than running it). The generic plan prunes partitions at run time, at
--    start from the window and per visit from its own bounds.
CREATE OR REPLACE FUNCTION sen_trace_contacts(
  index_person uuid, window_from timestamptz, window_to timestamptz,
  reach interval, min_shared interval, must_overlap boolean, longest_visit interval, fallback_visit interval)
RETURNS TABLE (checkin_id uuid, venue_id uuid, venue_type text, checked_in_at timestamptz, ends_at timestamptz,
               end_estimated boolean, contacts json)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH visits AS MATERIALIZED (
    SELECT c.id, c.venue_id, c.checked_in_at, c.checked_out_at, v.type AS venue_type,
           coalesce(v.default_visit_minutes * interval '1 minute', fallback_visit) AS default_length
      FROM checkins c LEFT JOIN venues v ON v.id = c.venue_id
     WHERE c.person_id = index_person AND c.checked_in_at >= window_from AND c.checked_in_at <= window_to
  ), idx AS (
    SELECT visits.*, coalesce(visits.checked_out_at, visits.checked_in_at + visits.default_length) AS ends,
           -- Visits that began before this can only meet this one if they lasted over 3 hours (and so are long visits).
           visits.checked_in_at - greatest(interval '3 hours', visits.default_length) - reach AS short_from
      FROM visits
  )
  SELECT idx.id, idx.venue_id, idx.venue_type, idx.checked_in_at, idx.ends, idx.checked_out_at IS NULL,
         (SELECT coalesce(json_agg(json_build_object(
                   'id', o.id, 'personId', o.person_id,
                   'start', floor(extract(epoch FROM o.checked_in_at) * 1000)::int8,
                   'end', floor(extract(epoch FROM o.ends) * 1000)::int8,
                   'estimated', o.estimated) ORDER BY o.checked_in_at, o.id), '[]')
            FROM (
              SELECT c.id, c.person_id, c.checked_in_at, coalesce(c.checked_out_at, c.checked_in_at + idx.default_length) AS ends,
                     c.checked_out_at IS NULL AS estimated
                FROM checkins c
               WHERE c.venue_id = idx.venue_id
                 -- Constant for the whole window, so partitions outside it are pruned when the plan starts.
                 AND c.checked_in_at >= window_from - longest_visit - reach AND c.checked_in_at <= window_to + longest_visit + reach
                 AND c.checked_in_at >= idx.short_from AND c.checked_in_at <= idx.ends + reach
                 AND c.person_id <> index_person
              UNION ALL
              SELECT c.id, c.person_id, c.checked_in_at, c.checked_out_at, false
                FROM checkins c
               WHERE c.venue_id = idx.venue_id
                 AND c.checked_out_at - c.checked_in_at > interval '3 hours'
                 AND c.checked_in_at >= window_from - longest_visit - reach AND c.checked_in_at <= window_to + longest_visit + reach
                 AND c.checked_in_at >= idx.checked_in_at - longest_visit - reach AND c.checked_in_at < idx.short_from
                 AND c.person_id <> index_person
            ) o
           WHERE least(idx.ends, o.ends) - greatest(idx.checked_in_at, o.checked_in_at) >= min_shared
             AND (NOT must_overlap OR least(idx.ends, o.ends) > greatest(idx.checked_in_at, o.checked_in_at)))
    FROM idx
   ORDER BY idx.checked_in_at, idx.id;
END $$;
