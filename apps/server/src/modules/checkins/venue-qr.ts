import { sql } from '@sen/db';
import { AppError, conflict } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { drawQr, FONT_BOLD, FONT_REGULAR, renderPdf } from '../../lib/pdf';
import { recordAudit } from '../access/record-audit';
import { qrExpiresAt, qrMaxAgeDays, qrSigningKey, refToUuid, signQrToken, uuidToRef, verifyQrToken } from './qr-signing';
import { renameTokenField } from './person-qr';
import { loadVenueFor } from './venue-access';
import { findVenueRow, type VenueRow } from './venues-repo';

/**
 * Venue poster tokens: the venue id (as 22 base64url characters) and the venue's qr_version, signed with the time
 * the token was made. Rotating bumps qr_version, so every poster printed before is refused (qr_revoked); a poster is
 * also refused SEN_QR_VENUE_MAX_AGE_DAYS after it was made (qr_expired).
 */
export interface VenueQr {
  venueId: string;
  token: string;
  version: number;
  /** When this token was made. */
  issuedAt: string;
  /** When scanners start refusing it (qr_expired). */
  expiresAt: string;
}

async function qrVersion(deps: Deps, venueId: string): Promise<number> {
  return (await deps.db.selectFrom('venues').select('qr_version').where('id', '=', venueId).executeTakeFirstOrThrow()).qr_version;
}

async function sign(deps: Deps, venueId: string, version: number): Promise<VenueQr> {
  const key = await qrSigningKey(deps.config.SEN_KEYS_DIR);
  // Whole seconds, as the token carries them.
  const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  return {
    venueId, token: await signQrToken(key, { kind: 'venue', ref: uuidToRef(venueId), version, issuedAt }), version, issuedAt: issuedAt.toISOString(),
    expiresAt: qrExpiresAt(issuedAt, qrMaxAgeDays(deps.config, 'venue')).toISOString(),
  };
}

/** The current poster token: the venue's owner or staff who can read the venue. Not personal data: not audited. */
export async function getVenueQr(deps: Deps, ctx: RequestContext, venueId: string): Promise<VenueQr & { venue: VenueRow }> {
  const venue = await loadVenueFor(deps.db, ctx, venueId, 'read');
  return { ...(await sign(deps, venue.id, await qrVersion(deps, venue.id))), venue };
}

/** A new token version: posters printed before stop working. The owner or commune staff (people:write); audited. */
export async function rotateVenueQr(deps: Deps, ctx: RequestContext, venueId: string): Promise<VenueQr> {
  const version = await deps.db.transaction().execute(async (trx) => {
    const venue = await loadVenueFor(trx, ctx, venueId, 'manage', { forUpdate: true });
    const next = await trx
      .updateTable('venues')
      .set({ qr_version: sql`qr_version + 1`, qr_rotated_at: sql`now()` })
      .where('id', '=', venue.id)
      .returning('qr_version')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'venue.qr.rotate', entityType: 'venue', entityId: venue.id, areaPath: venue.area_path, details: { version: next.qr_version } });
    return next.qr_version;
  });
  return sign(deps, venueId, version);
}

const TYPE_VI: Record<string, string> = {
  business: 'Cơ sở kinh doanh', agency: 'Cơ quan', market: 'Chợ', school: 'Trường học', checkpoint: 'Chốt kiểm soát', transport: 'Phương tiện / bến', event: 'Sự kiện', other: 'Địa điểm',
};

/** The A4 poster: venue name, address, the QR code and instructions in Vietnamese (with English). */
export async function venuePoster(deps: Deps, ctx: RequestContext, venueId: string): Promise<Buffer> {
  const qr = await getVenueQr(deps, ctx, venueId);
  const v = qr.venue;
  const commune = await deps.db.selectFrom('areas').select(['name']).where('code', '=', v.commune_code).executeTakeFirst();
  return renderPdf({ size: 'A4', margin: 48, title: `Mã QR địa điểm: ${v.name}`, creationDate: new Date(qr.issuedAt) }, (doc) => {
    const width = doc.page.width - 96;
    doc.font(FONT_BOLD).fontSize(26).text('QUÉT MÃ QR KHI VÀO', { align: 'center', width });
    doc.font(FONT_REGULAR).fontSize(12).fillColor('#555555').text('Scan this code when you enter', { align: 'center', width });
    doc.moveDown(0.8).fillColor('#000000').font(FONT_BOLD).fontSize(20).text(v.name, { align: 'center', width });
    doc.font(FONT_REGULAR).fontSize(11).text(TYPE_VI[v.type] ?? 'Địa điểm', { align: 'center', width });
    const where = [v.address, commune?.name].filter(Boolean).join(', ');
    if (where) doc.fontSize(12).text(where, { align: 'center', width });
    const size = 300;
    const y = doc.y + 16;
    drawQr(doc, qr.token, { x: (doc.page.width - size) / 2, y, size });
    doc.y = y + size + 16;
    doc.font(FONT_BOLD).fontSize(13).text('Hướng dẫn', 48, doc.y, { width });
    doc.font(FONT_REGULAR).fontSize(11);
    for (const line of [
      '1. Mở ứng dụng Sen trên điện thoại, chọn "Quét mã địa điểm".',
      '2. Quét mã QR này và xác nhận khai báo. Không có điện thoại: đưa mã QR cá nhân hoặc số giấy tờ cho nhân viên.',
      '3. Khi rời đi, bấm "Rời địa điểm" (nếu không, hệ thống tính thời gian lưu lại mặc định).',
    ]) doc.text(line, { width });
    doc.moveDown(0.4).fillColor('#555555').fontSize(9)
      .text('Open the Sen app, choose "Scan a venue", scan this code and confirm. No phone? Show your personal QR code or ID to the staff. Check out when you leave.', { width });
    doc.fillColor('#000000').fontSize(8).text(`Phiên bản mã / Code version ${qr.version} · ${qr.issuedAt.slice(0, 10)} · Hạn dùng / Valid until ${qr.expiresAt.slice(0, 10)}`, { align: 'right', width });
  });
}

/**
 * Resolves a scanned venue token to an open venue, or a 4xx naming why: the token checks (an expired poster is 410
 * qr_expired), unknown venue (404), a replaced poster (410 qr_revoked), a closed venue (409).
 */
export async function resolveVenueToken(deps: Deps, token: unknown, field = 'venueToken', now = new Date()): Promise<VenueRow> {
  const key = await qrSigningKey(deps.config.SEN_KEYS_DIR);
  let claims;
  try {
    claims = await verifyQrToken(key, token, 'venue', now, qrMaxAgeDays(deps.config, 'venue'));
  } catch (err) {
    throw renameTokenField(err, field);
  }
  const id = refToUuid(claims.ref);
  const venue = id ? await findVenueRow(deps.db, id) : undefined;
  if (!venue) throw new AppError('unknown_venue', `${field}: No such venue`, { field }, 404);
  if (claims.version !== venue.qr_version) {
    throw new AppError('qr_revoked', `${field}: This poster was replaced by a newer one: scan the current poster`, { field, version: claims.version }, 410);
  }
  if (!venue.active) throw conflict('venue_inactive', 'This venue is closed for check-ins');
  return venue;
}
