import { sql, type Database, type DB, type Transaction } from '@sen/db';
import { AppError } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { drawQr, FONT_BOLD, FONT_REGULAR, renderPdf } from '../../lib/pdf';
import { requireActor, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { loadPersonFor } from '../people/people-access';
import { findPersonRow, type PersonRow } from '../people/repo';
import { newPersonRef, qrExpiresAt, qrMaxAgeDays, qrSigningKey, signQrToken } from './qr-signing';
import { verifyPersonTokens } from './verify-person-tokens';

/**
 * Personal QR codes: one live code per person (table person_qr), made on first request, rotated on demand
 * (a new version revokes the older ones, so a lost or photographed card stops working). Each request signs a fresh
 * token of the live version: it is accepted for SEN_QR_PERSON_MAX_AGE_DAYS from then (a card from its printing).
 */
export interface PersonQr {
  token: string;
  version: number;
  /** When this token was made. */
  issuedAt: string;
  /** When scanners start refusing it (qr_expired). */
  expiresAt: string;
}

type Db = Database | Transaction<DB>;
const MAX_MERGE_HOPS = 10;

interface QrRow {
  ref: string;
  version: number;
  issued_at: Date | string;
}

async function liveRow(db: Db, personId: string): Promise<QrRow | undefined> {
  return db.selectFrom('person_qr').select(['ref', 'version', 'issued_at']).where('person_id', '=', personId).where('revoked_at', 'is', null).executeTakeFirst();
}

/** Revokes the live code (if any) and issues the next version. Runs in the caller's transaction. */
async function issueNext(trx: Transaction<DB>, personId: string, userId: string | null): Promise<QrRow> {
  // Serialise issuers of this person's code: the live-code unique index would refuse the loser anyway, this makes it wait instead.
  await sql`SELECT pg_advisory_xact_lock(hashtext('person_qr'), hashtext(${personId}))`.execute(trx);
  const last = await trx.selectFrom('person_qr').select(sql<number>`coalesce(max(version), 0)`.as('v')).where('person_id', '=', personId).executeTakeFirst();
  await trx.updateTable('person_qr').set({ revoked_at: sql`now()` }).where('person_id', '=', personId).where('revoked_at', 'is', null).execute();
  const row = { ref: newPersonRef(), person_id: personId, version: Number(last?.v ?? 0) + 1, issued_by: userId };
  return trx.insertInto('person_qr').values(row).returning(['ref', 'version', 'issued_at']).executeTakeFirstOrThrow();
}

async function currentOrIssue(trx: Transaction<DB>, personId: string, userId: string | null): Promise<{ row: QrRow; issued: boolean }> {
  const live = await liveRow(trx, personId);
  if (live) return { row: live, issued: false };
  await sql`SELECT pg_advisory_xact_lock(hashtext('person_qr'), hashtext(${personId}))`.execute(trx);
  const again = await liveRow(trx, personId);
  if (again) return { row: again, issued: false };
  return { row: await issueNext(trx, personId, userId), issued: true };
}

async function tokenOf(deps: Deps, row: QrRow): Promise<PersonQr> {
  // Whole seconds, as the token carries them.
  const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  const key = await qrSigningKey(deps.config.SEN_KEYS_DIR);
  return {
    token: await signQrToken(key, { kind: 'person', ref: row.ref, version: row.version, issuedAt }), version: row.version, issuedAt: issuedAt.toISOString(),
    expiresAt: qrExpiresAt(issuedAt, qrMaxAgeDays(deps.config, 'person')).toISOString(),
  };
}

/** The signed-in citizen's own person record (following merges), or 404 not_linked. */
export async function ownPersonRow(db: Database, ctx: RequestContext): Promise<PersonRow> {
  const actor = requireActor(ctx);
  scopePaths(ctx, 'self:read');
  const notLinked = () => new AppError('not_linked', 'Your account is not linked to a person record yet', {}, 404);
  if (!actor.personId) throw notLinked();
  let row = await findPersonRow(db, actor.personId);
  for (let hops = 0; row?.merged_into && hops < MAX_MERGE_HOPS; hops++) row = await findPersonRow(db, row.merged_into);
  if (!row || row.merged_into) throw notLinked();
  return row;
}

async function personFor(deps: Deps, ctx: RequestContext, personId: string | 'me', scope: 'people:read' | 'people:write'): Promise<PersonRow> {
  if (personId === 'me') return ownPersonRow(deps.db, ctx);
  const row = await loadPersonFor(deps.db, ctx, personId, scope);
  if (row.merged_into) throw new AppError('person_merged', 'This record was merged into another: use the surviving record', { mergedInto: row.merged_into }, 409);
  return row;
}

/** A person's live QR token (issued on first request). Staff need people:read where the person lives; audited. */
export async function getPersonQr(deps: Deps, ctx: RequestContext, personId: string | 'me', purpose: 'view' | 'print' = 'view'): Promise<PersonQr & { person: PersonRow }> {
  const person = await personFor(deps, ctx, personId, 'people:read');
  const row = await deps.db.transaction().execute(async (trx) => {
    const res = await currentOrIssue(trx, person.id, ctx.actor?.userId ?? null);
    await recordAudit(trx, ctx, {
      action: purpose === 'print' ? 'person.qr.print' : 'person.qr.read', entityType: 'person', entityId: person.id, areaPath: person.area_path,
      details: { version: res.row.version, issued: res.issued, via: personId === 'me' ? 'self' : 'staff' },
    });
    return res.row;
  });
  return { ...(await tokenOf(deps, row)), person };
}

/** Issues a new version; every older token of this person is refused from now on. Staff need people:write. */
export async function rotatePersonQr(deps: Deps, ctx: RequestContext, personId: string | 'me'): Promise<PersonQr> {
  const person = await personFor(deps, ctx, personId, 'people:write');
  const row = await deps.db.transaction().execute(async (trx) => {
    const next = await issueNext(trx, person.id, ctx.actor?.userId ?? null);
    await recordAudit(trx, ctx, { action: 'person.qr.rotate', entityType: 'person', entityId: person.id, areaPath: person.area_path, details: { version: next.version, via: personId === 'me' ? 'self' : 'staff' } });
    return next;
  });
  return tokenOf(deps, row);
}

/** A printable card (A6): name, year of birth, the QR code and how to use it. */
export async function personQrCard(deps: Deps, ctx: RequestContext, personId: string | 'me'): Promise<Buffer> {
  const qr = await getPersonQr(deps, ctx, personId, 'print');
  const p = qr.person;
  return renderPdf({ size: 'A6', margin: 24, title: 'Mã QR cá nhân / Personal QR code', creationDate: new Date(qr.issuedAt) }, (doc) => {
    const width = doc.page.width - 48;
    doc.font(FONT_BOLD).fontSize(13).text('MÃ QR CÁ NHÂN', { align: 'center', width });
    doc.font(FONT_REGULAR).fontSize(8).fillColor('#555555').text('Personal QR code', { align: 'center', width });
    doc.moveDown(0.6).fillColor('#000000').font(FONT_BOLD).fontSize(12).text(p.full_name, { align: 'center', width });
    const born = p.birth_year ?? (p.birth_date ? new Date(p.birth_date).getUTCFullYear() : null);
    if (born) doc.font(FONT_REGULAR).fontSize(9).text(`Năm sinh / Born: ${born}`, { align: 'center', width });
    const size = Math.min(width, 220);
    const y = doc.y + 8;
    drawQr(doc, qr.token, { x: (doc.page.width - size) / 2, y, size });
    doc.y = y + size + 8;
    doc.font(FONT_REGULAR).fontSize(8).text('Xuất trình mã này để nhân viên địa điểm quét khi vào. Mã không chứa thông tin cá nhân.', 24, doc.y, { align: 'center', width });
    doc.fillColor('#555555').text('Show this code to venue staff when you enter. It holds no personal data.', { align: 'center', width });
    doc.fillColor('#000000').fontSize(7).text(`Phiên bản / Version ${qr.version} · ${qr.issuedAt.slice(0, 10)} · Hạn dùng / Valid until ${qr.expiresAt.slice(0, 10)}`, { align: 'center', width });
  });
}

/**
 * Resolves scanned personal tokens to person ids, refusing with a 4xx naming why: the token checks of
 * verifyQrToken (including qr_expired past SEN_QR_PERSON_MAX_AGE_DAYS; signatures already checked by this process
 * are remembered, see verifyPersonTokens), then qr_unknown (404: signed by us but no such code) and qr_revoked (410: a
 * newer version was issued). `fieldOf(i)` names the field of item i for errors.
 */
export async function resolvePersonTokens(deps: Deps, tokens: readonly string[], fieldOf: (i: number) => string, now = new Date()): Promise<string[]> {
  const key = await qrSigningKey(deps.config.SEN_KEYS_DIR);
  const claims = await verifyPersonTokens(key, tokens, now, qrMaxAgeDays(deps.config, 'person'), (i, err) => renameTokenField(err, fieldOf(i)));
  const refs = [...new Set(claims.map((c) => c.ref))];
  const rows = refs.length ? await deps.db.selectFrom('person_qr').select(['ref', 'person_id', 'version', 'revoked_at']).where('ref', 'in', refs).execute() : [];
  const byRef = new Map(rows.map((r) => [r.ref, r]));
  return claims.map((c, i) => {
    const row = byRef.get(c.ref);
    const field = fieldOf(i);
    if (!row) throw new AppError('qr_unknown', `${field}: No such QR code`, { field }, 404);
    if (row.version !== c.version) throw new AppError('qr_token_malformed', `${field}: The QR code's version does not match its reference`, { field }, 400);
    if (row.revoked_at) throw new AppError('qr_revoked', `${field}: This QR code was replaced by a newer one: ask the person for their current code`, { field, version: c.version }, 410);
    return row.person_id;
  });
}

export function renameTokenField(err: unknown, field: string): unknown {
  if (err instanceof AppError && err.details.field === 'token') {
    return new AppError(err.code, err.message.replace(/^token:/, `${field}:`), { ...err.details, field }, err.status);
  }
  return err;
}
