-- Administrative units as a tree of any depth. The path is an ltree of official codes from the country down
-- (VN.01.00004 today; VN.01.001.00001 in the 2021 three-level set), so "everything inside an area" is one
-- indexed `path <@ $area` test wherever an area-scoped table keeps its own copy of the path.
CREATE TABLE areas (
  code text PRIMARY KEY,
  parent_code text REFERENCES areas (code),
  path ltree NOT NULL UNIQUE,
  level smallint NOT NULL CHECK (level BETWEEN 0 AND 5),
  kind text NOT NULL CHECK (kind IN ('country', 'province', 'district', 'commune')),
  unit_type text NOT NULL,
  unit_type_en text NOT NULL,
  name text NOT NULL,
  full_name text NOT NULL,
  name_en text NOT NULL,
  search_name text NOT NULL,
  population integer CHECK (population >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX areas_path_gist ON areas USING gist (path);
CREATE INDEX areas_parent ON areas (parent_code);
CREATE INDEX areas_search_trgm ON areas USING gin (search_name gin_trgm_ops);
