-- Certificates, second step (issue 4): validity rules as versioned data, recovery certificates, passages that keep
-- no trace of the citizen who showed a certificate, and revocation counters for serving the trust list cheaply.

-- CertLogic rule sets (checkpoint and personal QR rules). The code's defaults are written at start when missing; a
-- national administrator adds later versions, in force from a day that is today or later. A version never changes
-- once stored (verifiers may hold it offline): a correction is a new version. The trust list carries every version
-- and a verifier evaluates the one in force at its clock. rules is the JSON array of rules of the set.
CREATE TABLE certificate_rule_sets (
  version text PRIMARY KEY CHECK (version ~ '^[0-9A-Za-z][0-9A-Za-z.-]{0,39}$'),
  valid_from date NOT NULL,
  rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
  source text NOT NULL CHECK (source IN ('default', 'admin')),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
-- One version per day: the version in force on a day is never ambiguous.
CREATE UNIQUE INDEX certificate_rule_sets_valid_from ON certificate_rule_sets (valid_from);

CREATE FUNCTION sen_certificate_rule_sets_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'certificate rule sets never change once stored' USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER certificate_rule_sets_immutable BEFORE UPDATE OR DELETE ON certificate_rule_sets
  FOR EACH ROW EXECUTE FUNCTION sen_certificate_rule_sets_immutable();

-- Recovery certificates (kind 'recovery'): event_on is the day of the first positive test, source_id the test result
-- when the testing module gives one. One valid recovery certificate per person and positive test day, as one valid
-- vaccination certificate per dose.
CREATE UNIQUE INDEX certificates_one_valid_recovery ON certificates (person_id, event_on) WHERE status = 'valid' AND kind = 'recovery';

-- A citizen's own passage is logged by checkpoint, time, result and certificate hash only: who showed it is not kept.
UPDATE checkpoint_passages SET recorded_by = NULL WHERE via = 'citizen' AND recorded_by IS NOT NULL;
ALTER TABLE checkpoint_passages ADD CONSTRAINT checkpoint_passages_citizen_anonymous CHECK (via <> 'citizen' OR recorded_by IS NULL);

-- What the served trust list is built from changes only when revocations do: a trigger counts every change per hash
-- type (generation), so a verifier's revalidation, a 304 most of the time, reads one row instead of a million.
CREATE TABLE certificate_revocation_stats (
  hash_type text PRIMARY KEY,
  revocations bigint NOT NULL,
  generation bigint NOT NULL,
  latest_revoked_at timestamptz
);
INSERT INTO certificate_revocation_stats (hash_type, revocations, generation, latest_revoked_at)
  SELECT hash_type, count(*), count(*), max(revoked_at) FROM certificate_revocations GROUP BY hash_type;

CREATE FUNCTION sen_certificate_revocation_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE certificate_revocation_stats SET revocations = revocations - 1, generation = generation + 1 WHERE hash_type = OLD.hash_type;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO certificate_revocation_stats AS s (hash_type, revocations, generation, latest_revoked_at) VALUES (NEW.hash_type, 1, 1, NEW.revoked_at)
      ON CONFLICT (hash_type) DO UPDATE SET revocations = s.revocations + 1, generation = s.generation + 1, latest_revoked_at = greatest(s.latest_revoked_at, NEW.revoked_at);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER certificate_revocations_stats AFTER INSERT OR UPDATE OR DELETE ON certificate_revocations
  FOR EACH ROW EXECUTE FUNCTION sen_certificate_revocation_stats();
