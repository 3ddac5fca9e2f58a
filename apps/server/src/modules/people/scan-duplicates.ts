import { z } from 'zod';
import { sql, type RawBuilder } from '@sen/db';
import { MIN_CANDIDATE_SIMILARITY } from '@sen/domain';
import type { Deps } from '../../context';
import type { JobDefinition } from '../../jobs';
import { scoreAndStore, type MatchRow } from './find-duplicates';

export interface ScanOptions {
  /** Only people inside this area (both records of a pair); the whole country when absent. */
  areaPath?: string | null;
  /** Pairs scored and stored per round. */
  batchSize?: number;
}

export interface ScanResult {
  years: number;
  pairsExamined: number;
  candidatesFound: number;
}

const MATCH_COLUMNS = sql`id, full_name, birth_date, sex, commune_code, area_path::text AS area_path`;

/**
 * Goes over all non-merged people (or an area's) and queues likely duplicates, one birth year at a time.
 * Instead of comparing every pair in a year (quadratic), it joins only pairs that can still reach DUPLICATE_THRESHOLD
 * under scoreDuplicate, each block an equi-join the database hashes or merges:
 *  1. same folded name, same birth year (any commune) - the diacritics-stripped and day/month-transposed copies;
 *  2. same commune, same birth year, names with trigram similarity >= MIN_CANDIDATE_SIMILARITY (typos);
 *  3. same birth year, the same words in another order ("Văn An Nguyễn");
 *  4. same folded name, same commune, birth years one apart or one unknown.
 * A different name in another commune needs similarity of about 0.89 to reach the threshold, which in practice
 * means the same words reordered (block 3). Idempotent: known pairs (in any status) are skipped.
 */
export async function scanDuplicates(deps: Deps, options: ScanOptions = {}): Promise<ScanResult> {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 1000, 10_000));
  const area = options.areaPath ?? null;
  const inArea = (alias: string): RawBuilder<boolean> => (area ? sql<boolean>`${sql.ref(`${alias}.area_path`)} <@ ${area}::ltree` : sql<boolean>`true`);
  const years = await sql<{ birth_year: number | null }>`
    SELECT DISTINCT birth_year FROM people p WHERE p.merged_into IS NULL AND ${inArea('p')} ORDER BY birth_year NULLS LAST`.execute(deps.db);
  let pairsExamined = 0;
  let candidatesFound = 0;
  const sortedWords = (alias: string) => sql`array_to_string(ARRAY(SELECT w FROM unnest(string_to_array(${sql.ref(`${alias}.search_name`)}, ' ')) AS w ORDER BY w), ' ')`;
  for (const { birth_year: year } of years.rows) {
    const pairs =
      year === null
        ? await sql<{ a: string; b: string }>`
            SELECT a.id AS a, b.id AS b FROM people a JOIN people b ON b.area_path = a.area_path AND b.search_name = a.search_name AND a.id < b.id
             WHERE a.birth_year IS NULL AND b.birth_year IS NULL AND a.merged_into IS NULL AND b.merged_into IS NULL AND ${inArea('a')}
               AND NOT EXISTS (SELECT 1 FROM duplicate_candidates d WHERE d.person_a = a.id AND d.person_b = b.id)`.execute(deps.db)
        : await sql<{ a: string; b: string }>`
            WITH y AS (SELECT id, search_name, area_path FROM people p WHERE p.birth_year = ${year} AND p.merged_into IS NULL AND ${inArea('p')}),
            pairs AS (
              SELECT a.id AS a, b.id AS b FROM y a JOIN y b ON b.search_name = a.search_name AND a.id < b.id
              UNION
              SELECT a.id, b.id FROM y a JOIN y b ON b.area_path = a.area_path AND a.id < b.id
               WHERE b.search_name <> a.search_name AND similarity(a.search_name, b.search_name) >= ${MIN_CANDIDATE_SIMILARITY}
              UNION
              SELECT a.id, b.id FROM (SELECT id, search_name, ${sortedWords('y')} AS k FROM y WHERE search_name LIKE '% %') a
                JOIN (SELECT id, search_name, ${sortedWords('y')} AS k FROM y WHERE search_name LIKE '% %') b ON b.k = a.k AND a.id < b.id
               WHERE b.search_name <> a.search_name
              UNION
              SELECT least(a.id, b.id), greatest(a.id, b.id) FROM y a
                JOIN people b ON b.area_path = a.area_path AND b.search_name = a.search_name
               WHERE (b.birth_year = ${year + 1} OR b.birth_year IS NULL) AND b.merged_into IS NULL AND ${inArea('b')}
            )
            SELECT a, b FROM pairs
             WHERE NOT EXISTS (SELECT 1 FROM duplicate_candidates d WHERE d.person_a = pairs.a AND d.person_b = pairs.b)`.execute(deps.db);
    pairsExamined += pairs.rows.length;
    for (let i = 0; i < pairs.rows.length; i += batchSize) {
      const chunk = pairs.rows.slice(i, i + batchSize);
      const ids = [...new Set(chunk.flatMap((p) => [p.a, p.b]))];
      const rows = await sql<MatchRow>`SELECT ${MATCH_COLUMNS} FROM people WHERE id = ANY(${ids}::uuid[])`.execute(deps.db);
      const byId = new Map(rows.rows.map((r) => [r.id, r]));
      const found = await scoreAndStore(deps.db, chunk.map((p) => [byId.get(p.a)!, byId.get(p.b)!] as const));
      candidatesFound += found.length;
    }
  }
  return { years: years.rows.length, pairsExamined, candidatesFound };
}

export const ScanPayload = z.strictObject({ areaPath: z.string().max(200).nullable(), batchSize: z.number().int().min(1).max(10_000).default(1000) });

/** The background job that runs the scan; the lead registers it with the job queue. */
export function scanDuplicatesJob(deps: Deps): JobDefinition<typeof ScanPayload> {
  return {
    name: 'people.scan-duplicates',
    payload: ScanPayload,
    handler: (payload) => scanDuplicates(deps, { areaPath: payload.areaPath, batchSize: payload.batchSize }),
  };
}
