import { z } from 'zod';
import { sql, type Database } from '@sen/db';
import { notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { jurisdictionSql, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { col, type Cell, type ReportTable } from './table';

export const LotDosesIn = z.object({
  after: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  format: z.enum(['json', 'csv']).optional(),
});

export const LOT_DOSE_COLUMNS = [
  col('doseId', 'Mã mũi tiêm', 'Dose id'), col('day', 'Ngày tiêm', 'Day'), col('site', 'Điểm tiêm', 'Site'), col('doseKind', 'Loại mũi', 'Dose kind'),
  col('doseNumber', 'Mũi số', 'Dose number'), col('personId', 'Mã người', 'Person id'), col('fullName', 'Họ và tên', 'Full name'),
  col('birthDate', 'Ngày sinh', 'Birth date'), col('phone', 'Số điện thoại', 'Phone'), col('reviewStatus', 'Trạng thái xác minh', 'Review status'),
];

/** The lot a trace or an export names (scopes checked first, so a caller without them learns nothing); 404 when unknown. */
export async function findLotFor(db: Database, ctx: RequestContext, lotId: string) {
  scopePaths(ctx, 'vaccination:read');
  scopePaths(ctx, 'people:read');
  const lot = await db.selectFrom('vaccine_lots').select(['id', 'vaccine_code', 'lot_number']).where('id', '=', lotId).executeTakeFirst();
  if (!lot) throw notFound('Lot');
  return lot;
}

/**
 * The doses given from a lot that the caller may see (given in their vaccination:read jurisdiction to people in
 * their people:read jurisdiction), in dose id order: a range of the doses_lot_id index (lot_id, id).
 */
export function lotDosesQuery(db: Database, ctx: RequestContext, lotId: string) {
  return db
    .selectFrom('doses as d')
    .innerJoin('people as p', 'p.id', 'd.person_id')
    .leftJoin('vaccination_sites as s', 's.id', 'd.site_id')
    .where('d.lot_id', '=', lotId)
    .where(jurisdictionSql(ctx, 'vaccination:read', sql`d.area_path`))
    .where(jurisdictionSql(ctx, 'people:read', sql`p.area_path`));
}

/** lotDosesQuery with the columns of a row, in dose id order. */
export function lotDoseRows(db: Database, ctx: RequestContext, lotId: string) {
  return lotDosesQuery(db, ctx, lotId)
    .select(['d.id', 'd.administered_on', 'd.dose_kind', 'd.dose_number', 'd.review_status', 'p.id as person_id', 'p.full_name', 'p.birth_date', 'p.phone', 's.name as site_name'])
    .orderBy('d.id');
}

type LotDoseRow = Awaited<ReturnType<ReturnType<typeof lotDoseRows>['execute']>>[number];

export function lotDoseCells(r: LotDoseRow): Record<string, Cell> {
  return {
    doseId: r.id, day: String(r.administered_on), site: r.site_name, doseKind: r.dose_kind, doseNumber: r.dose_number, personId: r.person_id,
    fullName: r.full_name, birthDate: r.birth_date === null ? null : String(r.birth_date), phone: r.phone, reviewStatus: r.review_status,
  };
}

/**
 * Lot traceability: the doses given from a lot and the people who received them (for a recall), in dose id
 * order, a page at a time (`after` = the last id of the previous page). Only doses given in the caller's
 * vaccination:read jurisdiction to people in their people:read jurisdiction; each page is audited with the ids
 * of the people it showed. The whole list as one file is exportLotDoses.
 */
export async function lotDoses(deps: Deps, ctx: RequestContext, lotId: string, input: z.infer<typeof LotDosesIn>): Promise<ReportTable & { nextAfter: string | null }> {
  const lot = await findLotFor(deps.db, ctx, lotId);
  let q = lotDoseRows(deps.db, ctx, lotId).limit(input.limit + 1);
  if (input.after) q = q.where('d.id', '>', input.after);
  const found = await q.execute();
  const page = found.slice(0, input.limit);
  await recordAudit(deps.db, ctx, { action: 'lot.trace_people', entityType: 'vaccine_lot', entityId: lotId, details: { personIds: page.map((r) => r.person_id), after: input.after ?? null } });
  return {
    report: 'lot-doses',
    period: { from: '', to: '' },
    areas: [],
    vaccine: lot.vaccine_code,
    columns: LOT_DOSE_COLUMNS,
    rows: page.map(lotDoseCells),
    nextAfter: found.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
