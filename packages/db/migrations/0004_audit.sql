-- Append-only audit log, partitioned by month so old months can be archived and detached whole.
CREATE TABLE audit_log (
  id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  actor_user_id uuid,
  actor_username text,
  action text NOT NULL,
  entity_type text,
  entity_id text,
  area_path ltree,
  ip inet,
  request_id text,
  details jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (at, id)
) PARTITION BY RANGE (at);
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

-- Creates the monthly partitions from one month back to months_ahead ahead; a job calls it daily.
CREATE OR REPLACE FUNCTION sen_audit_ensure_partitions(months_ahead integer) RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE
  month_start date;
  created integer := 0;
  part text;
BEGIN
  FOR i IN -1..months_ahead LOOP
    month_start := (date_trunc('month', now()) + make_interval(months => i))::date;
    part := format('audit_log_y%sm%s', to_char(month_start, 'YYYY'), to_char(month_start, 'MM'));
    IF to_regclass(part) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
        part, month_start, (month_start + interval '1 month')::date);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END $$;
SELECT sen_audit_ensure_partitions(3);

-- Nobody rewrites history: updates, deletes and truncation of the audit log are refused.
CREATE OR REPLACE FUNCTION sen_audit_refuse_change() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION sen_audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION sen_audit_refuse_change();
