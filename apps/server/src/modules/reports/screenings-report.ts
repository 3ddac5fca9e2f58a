import type { Deps, RequestContext } from '../../context';
import { readCounts } from './counts';
import { resolveScope, type ReportFiltersIn } from './filters';
import { col, table, type ReportTable } from './table';

/**
 * Screening outcomes and, for those not eligible (caution, defer, contraindicated), the count per reason code
 * (a screening with two reasons counts once under each). The row with an empty reason is every screening of the
 * outcome. The vaccine filter does not apply (a screening precedes the choice of vaccine).
 */
export async function screeningsReport(deps: Deps, ctx: RequestContext, input: ReportFiltersIn): Promise<ReportTable> {
  const scope = await resolveScope(deps.db, ctx, { ...input, vaccine: undefined });
  const rows = await readCounts(deps.db, { metric: 'screenings', scope, groups: ['dim1', 'dim2'] });
  const order = ['eligible', 'caution', 'defer', 'contraindicated'];
  return table('screenings', scope, [col('outcome', 'Kết quả khám sàng lọc', 'Outcome'), col('reason', 'Lý do', 'Reason'), col('screenings', 'Số lượt', 'Screenings')],
    rows.filter((r) => r.dim2 === '' || r.dim1 !== 'eligible')
      .sort((a, b) => order.indexOf(a.dim1) - order.indexOf(b.dim1) || (a.dim2 === '' ? -1 : b.dim2 === '' ? 1 : b.n - a.n || a.dim2.localeCompare(b.dim2)))
      .map((r) => ({ outcome: r.dim1, reason: r.dim2 === '' ? null : r.dim2, screenings: r.n })));
}
