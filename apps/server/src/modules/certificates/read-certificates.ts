import { decodeHcert, evaluateQrColour, type Dcc } from '@sen/certs';
import { AppError, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, requireActor, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { certificatePdf } from './certificate-pdf';
import { certificateView, findCertificate, findPersonForCertificate, personCertificates, type CertificateRow, type CertificateView } from './repo';
import { ruleSetInForce } from './rule-set-store';

/** Staff read a person's certificates: vaccination:read and people:read over the person's commune, else 404. */
async function staffPerson(deps: Deps, ctx: RequestContext, personId: string) {
  scopePaths(ctx, 'vaccination:read');
  scopePaths(ctx, 'people:read');
  const person = await findPersonForCertificate(deps.db, personId);
  if (!person || !canAccessArea(ctx, 'vaccination:read', person.area_path) || !canAccessArea(ctx, 'people:read', person.area_path)) throw notFound('Person', { personId });
  return person;
}

export async function listPersonCertificates(deps: Deps, ctx: RequestContext, personId: string): Promise<CertificateView[]> {
  const person = await staffPerson(deps, ctx, personId);
  const rows = await personCertificates(deps.db, personId);
  await recordAudit(deps.db, ctx, { action: 'certificate.list', entityType: 'person', entityId: personId, areaPath: person.area_path, details: { count: rows.length } });
  return rows.map(certificateView);
}

/**
 * The PDF shows what was signed: name, birth date and event come from the stored DCC, never from the registry as it
 * is today (a corrected name is a new certificate, not a different print of the old one).
 */
async function renderCertificate(cert: CertificateRow): Promise<{ pdf: Buffer; fileName: string }> {
  const dcc = decodeHcert(cert.hcert).claims?.dcc as Dcc | undefined;
  if (!dcc) throw new AppError('certificate_unreadable', 'The stored certificate cannot be decoded', { certificateId: cert.id }, 500);
  const pdf = await certificatePdf(cert, dcc);
  const title = dcc.r ? `Chứng nhận khỏi bệnh ${String(cert.event_on)}` : `Chứng nhận tiêm chủng ${cert.dose_number}-${cert.series_doses} ${String(cert.event_on)}`;
  return { pdf, fileName: `${title}.pdf` };
}

/** Staff print a certificate for a person without a smartphone (audited as a read of health data). */
export async function staffCertificatePdf(deps: Deps, ctx: RequestContext, id: string) {
  const cert = await findCertificate(deps.db, id);
  if (!cert) throw notFound('Certificate', { certificateId: id });
  await staffPerson(deps, ctx, cert.person_id).catch(() => {
    throw notFound('Certificate', { certificateId: id });
  });
  const out = await renderCertificate(cert);
  await recordAudit(deps.db, ctx, { action: 'certificate.print', entityType: 'certificate', entityId: id, areaPath: cert.area_path, details: { personId: cert.person_id } });
  return out;
}

function selfPersonId(ctx: RequestContext): string {
  const actor = requireActor(ctx);
  scopePaths(ctx, 'self:read');
  if (!actor.personId) throw notFound('Person', {});
  return actor.personId;
}

export async function myCertificates(deps: Deps, ctx: RequestContext): Promise<(CertificateView & { hcert: string | null })[]> {
  const personId = selfPersonId(ctx);
  const rows = await personCertificates(deps.db, personId);
  await recordAudit(deps.db, ctx, { action: 'certificate.list', entityType: 'person', entityId: personId, details: { via: 'self', count: rows.length } });
  // The QR text only for certificates that are still valid: a revoked one must not be shown as if usable.
  return rows.map((r) => ({ ...certificateView(r), hcert: r.status === 'valid' ? r.hcert : null }));
}

async function ownCertificate(deps: Deps, ctx: RequestContext, id: string): Promise<CertificateRow> {
  const personId = selfPersonId(ctx);
  const cert = await findCertificate(deps.db, id);
  if (!cert || cert.person_id !== personId) throw notFound('Certificate', { certificateId: id });
  return cert;
}

export async function myCertificatePdf(deps: Deps, ctx: RequestContext, id: string) {
  const cert = await ownCertificate(deps, ctx, id);
  if (cert.status !== 'valid') throw notFound('Certificate', { certificateId: id, status: cert.status });
  const out = await renderCertificate(cert);
  await recordAudit(deps.db, ctx, { action: 'certificate.download', entityType: 'certificate', entityId: id, areaPath: cert.area_path, details: { via: 'self' } });
  return out;
}

/**
 * The citizen's personal QR colour, by the personalQr CertLogic rule of the rule set in force over each valid
 * certificate (the same rule verifiers run offline): green if any gives green.
 */
export async function myQrColour(deps: Deps, ctx: RequestContext, now = new Date()) {
  const personId = selfPersonId(ctx);
  const rules = await ruleSetInForce(deps.db, now);
  const rule = rules.rules.find((r) => r.purpose === 'personalQr');
  const valid = (await personCertificates(deps.db, personId)).filter((c) => c.status === 'valid' && new Date(c.expires_at) > now);
  let colour: 'green' | 'black' = 'black';
  let basedOn: string | null = null;
  for (const c of valid) {
    const dcc = decodeHcert(c.hcert).claims?.dcc as Dcc | undefined;
    if (dcc && evaluateQrColour(rules, dcc, now) === 'green') {
      colour = 'green';
      basedOn = c.id;
      break;
    }
  }
  await recordAudit(deps.db, ctx, { action: 'certificate.qr-colour', entityType: 'person', entityId: personId, details: { via: 'self', colour } });
  return { colour, certificateId: basedOn, ruleId: rule?.id ?? null, ruleVersion: rules.version, description: rule?.description ?? null, at: now.toISOString() };
}
