import type { Deps, RequestContext } from '../../context';
import { readCounts } from './counts';
import { resolveScope, type ReportFiltersIn } from './filters';
import { col, table, type ReportTable } from './table';

const TOP_SYMPTOMS = 5;

/** Adverse events after immunisation per vaccine (by onset day): events, serious, severe, the commonest symptoms. */
export async function adverseReport(deps: Deps, ctx: RequestContext, input: ReportFiltersIn): Promise<ReportTable> {
  const scope = await resolveScope(deps.db, ctx, input);
  const where = { dim1: scope.vaccine ?? undefined };
  const [counts, symptoms] = await Promise.all([
    readCounts(deps.db, { metric: 'adverse', scope, groups: ['dim1', 'dim2'], where }),
    readCounts(deps.db, { metric: 'symptoms', scope, groups: ['dim1', 'dim2'], where }),
  ]);
  const vaccines = [...new Set(counts.map((c) => c.dim1))].sort();
  const get = (v: string, what: string) => counts.find((c) => c.dim1 === v && c.dim2 === what)?.n ?? 0;
  return table('adverse-events', scope, [
    col('vaccine', 'Vắc xin', 'Vaccine'), col('events', 'Số ca phản ứng sau tiêm', 'Adverse events'), col('serious', 'Ca nghiêm trọng', 'Serious'),
    col('severe', 'Mức độ nặng', 'Severe'), col('topSymptoms', 'Triệu chứng thường gặp', 'Most common symptoms'),
  ], vaccines.map((v) => ({
    vaccine: v, events: get(v, 'events'), serious: get(v, 'serious'), severe: get(v, 'severe'),
    topSymptoms: symptoms.filter((s) => s.dim1 === v).sort((a, b) => b.n - a.n || a.dim2.localeCompare(b.dim2)).slice(0, TOP_SYMPTOMS).map((s) => `${s.dim2} ${s.n}`).join('; '),
  })));
}
