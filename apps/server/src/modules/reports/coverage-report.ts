import type { Deps, RequestContext } from '../../context';
import { areaPopulations, type AreaPopulation } from '../areas/repo';
import { readCounts, type CountRow } from './counts';
import { areasBelow, resolveScope, type ReportFiltersIn } from './filters';
import { col, table, type ReportTable } from './table';

const pct = (n: number, of: number | null | undefined) => (of && of > 0 ? Math.round((n / of) * 10_000) / 100 : null);

type Stage = 'first' | 'full' | 'booster';
interface StageCounts { first: number; full: number; booster: number }
/** People counted per stage: every age, adults (18 and over on the day of the dose) and those 50 and over. */
export interface CoverageCounts { allAges: StageCounts; adults: StageCounts; over50: StageCounts }

const zero = (): CoverageCounts => ({ allAges: { first: 0, full: 0, booster: 0 }, adults: { first: 0, full: 0, booster: 0 }, over50: { first: 0, full: 0, booster: 0 } });

/** Folds coverage rows (dim1 stage, dim2 age band; see migration 0017) into counts per area path. */
export function coverageCounts(rows: readonly CountRow[]): Map<string, CoverageCounts> {
  const byArea = new Map<string, CoverageCounts>();
  for (const r of rows) {
    const c = byArea.get(r.area_path) ?? zero();
    const stage = r.dim1 as Stage;
    c.allAges[stage] += r.n;
    if (r.dim2 === '18_49' || r.dim2 === '50_plus') c.adults[stage] += r.n;
    if (r.dim2 === '50_plus') c.over50[stage] += r.n;
    byArea.set(r.area_path, c);
  }
  return byArea;
}

/**
 * Coverage figures of one area. The rates are against the target populations (DOMAIN.md: adults 18+ with at
 * least one dose, over-50s with the full series): the numerators count people of that age on the day of their
 * dose. The all-ages counts (every person counted, under 18 and of unknown age included) come without a rate.
 */
export function coverageFigures(c: CoverageCounts = zero(), area: AreaPopulation | undefined = undefined) {
  const p18 = area?.population18Plus ?? null;
  const p50 = area?.population50Plus ?? null;
  return {
    population: area?.population ?? null, population18Plus: p18, population50Plus: p50,
    atLeastOneDose: c.allAges.first, fullSeries: c.allAges.full, booster: c.allAges.booster,
    adults18PlusAtLeastOneDose: c.adults.first, adults18PlusAtLeastOneDosePct: pct(c.adults.first, p18),
    adults18PlusFullSeries: c.adults.full, adults18PlusFullSeriesPct: pct(c.adults.full, p18),
    adults18PlusBooster: c.adults.booster, adults18PlusBoosterPct: pct(c.adults.booster, p18),
    over50AtLeastOneDose: c.over50.first, over50AtLeastOneDosePct: pct(c.over50.first, p50),
    over50FullSeries: c.over50.full, over50FullSeriesPct: pct(c.over50.full, p50),
  };
}

/**
 * Coverage by residence as of `to`, per area one level below the selected area (a commune: itself): people with
 * at least one dose, the full series and a booster, as rates of the adults (18 and over) and of the over-50s of
 * each area (the area's own figures, else the sum of its communes'), with the all-ages counts beside them.
 */
export async function coverageReport(deps: Deps, ctx: RequestContext, input: ReportFiltersIn): Promise<ReportTable> {
  const scope = await resolveScope(deps.db, ctx, input);
  const level = areasBelow(scope);
  const byArea = coverageCounts(await readCounts(deps.db, { metric: 'coverage', scope, areas: level, groups: ['dim1', 'dim2'], period: 'until' }));
  // Every child area appears, with zeros where nobody is vaccinated yet (the map needs them all).
  const children = level === 'child'
    ? await deps.db.selectFrom('areas').select(['code']).select((eb) => eb.ref('path').$castTo<string>().as('path'))
      .where('parent_code', 'in', scope.roots.map((r) => r.code)).execute()
    : scope.roots.map((r) => ({ code: r.code, path: r.path }));
  const paths = [...new Set([...children.map((c) => String(c.path)), ...byArea.keys()])].sort();
  const areas = await areaPopulations(deps.db, paths);
  return table('coverage', scope, [
    col('areaCode', 'Mã địa bàn', 'Area code'), col('area', 'Địa bàn', 'Area'), col('population', 'Dân số', 'Population'),
    col('population18Plus', 'Dân số từ 18 tuổi', 'Population aged 18+'), col('population50Plus', 'Dân số từ 50 tuổi', 'Population aged 50+'),
    col('adults18PlusAtLeastOneDose', 'Người từ 18 tuổi tiêm ít nhất 1 mũi', 'Adults 18+ with at least one dose'),
    col('adults18PlusAtLeastOneDosePct', 'Tỷ lệ người từ 18 tuổi tiêm ít nhất 1 mũi (%)', 'Adults 18+ with at least one dose (% of 18+)'),
    col('adults18PlusFullSeries', 'Người từ 18 tuổi tiêm đủ liều cơ bản', 'Adults 18+ with the full series'),
    col('adults18PlusFullSeriesPct', 'Tỷ lệ người từ 18 tuổi tiêm đủ liều (%)', 'Adults 18+ with the full series (% of 18+)'),
    col('adults18PlusBooster', 'Người từ 18 tuổi tiêm mũi nhắc lại', 'Adults 18+ with a booster'),
    col('adults18PlusBoosterPct', 'Tỷ lệ người từ 18 tuổi tiêm mũi nhắc lại (%)', 'Adults 18+ with a booster (% of 18+)'),
    col('over50AtLeastOneDose', 'Người từ 50 tuổi tiêm ít nhất 1 mũi', 'People 50+ with at least one dose'),
    col('over50AtLeastOneDosePct', 'Tỷ lệ người từ 50 tuổi tiêm ít nhất 1 mũi (%)', 'People 50+ with at least one dose (% of 50+)'),
    col('over50FullSeries', 'Người từ 50 tuổi tiêm đủ liều cơ bản', 'People 50+ with the full series'),
    col('over50FullSeriesPct', 'Tỷ lệ người từ 50 tuổi tiêm đủ liều (%)', 'People 50+ with the full series (% of 50+)'),
    col('atLeastOneDose', 'Mọi lứa tuổi: ít nhất 1 mũi', 'All ages: at least one dose'),
    col('fullSeries', 'Mọi lứa tuổi: đủ liều cơ bản', 'All ages: full series'),
    col('booster', 'Mọi lứa tuổi: mũi nhắc lại', 'All ages: booster'),
  ], paths.map((p) => {
    const a = areas.get(p);
    return { areaCode: a?.code ?? p, area: a?.name ?? null, ...coverageFigures(byArea.get(p), a) };
  }));
}
