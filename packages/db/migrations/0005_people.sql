CREATE TABLE households (
  id uuid PRIMARY KEY,
  address text,
  commune_code text REFERENCES areas (code),
  area_path ltree,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX households_area ON households USING gist (area_path);

-- The people registry. full_name is NFC as typed; search_name is the folded form (no diacritics, đ -> d,
-- lower case) used by search and duplicate detection. birth_date may be partial: 'YYYY', 'YYYY-MM' or
-- 'YYYY-MM-DD'. area_path is the commune's path, copied so jurisdiction is one indexed test.
-- A merged record is never deleted: merged_into points at the survivor.
CREATE TABLE people (
  id uuid PRIMARY KEY,
  full_name text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
  search_name text NOT NULL,
  birth_date text CHECK (birth_date ~ '^\d{4}(-\d{2}(-\d{2})?)?$'),
  birth_year smallint GENERATED ALWAYS AS (substr(birth_date, 1, 4)::smallint) STORED,
  sex text NOT NULL DEFAULT 'unknown' CHECK (sex IN ('male', 'female', 'other', 'unknown')),
  phone text CHECK (phone ~ '^0\d{9}$'),
  address text,
  commune_code text REFERENCES areas (code),
  area_path ltree,
  household_id uuid REFERENCES households (id),
  household_role text,
  merged_into uuid REFERENCES people (id),
  merged_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id)
);
CREATE INDEX people_search_name_trgm ON people USING gin (search_name gin_trgm_ops);
CREATE INDEX people_area ON people USING gist (area_path);
CREATE INDEX people_phone ON people (phone) WHERE phone IS NOT NULL;
CREATE INDEX people_birth_year_name ON people (birth_year, search_name);
CREATE INDEX people_household ON people (household_id) WHERE household_id IS NOT NULL;
CREATE INDEX people_merged_into ON people (merged_into) WHERE merged_into IS NOT NULL;

-- National identifiers. One value belongs to one person: inserting a known value is the exact duplicate check.
CREATE TABLE person_identifiers (
  kind text NOT NULL CHECK (kind IN ('cccd', 'cmnd', 'passport', 'bhxh')),
  value text NOT NULL,
  person_id uuid NOT NULL REFERENCES people (id),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, value)
);
CREATE INDEX person_identifiers_person ON person_identifiers (person_id);

ALTER TABLE users ADD CONSTRAINT users_person_fk FOREIGN KEY (person_id) REFERENCES people (id);

-- Pairs of records that may be one person, waiting for a person to decide. person_a < person_b.
CREATE TABLE duplicate_candidates (
  id uuid PRIMARY KEY,
  person_a uuid NOT NULL REFERENCES people (id),
  person_b uuid NOT NULL REFERENCES people (id),
  score real NOT NULL,
  reasons text[] NOT NULL,
  area_path ltree,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'merged', 'dismissed')),
  detected_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  decided_by uuid REFERENCES users (id),
  CHECK (person_a < person_b),
  UNIQUE (person_a, person_b)
);
CREATE INDEX duplicate_candidates_pending ON duplicate_candidates (score DESC) WHERE status = 'pending';
CREATE INDEX duplicate_candidates_area ON duplicate_candidates USING gist (area_path) WHERE status = 'pending';

-- Every merge, with the merged record as it was, so a wrong merge can be understood and undone by hand.
CREATE TABLE person_merges (
  id uuid PRIMARY KEY,
  merged_id uuid NOT NULL REFERENCES people (id),
  survivor_id uuid NOT NULL REFERENCES people (id),
  merged_snapshot jsonb NOT NULL,
  moved jsonb NOT NULL,
  merged_by uuid REFERENCES users (id),
  merged_at timestamptz NOT NULL DEFAULT now()
);
