import { sql, uuidv7, type Database } from '@sen/db';
import { DUPLICATE_THRESHOLD, MIN_CANDIDATE_SIMILARITY, scoreDuplicate, type MatchablePerson } from '@sen/domain';
import type { Deps } from '../../context';
import { identifiersOf } from './repo';

export interface MatchRow {
  id: string;
  full_name: string;
  birth_date: string | null;
  sex: string;
  commune_code: string | null;
  area_path: string | null;
}

/** The deepest area holding both records: whoever reviews the pair must be able to see (and merge) both. */
export function commonAreaPath(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return null;
  const pa = a.split('.');
  const pb = b.split('.');
  const common: string[] = [];
  for (let i = 0; i < Math.min(pa.length, pb.length) && pa[i] === pb[i]; i++) common.push(pa[i]!);
  return common.length ? common.join('.') : null;
}

export interface ScoredPair {
  a: MatchRow;
  b: MatchRow;
  score: number;
  reasons: string[];
}

/** Scores pairs with the domain rules and stores those worth a look; pairs already known (in any status) stay as they are. */
export async function scoreAndStore(db: Database, pairs: readonly (readonly [MatchRow, MatchRow])[]): Promise<ScoredPair[]> {
  if (pairs.length === 0) return [];
  const ids = await identifiersOf(db, pairs.flatMap(([a, b]) => [a.id, b.id]));
  const matchable = (r: MatchRow): MatchablePerson => ({ fullName: r.full_name, birthDate: r.birth_date, sex: r.sex, communeCode: r.commune_code, nationalIds: ids.get(r.id) ?? [] });
  const found: ScoredPair[] = [];
  for (const [x, y] of pairs) {
    const [a, b] = x.id < y.id ? [x, y] : [y, x];
    const { score, reasons } = scoreDuplicate(matchable(a), matchable(b));
    if (score >= DUPLICATE_THRESHOLD) found.push({ a, b, score, reasons });
  }
  if (found.length) {
    await db
      .insertInto('duplicate_candidates')
      .values(found.map((f) => ({ id: uuidv7(), person_a: f.a.id, person_b: f.b.id, score: f.score, reasons: f.reasons, area_path: commonAreaPath(f.a.area_path, f.b.area_path) })))
      .onConflict((oc) => oc.columns(['person_a', 'person_b']).doNothing())
      .execute();
  }
  return found;
}

/** The word orders of a folded name ("van an nguyen" for "nguyen van an"), for names of up to five words. */
export function wordOrders(searchName: string): string[] {
  const words = searchName.split(' ').filter(Boolean);
  if (words.length > 5) return [searchName];
  const out = new Set<string>();
  const permute = (done: string[], rest: string[]) => {
    if (rest.length === 0) out.add(done.join(' '));
    rest.forEach((w, i) => permute([...done, w], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute([], words);
  return [...out];
}

/**
 * Looks for records that may be the same person as this one and queues the likely ones for review; the domain scores
 * them. Only pairs that can reach DUPLICATE_THRESHOLD are fetched, each through an index:
 *  - the same folded name, in any word order, born within a year (the (birth_year, search_name) B-tree): copies typed
 *    without diacritics, with day and month swapped, or family name last;
 *  - in the same commune, a name with trigram similarity >= MIN_CANDIDATE_SIMILARITY (the area GiST): typos.
 * A different name in another commune cannot reach the threshold (see scoreDuplicate), and a trigram search over a
 * whole birth year would read a hundred thousand rows for a common name at a million people.
 * Run it in the transaction that wrote the person, so the record and its candidates commit together.
 */
export async function findDuplicatesFor(_deps: Deps, trx: Database, personId: string): Promise<ScoredPair[]> {
  const me = (
    await sql<MatchRow & { search_name: string; birth_year: number | null }>`
      SELECT id, full_name, birth_date, sex, commune_code, area_path::text AS area_path, search_name, birth_year
        FROM people WHERE id = ${personId} AND merged_into IS NULL`.execute(trx)
  ).rows[0];
  if (!me) return [];
  const sameName =
    me.birth_year === null
      ? sql`false`
      : sql`q.birth_year BETWEEN ${me.birth_year - 1} AND ${me.birth_year + 1} AND q.search_name = ANY(${wordOrders(me.search_name)}::text[])`;
  const sameCommune = me.area_path === null ? sql`false` : sql`q.area_path = ${me.area_path}::ltree AND similarity(q.search_name, ${me.search_name}) >= ${MIN_CANDIDATE_SIMILARITY}`;
  const rows = await sql<MatchRow>`
    SELECT q.id, q.full_name, q.birth_date, q.sex, q.commune_code, q.area_path::text AS area_path
      FROM people q
     WHERE q.id <> ${personId} AND q.merged_into IS NULL AND ((${sameName}) OR (${sameCommune}))
     ORDER BY similarity(q.search_name, ${me.search_name}) DESC, q.id
     LIMIT 50`.execute(trx);
  return scoreAndStore(trx, rows.rows.map((r) => [me, r] as const));
}
