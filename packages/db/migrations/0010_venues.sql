-- Venues where people check in (issue 5): a business, agency, market, school, checkpoint, transport or event,
-- in one commune, run by one account (the owner) who scans visitors from the venue page and sees its visitor list.
--
-- No foreign key from checkins.venue_id to venues: the check-in use cases verify the venue (exists, active) once per
-- request, while a FK would be checked per row on the hottest insert path (tens of millions a day) and would break
-- ingest of rows whose venue is archived elsewhere (bench, replays). checkins.venue_id stays a soft reference, as
-- 0008 anticipated; a venue is never deleted (active = false retires it), so the reference cannot dangle.
CREATE TABLE venues (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  type text NOT NULL CHECK (type IN ('business', 'agency', 'market', 'school', 'checkpoint', 'transport', 'event', 'other')),
  address text CHECK (length(address) <= 500),
  commune_code text NOT NULL REFERENCES areas (code),
  area_path ltree NOT NULL,
  owner_user_id uuid NOT NULL REFERENCES users (id),
  opening_hours text CHECK (length(opening_hours) <= 200),
  default_visit_minutes integer NOT NULL DEFAULT 60 CHECK (default_visit_minutes BETWEEN 5 AND 720),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
-- Staff list the venues of their jurisdiction (path ? lquery[] uses the GiST index); an owner lists their own.
CREATE INDEX venues_area ON venues USING gist (area_path);
CREATE INDEX venues_owner ON venues (owner_user_id);
