import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql, type Database } from '@sen/db';
import { AppError, searchForm, toNfc } from '@sen/domain';
import { REPO_ROOT } from '../../config';

export type GazetteerId = 'vn2025' | 'vn2021';
export const GAZETTEER_DIR = path.join(REPO_ROOT, 'data', 'gazetteers');

interface AreaRow {
  code: string;
  parent_code: string | null;
  path: string;
  level: number;
  kind: 'country' | 'province' | 'district' | 'commune';
  unit_type: string;
  unit_type_en: string;
  name: string;
  full_name: string;
  name_en: string;
  search_name: string;
}

const COUNTRY: AreaRow = { code: 'VN', parent_code: null, path: 'VN', level: 0, kind: 'country', unit_type: 'Quốc gia', unit_type_en: 'Country', name: 'Việt Nam', full_name: 'Việt Nam', name_en: 'Viet Nam', search_name: 'viet nam' };

function row(code: string, parent: AreaRow, kind: AreaRow['kind'], unitType: string, unitTypeEn: string, name: string, fullName: string, nameEn: string): AreaRow {
  return {
    code, parent_code: parent.code, path: `${parent.path}.${code}`, level: parent.level + 1, kind,
    unit_type: toNfc(unitType), unit_type_en: unitTypeEn, name: toNfc(name), full_name: toNfc(fullName), name_en: nameEn, search_name: searchForm(fullName),
  };
}

/** The 2025 two-level set (34 provinces, 3,321 communes). */
function readVn2025(): AreaRow[] {
  type Unit = { Code: string; Name: string; NameEn: string; FullName: string; AdministrativeUnitShortName: string; AdministrativeUnitShortNameEn: string };
  const provinces = JSON.parse(fs.readFileSync(path.join(GAZETTEER_DIR, 'vn2025', 'vn_units_34prov_full.json'), 'utf8')) as (Unit & { Wards: Unit[] })[];
  const rows: AreaRow[] = [COUNTRY];
  for (const p of provinces) {
    const province = row(p.Code, COUNTRY, 'province', p.AdministrativeUnitShortName, p.AdministrativeUnitShortNameEn, p.Name, p.FullName, p.NameEn);
    rows.push(province);
    for (const w of p.Wards) rows.push(row(w.Code, province, 'commune', w.AdministrativeUnitShortName, w.AdministrativeUnitShortNameEn, w.Name, w.FullName, w.NameEn));
  }
  return rows;
}

/** The 2021 three-level set (63 provinces, 705 districts, 10,599 communes). */
function readVn2021(): AreaRow[] {
  const csv = (file: string) => parse(fs.readFileSync(path.join(GAZETTEER_DIR, 'vn2021', file)), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const units = new Map(csv('administrative_units.csv').map((u) => [u.id!, u]));
  const unit = (id: string | undefined) => units.get(id ?? '') ?? { short_name: '', short_name_en: '' };
  const rows: AreaRow[] = [COUNTRY];
  const provinces = new Map<string, AreaRow>();
  for (const p of csv('provinces.csv')) {
    const u = unit(p.administrative_unit_id);
    const r = row(p.code!, COUNTRY, 'province', u.short_name!, u.short_name_en!, p.name!, p.full_name!, p.name_en!);
    provinces.set(r.code, r);
    rows.push(r);
  }
  const districts = new Map<string, AreaRow>();
  for (const d of csv('districts.csv')) {
    const u = unit(d.administrative_unit_id);
    const parent = provinces.get(d.province_code!);
    if (!parent) throw new AppError('gazetteer_invalid', `District ${d.code} names an unknown province ${d.province_code}`, {}, 500);
    const r = row(d.code!, parent, 'district', u.short_name!, u.short_name_en!, d.name!, d.full_name!, d.name_en!);
    districts.set(r.code, r);
    rows.push(r);
  }
  for (const w of csv('wards.csv')) {
    const u = unit(w.administrative_unit_id);
    const parent = districts.get(w.district_code!);
    if (!parent) throw new AppError('gazetteer_invalid', `Ward ${w.code} names an unknown district ${w.district_code}`, {}, 500);
    rows.push(row(w.code!, parent, 'commune', u.short_name!, u.short_name_en!, w.name!, w.full_name!, w.name_en!));
  }
  return rows;
}

export function readGazetteer(id: GazetteerId): AreaRow[] {
  return id === 'vn2025' ? readVn2025() : readVn2021();
}

/**
 * Loads a gazetteer into the areas table. Idempotent: names are refreshed, populations kept. A database holds one
 * gazetteer for its whole life (people and roles point at its codes), so asking for the other one is refused.
 * Every start calls this, so a fingerprint of the rows written last time skips the upsert when nothing changed.
 */
export async function loadGazetteer(db: Database, id: GazetteerId): Promise<{ loaded: number; gazetteer: GazetteerId; changed: boolean }> {
  const current = await db.selectFrom('settings').select('value').where('key', '=', 'gazetteer').executeTakeFirst();
  if (current && current.value !== id) {
    throw new AppError('gazetteer_mismatch', `This database holds the ${String(current.value)} gazetteer; it cannot switch to ${id}. Use a new database (or data directory) for ${id}.`, { current: current.value, wanted: id }, 409);
  }
  const rows = readGazetteer(id);
  const fingerprint = crypto.createHash('sha256').update(JSON.stringify(rows)).digest('hex');
  const written = await db.selectFrom('settings').select('value').where('key', '=', 'gazetteer_fingerprint').executeTakeFirst();
  if (current && written?.value === fingerprint) return { loaded: rows.length, gazetteer: id, changed: false };
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 1000) {
      await trx
        .insertInto('areas')
        .values(rows.slice(i, i + 1000))
        .onConflict((oc) =>
          oc.column('code').doUpdateSet({
            name: sql`excluded.name`, full_name: sql`excluded.full_name`, name_en: sql`excluded.name_en`, search_name: sql`excluded.search_name`,
            unit_type: sql`excluded.unit_type`, unit_type_en: sql`excluded.unit_type_en`, updated_at: sql`now()`,
          }),
        )
        .execute();
    }
    await trx.insertInto('settings').values({ key: 'gazetteer', value: JSON.stringify(id) }).onConflict((oc) => oc.column('key').doNothing()).execute();
    await trx
      .insertInto('settings')
      .values({ key: 'gazetteer_fingerprint', value: JSON.stringify(fingerprint) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: sql`excluded.value`, updated_at: sql`now()` }))
      .execute();
  });
  return { loaded: rows.length, gazetteer: id, changed: true };
}
