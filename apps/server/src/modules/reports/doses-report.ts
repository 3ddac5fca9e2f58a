import { z } from 'zod';
import { badRequest } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { areaPopulations } from '../areas/repo';
import { readCounts, type CountRow, type Metric } from './counts';
import { ReportFilters, resolveScope } from './filters';
import { col, table, type Cell, type Column, type ReportTable } from './table';

/** A report has at most one of these: `by`, or `split` of a day series (so area and site never meet). */
const DIMENSIONS = ['area', 'vaccine', 'dose', 'site'] as const;
type Dimension = (typeof DIMENSIONS)[number];

export const DosesReportIn = ReportFilters.extend({
  by: z.enum(['day', ...DIMENSIONS]).default('day'),
  split: z.enum(DIMENSIONS).optional().describe('With by=day: one series per area, vaccine, dose or site (day x that dimension)'),
  siteId: z.uuid().optional().describe('Only doses given at this site'),
  doseKind: z.enum(['primary', 'booster']).optional(),
  doseNumber: z.coerce.number().int().min(1).max(20).optional(),
});
type DosesReportInput = z.infer<typeof DosesReportIn>;

/**
 * Where each dimension lives in the rollups (migration 0017). 'doses' has no site; 'site_doses' has the dose as
 * 'kind:number' in one column, so a filter on the kind or the number alone is applied to the grouped rows.
 */
const SOURCES = {
  doses: { vaccine: 'dim1', kind: 'dim2', number: 'dim3', site: null, dose: null },
  site_doses: { vaccine: 'dim2', kind: null, number: null, site: 'dim1', dose: 'dim3' },
} as const;
type Dim = 'dim1' | 'dim2' | 'dim3';

interface Key { day?: string; area?: string; vaccine?: string; kind?: string; number?: number; site?: string }

/**
 * Doses given (where given), from the rollups only: by day, area (one level below the selected area), vaccine,
 * dose or site, or by day and one of those (`split`), filtered by vaccine, site, dose kind and dose number.
 */
export async function dosesReport(deps: Deps, ctx: RequestContext, input: DosesReportInput): Promise<ReportTable> {
  if (input.split && input.by !== 'day') throw badRequest('invalid_split', 'split: Split a day series only (by=day)', { errors: [{ field: 'querystring.split', message: 'Split a day series only (by=day)' }] });
  const scope = await resolveScope(deps.db, ctx, input);
  const dims = new Set<Dimension>([...(input.by === 'day' ? [] : [input.by]), ...(input.split ? [input.split] : [])]);
  const metric: Extract<Metric, 'doses' | 'site_doses'> = input.siteId || dims.has('site') ? 'site_doses' : 'doses';
  const src = SOURCES[metric];
  const where: Partial<Record<Dim, string>> = {};
  if (scope.vaccine) where[src.vaccine] = scope.vaccine;
  if (input.siteId) where.dim1 = input.siteId;
  const groups = new Set<'day' | Dim>(input.by === 'day' ? ['day'] : []);
  if (dims.has('vaccine')) groups.add(src.vaccine);
  if (dims.has('site')) groups.add('dim1');
  if (metric === 'doses') {
    if (input.doseKind) where.dim2 = input.doseKind;
    if (input.doseNumber) where.dim3 = String(input.doseNumber);
    if (dims.has('dose')) groups.add('dim2').add('dim3');
  } else if (input.doseKind && input.doseNumber) {
    where.dim3 = `${input.doseKind}:${input.doseNumber}`;
    if (dims.has('dose')) groups.add('dim3');
  } else if (input.doseKind || input.doseNumber || dims.has('dose')) {
    groups.add('dim3');
  }
  const rows = await readCounts(deps.db, { metric, scope, areas: dims.has('area') ? 'child' : 'none', groups: [...groups], where });

  // Rows to keys: the dose of site_doses is split back into kind and number, then filtered and summed.
  const keyOf = (r: CountRow): Key | null => {
    const k: Key = {};
    if (groups.has('day')) k.day = r.day;
    if (dims.has('area')) k.area = r.area_path;
    if (dims.has('vaccine')) k.vaccine = r[src.vaccine];
    if (dims.has('site')) k.site = r.dim1;
    let kind = metric === 'doses' ? r.dim2 : null;
    let number = metric === 'doses' ? Number(r.dim3) : null;
    if (metric === 'site_doses' && groups.has('dim3')) [kind, number] = [r.dim3.split(':')[0]!, Number(r.dim3.split(':')[1])];
    if (metric === 'site_doses' && groups.has('dim3') && ((input.doseKind && kind !== input.doseKind) || (input.doseNumber && number !== input.doseNumber))) return null;
    if (dims.has('dose')) Object.assign(k, { kind: kind!, number: number! });
    return k;
  };
  const sums = new Map<string, { key: Key; n: number }>();
  for (const r of rows) {
    const key = keyOf(r);
    if (!key) continue;
    const id = JSON.stringify(key);
    const s = sums.get(id) ?? { key, n: 0 };
    s.n += r.n;
    sums.set(id, s);
  }
  const entries = [...sums.values()].filter((s) => s.n !== 0);

  const [areas, sites] = await Promise.all([
    dims.has('area') ? areaPopulations(deps.db, entries.map((e) => e.key.area!)) : Promise.resolve(new Map()),
    dims.has('site') && entries.length
      ? deps.db.selectFrom('vaccination_sites as s').innerJoin('areas as a', 'a.code', 's.area_code').select(['s.id', 's.name', 'a.code as area_code', 'a.full_name as area_name'])
        .where('s.id', 'in', [...new Set(entries.map((e) => e.key.site!))]).execute()
      : Promise.resolve([]),
  ]);
  const siteById = new Map(sites.map((s) => [s.id, s]));

  const columns: Column[] = [];
  if (input.by === 'day') columns.push(col('day', 'Ngày', 'Day'));
  if (dims.has('area')) columns.push(col('areaCode', 'Mã địa bàn', 'Area code'), col('area', 'Địa bàn', 'Area'));
  if (dims.has('vaccine')) columns.push(col('vaccine', 'Vắc xin', 'Vaccine'));
  if (dims.has('dose')) columns.push(col('doseKind', 'Loại mũi', 'Dose kind'), col('doseNumber', 'Mũi số', 'Dose number'));
  if (dims.has('site')) columns.push(col('siteId', 'Mã điểm tiêm', 'Site id'), col('site', 'Điểm tiêm', 'Site'), col('areaCode', 'Mã xã/phường', 'Commune code'), col('area', 'Xã/phường', 'Commune'));
  columns.push(col('doses', 'Số mũi tiêm', 'Doses'));

  const order = (a: { key: Key; n: number }, b: { key: Key; n: number }) =>
    (a.key.day ?? '').localeCompare(b.key.day ?? '')
    || (a.key.area ?? '').localeCompare(b.key.area ?? '')
    || (a.key.kind ?? '').localeCompare(b.key.kind ?? '') || (a.key.number ?? 0) - (b.key.number ?? 0)
    // Vaccines and sites: the largest first (within a day), then by code.
    || (dims.has('vaccine') || dims.has('site') ? b.n - a.n : 0)
    || (a.key.vaccine ?? '').localeCompare(b.key.vaccine ?? '') || (a.key.site ?? '').localeCompare(b.key.site ?? '');
  const out = entries.sort(order).map(({ key, n }) => {
    const row: Record<string, Cell> = {};
    if (key.day !== undefined) row.day = key.day;
    if (key.area !== undefined) Object.assign(row, { areaCode: areas.get(key.area)?.code ?? key.area, area: areas.get(key.area)?.name ?? null });
    if (key.vaccine !== undefined) row.vaccine = key.vaccine;
    if (key.kind !== undefined) Object.assign(row, { doseKind: key.kind, doseNumber: key.number! });
    if (key.site !== undefined) {
      const s = siteById.get(key.site);
      Object.assign(row, { siteId: key.site, site: s?.name ?? null, areaCode: s?.area_code ?? null, area: s?.area_name ?? null });
    }
    row.doses = n;
    return row;
  });
  return table(['doses-by', input.by, ...(input.split ? ['and', input.split] : [])].join('-'), scope, columns, out);
}
