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
  label: string;
}

/** Selects areas with their labels; the label joins the full names of the area and its ancestors below the country. */
export function selectAreas(db: Database) {
  return db
    .selectFrom('areas as a')
    .select([
      'a.code', 'a.parent_code as parentCode', sql<string>`a.path::text`.as('path'), 'a.level', 'a.kind', 'a.unit_type as unitType',
      'a.name', 'a.full_name as fullName', 'a.name_en as nameEn', 'a.population',
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
