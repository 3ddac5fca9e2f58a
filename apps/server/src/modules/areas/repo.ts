import { sql, type Database } from '@sen/db';

/** An area as the API shows it; `label` names it with its ancestors ("Phường Ba Đình, Thành phố Hà Nội"). */
export interface AreaView {
  code: string;
  parentCode: string | null;
  path: string;
  level: number;
  kind: string;
  unitType: string;
  name: string;
  fullName: string;
  nameEn: string;
  population: number | null;
  /** Target populations of coverage: people aged 18 and over, and 50 and over. */
  population18Plus: number | null;
  population50Plus: number | null;
  label: string;
}

/** Selects areas with their labels; the label joins the full names of the area and its ancestors below the country. */
export function selectAreas(db: Database) {
  return db
    .selectFrom('areas as a')
    .select([
      'a.code', 'a.parent_code as parentCode', sql<string>`a.path::text`.as('path'), 'a.level', 'a.kind', 'a.unit_type as unitType',
      'a.name', 'a.full_name as fullName', 'a.name_en as nameEn', 'a.population', 'a.population_18_plus as population18Plus', 'a.population_50_plus as population50Plus',
      sql<string>`(SELECT string_agg(x.full_name, ', ' ORDER BY x.level DESC) FROM areas x WHERE x.path @> a.path AND x.level > 0)`.as('label'),
    ]);
}

export async function findAreaByCode(db: Database, code: string): Promise<AreaView | undefined> {
  return selectAreas(db).where('a.code', '=', code).executeTakeFirst();
}

export async function areaPathOf(db: Database, code: string): Promise<string | null> {
  const row = await db.selectFrom('areas').select(sql<string>`path::text`.as('path')).where('code', '=', code).executeTakeFirst();
  return row?.path ?? null;
}

export interface AreaPopulation {
  code: string;
  path: string;
  name: string;
  population: number | null;
  population18Plus: number | null;
  population50Plus: number | null;
}

/**
 * Areas by path with their populations: the area's own figure, else the sum of its communes' figures (when at
 * least one commune has one). The denominators of coverage and of allocation plans.
 */
export async function areaPopulations(db: Database, paths: readonly string[]): Promise<Map<string, AreaPopulation>> {
  if (paths.length === 0) return new Map();
  const rows = await sql<{ path: string; code: string; name: string; population: number | null; p18: number | null; p50: number | null }>`
    SELECT a.path::text AS path, a.code, a.full_name AS name,
           coalesce(a.population, s.population) AS population, coalesce(a.population_18_plus, s.p18) AS p18, coalesce(a.population_50_plus, s.p50) AS p50
      FROM areas a
      LEFT JOIN LATERAL (
        SELECT sum(c.population)::bigint AS population, sum(c.population_18_plus)::bigint AS p18, sum(c.population_50_plus)::bigint AS p50
          FROM areas c WHERE c.path <@ a.path AND c.kind = 'commune' AND a.kind <> 'commune'
      ) s ON true
     WHERE a.path = ANY(${sql.val([...new Set(paths)])}::ltree[])`.execute(db);
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return new Map(rows.rows.map((r) => [r.path, { code: r.code, path: r.path, name: r.name, population: num(r.population), population18Plus: num(r.p18), population50Plus: num(r.p50) }]));
}
