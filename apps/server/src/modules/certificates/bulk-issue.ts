import { z } from 'zod';
import { sql } from '@sen/db';
import { AppError, forbidden } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import type { JobDefinition } from '../../jobs';
import { canAccessArea, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findAreaByCode } from '../areas/repo';
import { issueCertificatesUnchecked } from './issue-certificates';

export const BULK_ISSUE_JOB = 'certificates.issue-area';

export const bulkIssuePayload = z.object({
  areaPath: z.string().regex(/^[A-Za-z0-9_.]{1,200}$/),
  requestedBy: z.string().uuid().nullable(),
  /** Only people with a verified dose recorded at or after this instant (incremental runs); all when absent. */
  since: z.string().datetime().nullable().optional(),
});

export interface BulkIssueResult {
  people: number;
  issued: number;
  revoked: number;
  failed: { personId: string; code: string }[];
}

/**
 * Issues certificates for everyone in an area who has a verified dose without a valid certificate. One transaction
 * per person (a failure for one, such as a name with no transliteration, is reported and the run goes on); safe to
 * re-run, since issuance skips what is already issued.
 */
export async function bulkIssue(deps: Pick<Deps, 'db' | 'config'>, payload: z.output<typeof bulkIssuePayload>, batchSize = 500): Promise<BulkIssueResult> {
  const ctx: RequestContext = { actor: null, ip: null, requestId: `job:${BULK_ISSUE_JOB}` };
  const result: BulkIssueResult = { people: 0, issued: 0, revoked: 0, failed: [] };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await sql<{ person_id: string }>`
      SELECT DISTINCT d.person_id FROM doses d JOIN people p ON p.id = d.person_id
       WHERE p.area_path <@ ${payload.areaPath}::ltree AND p.merged_into IS NULL AND d.verified AND d.person_id > ${after}
         ${payload.since ? sql`AND d.recorded_at >= ${payload.since}` : sql``}
         AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.dose_id = d.id AND c.status = 'valid')
       ORDER BY d.person_id LIMIT ${batchSize}`.execute(deps.db);
    if (rows.rows.length === 0) break;
    for (const { person_id: personId } of rows.rows) {
      result.people++;
      try {
        const r = await issueCertificatesUnchecked(deps, ctx, personId);
        result.issued += r.issued.length;
        result.revoked += r.revoked.length;
      } catch (e) {
        result.failed.push({ personId, code: e instanceof AppError ? e.code : 'error' });
      }
    }
    after = rows.rows[rows.rows.length - 1]!.person_id;
  }
  await recordAudit(deps.db, ctx, { action: 'certificate.bulk-issue', entityType: 'area', areaPath: payload.areaPath, details: { requestedBy: payload.requestedBy, people: result.people, issued: result.issued, revoked: result.revoked, failed: result.failed.length } });
  return result;
}

export function bulkIssueJob(deps: Omit<Deps, 'jobs'>): JobDefinition<typeof bulkIssuePayload> {
  return { name: BULK_ISSUE_JOB, payload: bulkIssuePayload, policy: 'stately', handler: (p) => bulkIssue(deps, p) };
}

/** Queues bulk issuance over an area of the actor's vaccination:write jurisdiction; one waiting run per area. */
export async function requestBulkIssue(deps: Deps, ctx: RequestContext, areaCode: string): Promise<{ jobId: string | null; areaPath: string }> {
  scopePaths(ctx, 'vaccination:write');
  const area = await findAreaByCode(deps.db, areaCode);
  if (!area) throw new AppError('unknown_area', 'No area has this code', { field: 'areaCode' });
  if (!canAccessArea(ctx, 'vaccination:write', area.path)) throw forbidden('This area is outside your jurisdiction', { scope: 'vaccination:write', field: 'areaCode' });
  const jobId = await deps.jobs.send(BULK_ISSUE_JOB, { areaPath: area.path, requestedBy: ctx.actor?.userId ?? null }, { singletonKey: area.path });
  await recordAudit(deps.db, ctx, { action: 'certificate.bulk-request', entityType: 'area', entityId: area.code, areaPath: area.path, details: { jobId } });
  return { jobId, areaPath: area.path };
}
