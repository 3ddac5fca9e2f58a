-- Exact lookups of a folded name: people search ranks same-name matches first, and duplicate detection joins on the
-- name. The trigram index can answer = too, but only by reading every row that contains the name's trigrams: for
-- "nguyen" that is a third of the registry.
CREATE INDEX people_search_name ON people (search_name);
