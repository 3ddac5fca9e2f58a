import { uuidv7 } from '@sen/db';
import { AppError, forbidden, makeUvci, notFound, recoveryDcc, recoveryEntryFrom, uvciOpaqueForId, type RecoveryFacts } from '@sen/domain';
import { vnDate } from '@sen/certs';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths } from '../access/authorize';
import { contentHash, putCertificate, recoveryExpiry, type PutOutcome } from './issue-certificates';
import { findPersonForCertificate, personCertificates } from './repo';
import { currentSigner } from './signing-keys';

export interface RecoveryInput extends RecoveryFacts {
  personId: string;
  /** The test result the certificate rests on, when the testing module gives one. */
  sourceId?: string | null;
}

/** Staff issue a recovery certificate (testing:write over the person's commune). */
export async function issueRecoveryCertificate(deps: Deps, ctx: RequestContext, input: RecoveryInput, now = new Date()): Promise<PutOutcome> {
  scopePaths(ctx, 'testing:write');
  const person = await findPersonForCertificate(deps.db, input.personId);
  if (!person) throw notFound('Person', { personId: input.personId });
  if (!canAccessArea(ctx, 'testing:write', person.area_path)) throw forbidden('This person is outside your jurisdiction', { scope: 'testing:write' });
  return issueRecoveryCertificateUnchecked(deps, ctx, input, now);
}

/**
 * The hook the testing module calls when it records a person's first positive NAAT result (and what the staff route
 * and `sen cert issue --recovery` run): a recovery certificate valid from day 11 to day 180 after that test, whose
 * signature expires with it. Safe to repeat: the same facts keep the certificate; a corrected country or issuer
 * supersedes and revokes it. No access check: the caller has done its own.
 */
export async function issueRecoveryCertificateUnchecked(deps: Pick<Deps, 'db' | 'config'>, ctx: RequestContext, input: RecoveryInput, now = new Date()): Promise<PutOutcome> {
  if (input.firstPositiveOn > vnDate(now)) throw new AppError('invalid_recovery', 'firstPositiveOn: cannot be in the future', { field: 'firstPositiveOn' }, 400);
  const signer = await currentSigner(deps.config.SEN_KEYS_DIR);
  return deps.db.transaction().execute(async (trx) => {
    const person = await findPersonForCertificate(trx, input.personId, true);
    if (!person) throw notFound('Person', { personId: input.personId });
    if (person.merged_into) throw new AppError('person_merged', 'This record was merged into another: issue for the surviving record', { mergedInto: person.merged_into }, 409);
    const id = uuidv7();
    const { entry, validUntil } = recoveryEntryFrom(input, makeUvci(uvciOpaqueForId(id, now)));
    const expiresAt = recoveryExpiry(validUntil, now);
    const dcc = recoveryDcc({ fullName: person.full_name, birthDate: person.birth_date }, entry);
    const current = (await personCertificates(trx, input.personId)).find((c) => c.kind === 'recovery' && c.status === 'valid' && String(c.event_on) === entry.fr);
    return putCertificate(trx, ctx, current, { id, personId: input.personId, areaPath: person.area_path, dcc, hash: contentHash(dcc), signer, now, sourceId: input.sourceId ?? null, expiresAt }, null);
  });
}
