import { z } from 'zod';
import type { Deps, RequestContext } from '../../context';
import type { JobDefinition } from '../../jobs';
import { issueCertificatesUnchecked, type IssueResult } from './issue-certificates';
import { findPersonForCertificate, personCertificates } from './repo';

export const REISSUE_JOB = 'certificates.reissue-person';

export const reissuePayload = z.object({
  personId: z.string().uuid(),
  /** What changed: a name or birth date edited, two records merged, a backfilled dose rejected. */
  cause: z.enum(['person_corrected', 'people_merged', 'dose_rejected']),
});
export type ReissueCause = z.output<typeof reissuePayload>['cause'];

/** Merged records point at their survivor (chains are kept one step long, but a job may run after a later merge). */
async function survivorOf(deps: Pick<Deps, 'db'>, personId: string): Promise<string | null> {
  let id = personId;
  for (let hops = 0; hops < 4; hops++) {
    const p = await findPersonForCertificate(deps.db, id);
    if (!p) return null;
    if (!p.merged_into) return id;
    id = p.merged_into;
  }
  return null;
}

const hasValidCertificates = async (deps: Pick<Deps, 'db'>, personId: string) =>
  (await personCertificates(deps.db, personId, { withMerged: true })).some((c) => c.status === 'valid');

/**
 * The job: re-issues the certificates of a corrected person, which supersedes and revokes every certificate whose
 * content changed (issuance compares what each says). Runs as the system; safe to repeat; a person without a valid
 * certificate is left alone (a correction never issues certificates nobody asked for).
 */
export async function reissueAfterCorrection(deps: Pick<Deps, 'db' | 'config'>, payload: z.output<typeof reissuePayload>): Promise<IssueResult | null> {
  const ctx: RequestContext = { actor: null, ip: null, requestId: `job:${REISSUE_JOB}:${payload.cause}` };
  const personId = await survivorOf(deps, payload.personId);
  if (!personId || !(await hasValidCertificates(deps, personId))) return null;
  return issueCertificatesUnchecked(deps, ctx, personId);
}

export function reissueJob(deps: Omit<Deps, 'jobs'>): JobDefinition<typeof reissuePayload> {
  return { name: REISSUE_JOB, payload: reissuePayload, policy: 'stately', handler: (p) => reissueAfterCorrection(deps, p) };
}

/**
 * What the people and vaccination modules call right after committing a correction: queues the re-issue job when
 * the person (or a record merged into them) holds a valid certificate; one waiting job per person.
 */
export async function queueCertificateReissue(deps: Pick<Deps, 'db' | 'jobs'>, personId: string, cause: ReissueCause): Promise<string | null> {
  if (!(await hasValidCertificates(deps, personId))) return null;
  return deps.jobs.send(REISSUE_JOB, { personId, cause }, { singletonKey: personId });
}
