import type { Deps, RequestContext } from '../../context';
import { areaPopulations } from '../areas/repo';
import { readCounts } from './counts';
import { coverageCounts, coverageFigures } from './coverage-report';
import { resolveScope, type ReportFiltersIn } from './filters';

/**
 * The dashboard in one request, from the rollups only: totals for the period, doses per day (primary and
 * booster), doses per vaccine, and coverage per area one level below the selected one (provinces for the whole
 * country: the map). Coverage rates are of the target populations: adults 18+ (at least one dose, full series,
 * booster) and over-50s (full series), as coverage-report.ts; the all-ages counts stay beside them.
 */
export async function dashboardSummary(deps: Deps, ctx: RequestContext, input: ReportFiltersIn) {
  const scope = await resolveScope(deps.db, ctx, input);
  const db = deps.db;
  const vaccine = { dim1: scope.vaccine ?? undefined };
  const [byDay, byVaccine, coverageTotals, coverageByArea, screenings, adverse] = await Promise.all([
    readCounts(db, { metric: 'doses', scope, groups: ['day', 'dim2'], where: vaccine }),
    readCounts(db, { metric: 'doses', scope, groups: ['dim1'], where: vaccine }),
    readCounts(db, { metric: 'coverage', scope, groups: ['dim1', 'dim2'], period: 'until' }),
    readCounts(db, { metric: 'coverage', scope, areas: 'child', groups: ['dim1', 'dim2'], period: 'until' }),
    readCounts(db, { metric: 'screenings', scope: { ...scope, vaccine: null }, groups: ['dim1'], where: { dim2: '' } }),
    readCounts(db, { metric: 'adverse', scope, groups: ['dim2'], where: vaccine }),
  ]);
  const days = new Map<string, { day: string; primary: number; booster: number }>();
  for (const r of byDay) {
    const d = days.get(r.day) ?? { day: r.day, primary: 0, booster: 0 };
    d[r.dim2 === 'booster' ? 'booster' : 'primary'] += r.n;
    days.set(r.day, d);
  }
  const byChild = coverageCounts(coverageByArea);
  const childPaths = [...byChild.keys()].sort();
  const areas = await areaPopulations(db, [...childPaths, ...scope.roots.map((r) => r.path)]);
  // Several roots (a jurisdiction of two provinces): counts and populations add up; a population unknown in any
  // root leaves the total unknown rather than too small.
  const rootCounts = coverageCounts(coverageTotals).get('');
  const sum = (key: 'population' | 'population18Plus' | 'population50Plus') =>
    scope.roots.reduce<number | null>((s, r) => {
      const v = areas.get(r.path)?.[key];
      return s === null || v === null || v === undefined ? null : s + v;
    }, 0);
  const rootPopulation = { code: '', path: '', name: '', population: sum('population'), population18Plus: sum('population18Plus'), population50Plus: sum('population50Plus') };
  const screened = screenings.reduce((s, r) => s + r.n, 0);
  return {
    period: { from: scope.from, to: scope.to },
    areas: scope.roots.map((r) => ({ code: r.code, name: r.name })),
    vaccine: scope.vaccine,
    totals: {
      doses: byDay.reduce((s, r) => s + r.n, 0),
      ...coverageFigures(rootCounts, rootPopulation),
      screenings: screened,
      notEligible: screened - (screenings.find((r) => r.dim1 === 'eligible')?.n ?? 0),
      adverseEvents: adverse.find((r) => r.dim2 === 'events')?.n ?? 0,
      seriousAdverseEvents: adverse.find((r) => r.dim2 === 'serious')?.n ?? 0,
    },
    dosesByDay: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
    dosesByVaccine: byVaccine.map((r) => ({ vaccine: r.dim1, doses: r.n })).sort((a, b) => b.doses - a.doses || a.vaccine.localeCompare(b.vaccine)),
    coverageByArea: childPaths.map((p) => {
      const a = areas.get(p);
      return { areaCode: a?.code ?? p, area: a?.name ?? null, ...coverageFigures(byChild.get(p), a) };
    }),
  };
}
