import { badRequest, forbidden } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { NO_JOBS } from '../../jobs';
import { canAccessArea, COUNTRY_PATH, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { areaPathOf } from '../areas/repo';
import { scanDuplicates, type ScanResult } from './scan-duplicates';
import { fieldError } from './validate';

export type ScanRequestResult = { status: 'queued'; jobId: string | null; areaPath: string | null } | { status: 'done'; areaPath: string | null; result: ScanResult };

/**
 * Starts a duplicate scan over an area. A scan reads a whole province or the country, so it is for country- and
 * province-level staff; it runs as a background job when the job queue is on, else in the request.
 */
export async function requestDuplicateScan(deps: Deps, ctx: RequestContext, input: { areaCode?: string | undefined; batchSize?: number | undefined }): Promise<ScanRequestResult> {
  const paths = scopePaths(ctx, 'people:merge');
  const highLevel = paths.filter((p) => p.split('.').length <= 2);
  if (highLevel.length === 0) throw forbidden('Only country or province staff can scan for duplicates', { scope: 'people:merge' });
  let areaPath: string | null;
  if (input.areaCode) {
    const path = await areaPathOf(deps.db, input.areaCode);
    if (!path) throw fieldError('unknown_area', 'areaCode', `There is no area with the code ${input.areaCode}`);
    if (!canAccessArea(ctx, 'people:merge', path)) throw forbidden('This area is outside your jurisdiction', { field: 'areaCode' });
    areaPath = path === COUNTRY_PATH ? null : path;
  } else if (highLevel.includes(COUNTRY_PATH)) {
    areaPath = null;
  } else if (highLevel.length === 1) {
    areaPath = highLevel[0]!;
  } else {
    throw badRequest('area_required', 'You work in several provinces: say which one to scan', { field: 'areaCode' });
  }
  const payload = { areaPath, batchSize: input.batchSize ?? 1000 };
  const queued = deps.jobs !== NO_JOBS;
  await recordAudit(deps.db, ctx, { action: 'duplicate.scan', entityType: 'area', entityId: input.areaCode ?? null, areaPath: areaPath ?? COUNTRY_PATH, details: { queued } });
  if (queued) {
    const jobId = await deps.jobs.send('people.scan-duplicates', payload, { singletonKey: `scan:${areaPath ?? COUNTRY_PATH}` });
    return { status: 'queued', jobId, areaPath };
  }
  return { status: 'done', areaPath, result: await scanDuplicates(deps, payload) };
}
