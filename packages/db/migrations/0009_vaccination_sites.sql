-- Vaccination sites, their staff and shifts ("kíp tiêm") (module vaccination, issue 3 item 3).
-- area_path is the commune's path, copied so jurisdiction is one indexed ltree test (as vaccine_stores).

CREATE TABLE vaccination_sites (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('fixed', 'mobile', 'hospital')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  area_code text NOT NULL REFERENCES areas (code),
  area_path ltree NOT NULL,
  address text CHECK (length(address) <= 500),
  capacity_per_hour integer NOT NULL CHECK (capacity_per_hour BETWEEN 1 AND 10000),
  -- ISO weekdays, 1 = Monday .. 7 = Sunday; sorted, no repeats (the application normalises).
  opening_days smallint[] NOT NULL CHECK (cardinality(opening_days) BETWEEN 1 AND 7 AND opening_days <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::smallint[]),
  -- Viet Nam local time of day.
  opens_at time NOT NULL,
  closes_at time NOT NULL,
  -- The site's own stock: a vaccine store of level 'site' in the same commune; one store serves one site.
  store_id uuid UNIQUE REFERENCES vaccine_stores (id),
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id),
  CHECK (closes_at > opens_at)
);
CREATE INDEX vaccination_sites_area ON vaccination_sites USING gist (area_path);

-- The people who work at a site, from the people registry, with their usual role there. user_id links the
-- person's staff account when they have one (optional: volunteers and hospital staff often have none).
CREATE TABLE site_staff (
  site_id uuid NOT NULL REFERENCES vaccination_sites (id),
  person_id uuid NOT NULL REFERENCES people (id),
  user_id uuid REFERENCES users (id),
  role text NOT NULL CHECK (role IN ('screener', 'vaccinator', 'observer', 'recorder', 'site_lead')),
  active boolean NOT NULL DEFAULT true,
  added_at timestamptz NOT NULL DEFAULT now(),
  added_by uuid REFERENCES users (id),
  PRIMARY KEY (site_id, person_id)
);
CREATE INDEX site_staff_person ON site_staff (person_id);

-- A shift: a team at a site for a time window. shift_date is the Viet Nam calendar day the shift starts.
CREATE TABLE shifts (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL REFERENCES vaccination_sites (id),
  shift_date date NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  note text CHECK (length(note) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id),
  CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '24 hours'),
  CHECK (shift_date = sen_vn_day(starts_at))
);
CREATE INDEX shifts_site_start ON shifts (site_id, starts_at);

-- Members of a shift. The window is copied from the shift (shifts' windows never change) so that the exclusion
-- constraint can forbid one person being in two overlapping shifts, at the same site or another, even when two
-- assignments race: the second insert waits for the first to commit and then fails with SQLSTATE 23P01.
-- '[)' ranges: a shift ending at 12:00 and another starting at 12:00 do not overlap.
CREATE TABLE shift_members (
  shift_id uuid NOT NULL REFERENCES shifts (id),
  person_id uuid NOT NULL REFERENCES people (id),
  role text NOT NULL CHECK (role IN ('screener', 'vaccinator', 'observer', 'recorder', 'site_lead')),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  added_by uuid REFERENCES users (id),
  PRIMARY KEY (shift_id, person_id),
  CONSTRAINT shift_members_no_overlap EXCLUDE USING gist (person_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
);
