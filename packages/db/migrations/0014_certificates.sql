-- Signed COVID certificates (issue 4): what was issued to whom, revocations, the published trust list versions,
-- and checkpoints with their passage log. Private signing keys are never stored here: they live in the keys
-- directory (SEN_KEYS_DIR) and the table keeps only the signer's kid.

-- One row per issued certificate. A certificate is never deleted: a correction supersedes it (status
-- 'superseded', superseded_by the new one) and revokes it; 'revoked' alone is a revocation without a successor.
-- dose_id is a soft reference to doses (0011) for vaccination certificates; recovery certificates will point at
-- a test result instead (source_id), once testing exists.
CREATE TABLE certificates (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  -- The person's home commune when issued, copied so jurisdiction is one indexed test.
  area_path ltree,
  kind text NOT NULL CHECK (kind IN ('vaccination', 'recovery', 'test')),
  uvci text NOT NULL UNIQUE CHECK (length(uvci) BETWEEN 10 AND 80 AND uvci ~ '^URN:UVCI:01:VN:[A-Z0-9/]+#[A-Z0-9/:]$'),
  dose_id uuid,
  source_id uuid,
  -- What the certificate says, for lists and the PDF without decoding the QR (dn/sd for vaccinations).
  product text,
  dose_number integer CHECK (dose_number BETWEEN 1 AND 20),
  series_doses integer CHECK (series_doses BETWEEN 1 AND 20),
  event_on date NOT NULL,
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > issued_at),
  kid text NOT NULL CHECK (kid ~ '^[0-9a-f]{16}$'),
  -- The HC1 text (what the QR holds); a few hundred bytes, kept so a citizen can download it again.
  hcert text NOT NULL CHECK (hcert LIKE 'HC1:%' AND length(hcert) <= 4096),
  payload_hash text NOT NULL,
  -- EU revocation hashes (first 128 bits of SHA-256, base64): of the UCI, of country code + UCI, of the signature.
  uci_hash text NOT NULL,
  country_uci_hash text NOT NULL,
  signature_hash text NOT NULL,
  status text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked', 'superseded')),
  revoked_at timestamptz,
  reason text CHECK (length(reason) BETWEEN 1 AND 500),
  -- Deferred: the old row is revoked (freeing its dose) before its successor is inserted, in one transaction.
  superseded_by uuid REFERENCES certificates (id) DEFERRABLE INITIALLY DEFERRED,
  issued_by uuid REFERENCES users (id),
  CHECK ((status = 'valid') = (revoked_at IS NULL)),
  CHECK (status <> 'superseded' OR superseded_by IS NOT NULL),
  CHECK (kind <> 'vaccination' OR (dose_id IS NOT NULL AND dose_number IS NOT NULL AND series_doses IS NOT NULL))
);
CREATE INDEX certificates_person ON certificates (person_id, issued_at DESC);
CREATE INDEX certificates_area ON certificates USING gist (area_path);
-- One valid certificate per dose: issuing twice is a no-op, a correction replaces it in one transaction.
CREATE UNIQUE INDEX certificates_one_valid_per_dose ON certificates (dose_id) WHERE status = 'valid' AND dose_id IS NOT NULL;
CREATE INDEX certificates_uci_hash ON certificates (uci_hash);

-- Revoked certificate hashes as the EU DCC revocation lists carry them: one row per hash type, kept until the
-- certificate would have expired anyway (then a verifier rejects it for expiry and the entry can go).
CREATE TABLE certificate_revocations (
  id uuid PRIMARY KEY,
  certificate_id uuid NOT NULL REFERENCES certificates (id),
  kid text NOT NULL,
  hash_type text NOT NULL CHECK (hash_type IN ('UCI', 'COUNTRYCODEUCI', 'SIGNATURE')),
  hash text NOT NULL,
  revoked_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  UNIQUE (hash_type, hash)
);
CREATE INDEX certificate_revocations_batch ON certificate_revocations (kid, hash_type, revoked_at, id);

-- Each published state of what verifiers need (signers, revocations, rules). The version only rises: a new row
-- when the content changes, and when the list is re-signed so verifiers do not find it stale (they refuse a list
-- older than a few days). body is the signed trust list served as is, etag its strong validator.
CREATE TABLE trust_list_versions (
  version integer PRIMARY KEY CHECK (version >= 1),
  content_hash text NOT NULL,
  signer_kids text[] NOT NULL,
  revocation_count integer NOT NULL,
  rules_version text NOT NULL,
  body text NOT NULL,
  etag text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now()
);

-- Control points (seed 003): officers verify certificates there; a citizen scanning the checkpoint's QR logs a
-- passage. qr_token is what the printed QR carries: random, unguessable, not the id.
CREATE TABLE checkpoints (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  commune_code text NOT NULL REFERENCES areas (code),
  area_path ltree NOT NULL,
  qr_token text NOT NULL UNIQUE CHECK (qr_token ~ '^[A-Za-z0-9_-]{16,64}$'),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id)
);
CREATE INDEX checkpoints_area ON checkpoints USING gist (area_path);

-- Who passed: time, place, result and the certificate's UCI hash. No name, no birth date, no person id.
CREATE TABLE checkpoint_passages (
  id uuid PRIMARY KEY,
  checkpoint_id uuid NOT NULL REFERENCES checkpoints (id),
  passed_at timestamptz NOT NULL,
  result text NOT NULL CHECK (result IN ('pass', 'fail')),
  failure_reason text CHECK (length(failure_reason) <= 100),
  certificate_hash text CHECK (length(certificate_hash) <= 64),
  via text NOT NULL CHECK (via IN ('officer', 'officer_scan', 'citizen')),
  recorded_by uuid REFERENCES users (id),
  CHECK ((result = 'fail') = (failure_reason IS NOT NULL))
);
CREATE INDEX checkpoint_passages_time ON checkpoint_passages (checkpoint_id, passed_at);
