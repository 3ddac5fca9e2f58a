import { bulkInsert, uuidv7, type Connection } from '@sen/db';
import { vnDayOf, vnToday } from '@sen/domain';
import type { Deps } from '@sen/server';
import { createRng } from './random';

/**
 * Demo data of the vaccination targets (issue 3 item 4): priority groups for part of the demo people (by age and at
 * random for occupations) on one target list per province, the record of the import that made each list (with
 * two rejected rows, the way a real file has a few), and open registrations (self and staff) in Ba Đình and
 * elsewhere. Bulk written, a few thousand rows. Safe to run twice: nothing is added when the demo lists exist.
 * Runs after the people and the demo users (the lists are "uploaded" by the demo vaccination staff or admin).
 */
export interface TargetsSummary {
  created: boolean;
  lists: number;
  entries: number;
  registrations: number;
}

const LIST_PREFIX = 'Danh sách đối tượng tiêm (demo)';
const DAY_MS = 86_400_000;
/** Share of adults put on a target list, and of those who also register. */
const LISTED_SHARE = 0.12;
const REGISTERED_SHARE = 0.1;
/** Occupational groups for people under 65, with weights (health workers, frontline, police, teachers, workers...). */
const OCCUPATION_GROUPS: [string, number][] = [['G01', 4], ['G02', 4], ['G04', 2], ['G06', 4], ['G07', 10], ['G09', 20], ['G10', 8], ['G12', 30], ['G14', 18]];

export async function loadDemoVaccinationTargets(conn: Connection, deps: Deps, opts: { seed: number | string; log?: (s: string) => void; now?: Date }): Promise<TargetsSummary> {
  const existing = await conn.pool.query(`SELECT 1 FROM target_lists WHERE name LIKE $1 LIMIT 1`, [`${LIST_PREFIX}%`]);
  if (existing.rows.length > 0) return { created: false, lists: 0, entries: 0, registrations: 0 };
  const uploader = (await conn.pool.query<{ id: string }>(`
    SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role_code IN ('national_admin', 'vaccination_staff')
     ORDER BY (r.role_code = 'national_admin') DESC, u.created_at LIMIT 1`)).rows[0]?.id;
  if (!uploader) {
    opts.log?.('  vaccination targets: no demo users yet, skipped');
    return { created: false, lists: 0, entries: 0, registrations: 0 };
  }
  const now = opts.now ?? new Date();
  const rng = createRng(`${String(opts.seed)}:vaccination-targets`);
  const groups = new Set((await deps.db.selectFrom('priority_groups').select('code').where('active', '=', true).execute()).map((g) => g.code));
  const pickOccupation = () => {
    const total = OCCUPATION_GROUPS.reduce((n, [, w]) => n + w, 0);
    let x = rng.next() * total;
    for (const [code, w] of OCCUPATION_GROUPS) {
      x -= w;
      if (x < 0) return code;
    }
    return 'G14';
  };
  const year = Number(vnToday(now).slice(0, 4));
  const people = (await conn.pool.query<{ id: string; area_path: string; commune_code: string; province: string; birth_year: number }>(`
    SELECT id, area_path::text AS area_path, commune_code, subpath(area_path, 1, 1)::text AS province, birth_year
      FROM people WHERE merged_into IS NULL AND area_path IS NOT NULL AND birth_year <= $1 ORDER BY id`, [year - 18])).rows;
  const provinces = (await conn.pool.query<{ code: string; path: string }>(`SELECT code, path::text AS path FROM areas WHERE level = 1`)).rows;
  const provinceByPath = new Map(provinces.map((p) => [p.path.split('.')[1]!, p]));

  const lists = new Map<string, { id: string; importId: string; code: string; path: string; rows: number }>();
  const entries: unknown[][] = [];
  const registrations: unknown[][] = [];
  const registered = new Set<string>(
    (await conn.pool.query<{ person_id: string }>(`SELECT person_id FROM vaccination_registrations WHERE status = 'active'`)).rows.map((r) => r.person_id),
  );
  for (const p of people) {
    const listed = rng.chance(LISTED_SHARE);
    const group = year - p.birth_year >= 65 ? 'G08' : pickOccupation();
    const code = groups.has(group) ? group : null;
    if (listed) {
      const province = provinceByPath.get(p.province);
      if (!province) continue;
      let list = lists.get(p.province);
      if (!list) {
        list = { id: uuidv7(), importId: uuidv7(), code: province.code, path: province.path, rows: 0 };
        lists.set(p.province, list);
      }
      list.rows += 1;
      entries.push([uuidv7(), list.id, p.id, code, p.area_path, list.importId, list.rows + 1, now]);
    }
    if (!registered.has(p.id) && rng.chance(listed ? REGISTERED_SHARE * 2 : REGISTERED_SHARE / 4)) {
      registered.add(p.id);
      const preferred = vnDayOf(new Date(now.getTime() + (1 + rng.int(14)) * DAY_MS));
      const self = rng.chance(0.6);
      registrations.push([uuidv7(), p.id, p.commune_code, p.area_path, preferred, listed ? code : null, self ? 'self' : 'staff', self ? null : uploader, new Date(now.getTime() - rng.int(20) * DAY_MS)]);
    }
  }

  const listRows = [...lists.values()];
  await bulkInsert(conn, 'target_lists', ['id', 'name', 'area_code', 'area_path', 'created_by', 'created_at'], listRows.map((l) => [l.id, `${LIST_PREFIX} ${l.code}`, l.code, l.path, uploader, now]));
  // Each list came from one uploaded file: its record, with two rows rejected for the error report.
  await bulkInsert(conn, 'target_imports', ['id', 'list_id', 'area_path', 'file_name', 'format', 'size_bytes', 'status', 'rows_total', 'rows_ok', 'rows_failed', 'people_created', 'people_linked', 'uploaded_by', 'created_at', 'started_at', 'finished_at'],
    listRows.map((l) => [l.importId, l.id, l.path, `danh-sach-${l.code}.xlsx`, 'xlsx', 2_000 + l.rows * 90, 'done', l.rows + 2, l.rows, 2, 0, l.rows, uploader, now, now, now]));
  await bulkInsert(conn, 'target_import_errors', ['import_id', 'row_number', 'column_name', 'problem', 'message'], listRows.flatMap((l) => [
    [l.importId, l.rows + 2, 'birthDate', 'invalid_date', 'Ngày sinh không hợp lệ (dd/mm/yyyy) / not a real past date (dd/mm/yyyy, yyyy-mm-dd or yyyy)'],
    [l.importId, l.rows + 3, 'communeCode', 'required', 'Thiếu mã xã / the commune code is missing'],
  ]));
  await bulkInsert(conn, 'target_list_entries', ['id', 'list_id', 'person_id', 'priority_group', 'area_path', 'import_id', 'row_number', 'created_at'], entries);
  await bulkInsert(conn, 'vaccination_registrations', ['id', 'person_id', 'area_code', 'area_path', 'preferred_date', 'priority_group', 'source', 'created_by', 'created_at'], registrations);
  opts.log?.(`  vaccination targets: ${listRows.length} lists, ${entries.length.toLocaleString('en')} people in priority groups, ${registrations.length.toLocaleString('en')} registrations`);
  return { created: true, lists: listRows.length, entries: entries.length, registrations: registrations.length };
}
