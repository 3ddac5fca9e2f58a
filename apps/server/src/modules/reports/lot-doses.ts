import { z } from 'zod';
import { sql } from '@sen/db';
import { notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { jurisdictionSql, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { col, type ReportTable } from './table';

export const LotDosesIn = z.object({
  after: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  format: z.enum(['json', 'csv']).optional(),
});

/**
 * Lot traceability: the doses given from a lot and the people who received them (for a recall), in dose id
 * order, a page at a time (`after` = the last id of the previous page). Only doses given in the caller's
 * vaccination:read jurisdiction to people in their people:read jurisdiction; each page is audited with the ids
 * of the people it showed.
 */
export async function lotDoses(deps: Deps, ctx: RequestContext, lotId: string, input: z.infer<typeof LotDosesIn>): Promise<ReportTable & { nextAfter: string | null }> {
  scopePaths(ctx, 'vaccination:read');
  scopePaths(ctx, 'people:read');
  const lot = await deps.db.selectFrom('vaccine_lots').select(['id', 'vaccine_code', 'lot_number', 'expiry_date', 'recalled_at']).where('id', '=', lotId).executeTakeFirst();
  if (!lot) throw notFound('Lot');
  let q = deps.db
    .selectFrom('doses as d')
    .innerJoin('people as p', 'p.id', 'd.person_id')
    .leftJoin('vaccination_sites as s', 's.id', 'd.site_id')
    .select([
      'd.id', 'd.administered_on', 'd.dose_kind', 'd.dose_number', 'd.review_status', 'p.id as person_id', 'p.full_name', 'p.birth_date', 'p.phone',
      's.name as site_name', sql<string>`d.area_path::text`.as('area_path'),
    ])
    .where('d.lot_id', '=', lotId)
    .where(jurisdictionSql(ctx, 'vaccination:read', sql`d.area_path`))
    .where(jurisdictionSql(ctx, 'people:read', sql`p.area_path`))
    .orderBy('d.id')
    .limit(input.limit + 1);
  if (input.after) q = q.where('d.id', '>', input.after);
  const found = await q.execute();
  const page = found.slice(0, input.limit);
  await recordAudit(deps.db, ctx, { action: 'lot.trace_people', entityType: 'vaccine_lot', entityId: lotId, details: { personIds: page.map((r) => r.person_id), after: input.after ?? null } });
  return {
    report: 'lot-doses',
    period: { from: '', to: '' },
    areas: [],
    vaccine: lot.vaccine_code,
    columns: [
      col('doseId', 'Mã mũi tiêm', 'Dose id'), col('day', 'Ngày tiêm', 'Day'), col('site', 'Điểm tiêm', 'Site'), col('doseKind', 'Loại mũi', 'Dose kind'),
      col('doseNumber', 'Mũi số', 'Dose number'), col('personId', 'Mã người', 'Person id'), col('fullName', 'Họ và tên', 'Full name'),
      col('birthDate', 'Ngày sinh', 'Birth date'), col('phone', 'Số điện thoại', 'Phone'), col('reviewStatus', 'Trạng thái xác minh', 'Review status'),
    ],
    rows: page.map((r) => ({
      doseId: r.id, day: String(r.administered_on), site: r.site_name, doseKind: r.dose_kind, doseNumber: r.dose_number, personId: r.person_id,
      fullName: r.full_name, birthDate: r.birth_date === null ? null : String(r.birth_date), phone: r.phone, reviewStatus: r.review_status,
    })),
    nextAfter: found.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
