-- Extensions every module may rely on; all ship with PostgreSQL contrib and with PGlite.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- unaccent() is STABLE (it reads a dictionary), so it cannot appear in an index; this wrapper names the
-- dictionary and is declared IMMUTABLE. It also folds đ/Đ, which some unaccent rule files leave alone.
CREATE OR REPLACE FUNCTION sen_fold(input text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, translate(input, 'đĐ', 'dD'))) $$;

-- Key-value settings that belong to the installation (for example which gazetteer is loaded).
CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
