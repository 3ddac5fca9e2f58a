import { z } from 'zod';
import { sql } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { ReportFilters, resolveScope } from './filters';
import { col, table, type ReportTable } from './table';

export const SeriousEventsIn = ReportFilters.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

/**
 * The serious adverse events of the selected area (where the dose was given) whose onset falls in the period,
 * newest first, a page at a time: onset day, vaccine, lot, seriousness criteria, severity, outcome, causality and
 * commune. No name or person id: a steering committee follows events, investigators open them in the vaccination
 * module. Each page read is audited (the rows are health events, even without names).
 */
export async function seriousAdverseEvents(deps: Deps, ctx: RequestContext, input: z.infer<typeof SeriousEventsIn>): Promise<ReportTable & { hasMore: boolean }> {
  const scope = await resolveScope(deps.db, ctx, input);
  const roots = sql`${sql.val(scope.roots.map((r) => r.path))}::ltree[]`;
  const res = await sql<{
    id: string; day: string; vaccine_code: string; lot_number: string | null; serious_criteria: string[]; severity: string; outcome: string;
    causality: string | null; area_code: string | null; area_name: string | null;
  }>`
    SELECT e.id, sen_vn_day(e.onset_at)::text AS day, e.vaccine_code, d.lot_number, e.serious_criteria, e.severity, e.outcome, e.causality,
           a.code AS area_code, a.full_name AS area_name
      FROM adverse_events e
      JOIN doses d ON d.id = e.dose_id
      LEFT JOIN areas a ON a.path = e.area_path
     WHERE e.serious AND e.area_path <@ ${roots}
       AND e.onset_at >= sen_vn_day_start(${scope.from}::date) AND e.onset_at < sen_vn_day_start(${scope.to}::date + 1)
       ${scope.vaccine ? sql`AND e.vaccine_code = ${scope.vaccine}` : sql``}
     ORDER BY e.onset_at DESC, e.id DESC
     LIMIT ${input.limit + 1} OFFSET ${input.offset}`.execute(deps.db);
  const page = res.rows.slice(0, input.limit);
  await recordAudit(deps.db, ctx, {
    action: 'report.serious_adverse_events', entityType: 'adverse_event',
    details: { areas: scope.roots.map((r) => r.code), from: scope.from, to: scope.to, offset: input.offset, eventIds: page.map((r) => r.id) },
  });
  return {
    ...table('serious-adverse-events', scope, [
      col('eventId', 'Mã ca', 'Event id'), col('onsetDay', 'Ngày khởi phát', 'Onset day'), col('vaccine', 'Vắc xin', 'Vaccine'), col('lotNumber', 'Số lô', 'Lot number'),
      col('seriousCriteria', 'Tiêu chí nghiêm trọng', 'Seriousness criteria'), col('severity', 'Mức độ', 'Severity'), col('outcome', 'Diễn biến', 'Outcome'),
      col('causality', 'Phân loại nguyên nhân', 'Causality'), col('areaCode', 'Mã xã/phường', 'Commune code'), col('area', 'Xã/phường', 'Commune'),
    ], page.map((r) => ({
      eventId: r.id, onsetDay: r.day, vaccine: r.vaccine_code, lotNumber: r.lot_number, seriousCriteria: r.serious_criteria.join('; '), severity: r.severity,
      outcome: r.outcome, causality: r.causality, areaCode: r.area_code, area: r.area_name,
    }))),
    hasMore: res.rows.length > input.limit,
  };
}
