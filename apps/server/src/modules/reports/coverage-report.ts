import type { Deps, RequestContext } from '../../context';
import { areaNames, readCounts } from './counts';
import { resolveScope, type ReportFiltersIn } from './filters';
import { col, table, type ReportTable } from './table';

const pct = (n: number, of: number | null) => (of && of > 0 ? Math.round((n / of) * 10_000) / 100 : null);

/**
 * Coverage by residence as of `to`, per area one level below the selected area (per selected area when the
 * caller's jurisdiction has several): people with at least one dose, with the full series and with a booster,
 * against the area's population (its own figure, else the sum of its communes').
 */
export async function coverageReport(deps: Deps, ctx: RequestContext, input: ReportFiltersIn, level: 'child' | 'root' = 'child'): Promise<ReportTable> {
  const scope = await resolveScope(deps.db, ctx, input);
  const rows = await readCounts(deps.db, { metric: 'coverage', scope, areas: level, groups: ['dim1'], period: 'until' });
  const byArea = new Map<string, { first: number; full: number; booster: number }>();
  for (const r of rows) {
    const a = byArea.get(r.area_path) ?? { first: 0, full: 0, booster: 0 };
    a[r.dim1 as 'first' | 'full' | 'booster'] += r.n;
    byArea.set(r.area_path, a);
  }
  // Every child area appears, with zeros where nobody is vaccinated yet (the map needs them all).
  const children = level === 'child'
    ? await deps.db.selectFrom('areas').select(['code']).select((eb) => eb.ref('path').$castTo<string>().as('path'))
      .where('parent_code', 'in', scope.roots.map((r) => r.code)).execute()
    : scope.roots.map((r) => ({ code: r.code, path: r.path }));
  const paths = [...new Set([...children.map((c) => String(c.path)), ...byArea.keys()])].sort();
  const names = await areaNames(deps.db, paths);
  return table('coverage', scope, [
    col('areaCode', 'Mã địa bàn', 'Area code'), col('area', 'Địa bàn', 'Area'), col('population', 'Dân số', 'Population'),
    col('atLeastOneDose', 'Đã tiêm ít nhất 1 mũi', 'At least one dose'), col('atLeastOneDosePct', 'Tỷ lệ ít nhất 1 mũi (%)', 'At least one dose (%)'),
    col('fullSeries', 'Tiêm đủ liều cơ bản', 'Full series'), col('fullSeriesPct', 'Tỷ lệ đủ liều (%)', 'Full series (%)'),
    col('booster', 'Tiêm mũi nhắc lại', 'Booster'), col('boosterPct', 'Tỷ lệ mũi nhắc lại (%)', 'Booster (%)'),
  ], paths.map((p) => {
    const a = byArea.get(p) ?? { first: 0, full: 0, booster: 0 };
    const n = names.get(p);
    const population = n?.population ?? null;
    return { areaCode: n?.code ?? p, area: n?.name ?? null, population, atLeastOneDose: a.first, atLeastOneDosePct: pct(a.first, population), fullSeries: a.full, fullSeriesPct: pct(a.full, population), booster: a.booster, boosterPct: pct(a.booster, population) };
  }));
}
