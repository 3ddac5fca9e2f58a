import { uuidv7, type DB, type Transaction } from '@sen/db';
import { AppError, forbidden, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { certificateView, findCertificate, type CertificateRow, type CertificateView } from './repo';
import { REVOCATION_HASH_TYPES } from './revocation-hashes';

export interface Revocation {
  status: 'revoked' | 'superseded';
  reason: string;
  supersededBy: string | null;
  at: Date;
}

/** Marks the certificate revoked and publishes its EU revocation hashes; audited. */
export async function revokeInTransaction(trx: Transaction<DB>, ctx: RequestContext, cert: CertificateRow, r: Revocation): Promise<CertificateRow> {
  const row = await trx
    .updateTable('certificates')
    .set({ status: r.status, revoked_at: r.at, reason: r.reason, superseded_by: r.supersededBy })
    .where('id', '=', cert.id)
    .where('status', '=', 'valid')
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('certificate_not_valid', 'The certificate is already revoked', { certificateId: cert.id }, 409);
  const hashes = { UCI: cert.uci_hash, COUNTRYCODEUCI: cert.country_uci_hash, SIGNATURE: cert.signature_hash };
  await trx
    .insertInto('certificate_revocations')
    .values(REVOCATION_HASH_TYPES.map((t) => ({ id: uuidv7(), certificate_id: cert.id, kid: cert.kid, hash_type: t, hash: hashes[t], revoked_at: r.at, expires_at: cert.expires_at })))
    .onConflict((oc) => oc.columns(['hash_type', 'hash']).doNothing())
    .execute();
  await recordAudit(trx, ctx, {
    action: 'certificate.revoke', entityType: 'certificate', entityId: cert.id, areaPath: cert.area_path,
    details: { personId: cert.person_id, status: r.status, reason: r.reason, supersededBy: r.supersededBy },
  });
  return row;
}

/** Staff revoke a certificate (vaccination:write over the person's commune) with a reason. */
export async function revokeCertificate(deps: Deps, ctx: RequestContext, id: string, reason: string): Promise<CertificateView> {
  scopePaths(ctx, 'vaccination:write');
  const cert = await findCertificate(deps.db, id);
  // Outside the read jurisdiction it does not exist for this actor; readable but not writable is a 403.
  if (!cert || !canAccessArea(ctx, 'vaccination:read', cert.area_path)) throw notFound('Certificate', { certificateId: id });
  if (!canAccessArea(ctx, 'vaccination:write', cert.area_path)) throw forbidden('This certificate is outside your jurisdiction', { scope: 'vaccination:write' });
  const row = await deps.db.transaction().execute((trx) => revokeInTransaction(trx, ctx, cert, { status: 'revoked', reason, supersededBy: null, at: new Date() }));
  return certificateView(row);
}
