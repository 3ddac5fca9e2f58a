import type { Deps, RequestContext } from '../../context';
import { areaNames, readCounts } from './counts';
import { resolveScope, type ReportFiltersIn } from './filters';

/**
 * The dashboard in one request, from the rollups only: totals for the period, doses per day (primary and
 * booster), doses per vaccine, and coverage per area one level below the selected one (provinces for the whole
 * country: the map).
 */
export async function dashboardSummary(deps: Deps, ctx: RequestContext, input: ReportFiltersIn) {
  const scope = await resolveScope(deps.db, ctx, input);
  const db = deps.db;
  const vaccine = { dim1: scope.vaccine ?? undefined };
  const [byDay, byVaccine, coverageTotals, coverageByArea, screenings, adverse] = await Promise.all([
    readCounts(db, { metric: 'doses', scope, groups: ['day', 'dim2'], where: vaccine }),
    readCounts(db, { metric: 'doses', scope, groups: ['dim1'], where: vaccine }),
    readCounts(db, { metric: 'coverage', scope, groups: ['dim1'], period: 'until' }),
    readCounts(db, { metric: 'coverage', scope, areas: 'child', groups: ['dim1'], period: 'until' }),
    readCounts(db, { metric: 'screenings', scope: { ...scope, vaccine: null }, groups: ['dim1'], where: { dim2: '' } }),
    readCounts(db, { metric: 'adverse', scope, groups: ['dim2'], where: vaccine }),
  ]);
  const days = new Map<string, { day: string; primary: number; booster: number }>();
  for (const r of byDay) {
    const d = days.get(r.day) ?? { day: r.day, primary: 0, booster: 0 };
    d[r.dim2 === 'booster' ? 'booster' : 'primary'] += r.n;
    days.set(r.day, d);
  }
  const cov = (rows: typeof coverageTotals, what: string) => rows.filter((r) => r.dim1 === what).reduce((s, r) => s + r.n, 0);
  const childPaths = [...new Set(coverageByArea.map((r) => r.area_path))];
  const names = await areaNames(db, [...childPaths, ...scope.roots.map((r) => r.path)]);
  const population = scope.roots.reduce<number | null>((s, r) => {
    const p = names.get(r.path)?.population;
    return p === null || p === undefined ? s : (s ?? 0) + p;
  }, null);
  const screened = screenings.reduce((s, r) => s + r.n, 0);
  return {
    period: { from: scope.from, to: scope.to },
    areas: scope.roots.map((r) => ({ code: r.code, name: r.name })),
    vaccine: scope.vaccine,
    totals: {
      doses: byDay.reduce((s, r) => s + r.n, 0),
      population,
      atLeastOneDose: cov(coverageTotals, 'first'),
      fullSeries: cov(coverageTotals, 'full'),
      booster: cov(coverageTotals, 'booster'),
      screenings: screened,
      notEligible: screened - (screenings.find((r) => r.dim1 === 'eligible')?.n ?? 0),
      adverseEvents: adverse.find((r) => r.dim2 === 'events')?.n ?? 0,
      seriousAdverseEvents: adverse.find((r) => r.dim2 === 'serious')?.n ?? 0,
    },
    dosesByDay: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
    dosesByVaccine: byVaccine.map((r) => ({ vaccine: r.dim1, doses: r.n })).sort((a, b) => b.doses - a.doses || a.vaccine.localeCompare(b.vaccine)),
    coverageByArea: childPaths.sort().map((p) => {
      const rows = coverageByArea.filter((r) => r.area_path === p);
      const n = names.get(p);
      return { areaCode: n?.code ?? p, area: n?.name ?? null, population: n?.population ?? null, atLeastOneDose: cov(rows, 'first'), fullSeries: cov(rows, 'full'), booster: cov(rows, 'booster') };
    }),
  };
}
