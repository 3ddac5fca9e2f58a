import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../context';
import { pdfDisposition } from '../../lib/pdf';
import { requireAnyScope, requireScope } from '../../plugins/auth';
import { getPersonQr, personQrCard, rotatePersonQr } from './person-qr';
import { IdParams, QrOut, VenueQrOut } from './schemas';
import { getVenueQr, rotateVenueQr, venuePoster } from './venue-qr';

function sendPdf(reply: FastifyReply, fileName: string, pdf: Buffer) {
  return reply.type('application/pdf').header('content-disposition', pdfDisposition(fileName)).header('cache-control', 'no-store').send(pdf);
}

/**
 * Signed QR codes: a person's (staff print it for people without a phone; a citizen reads their own) and a venue's
 * poster. Rotation issues a new version and makes every older one refused.
 */
export async function qrRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['qr'];
  const qrOnly = ({ token, version, issuedAt, expiresAt }: { token: string; version: number; issuedAt: string; expiresAt: string }) => ({ token, version, issuedAt, expiresAt });

  r.get('/api/people/:id/qr', {
    schema: { tags, summary: "A person's signed QR token (issued on first request); staff with people:read where the person lives; audited", params: IdParams, response: { 200: QrOut } },
    preValidation: requireScope('people:read'),
  }, async (request) => qrOnly(await getPersonQr(deps, request.ctx, request.params.id)));

  r.get('/api/people/:id/qr-card.pdf', {
    schema: { tags, summary: "A person's printable QR card (PDF, A6); audited", params: IdParams },
    preValidation: requireScope('people:read'),
  }, async (request, reply) => sendPdf(reply, 'the-qr-ca-nhan.pdf', await personQrCard(deps, request.ctx, request.params.id)));

  r.post('/api/people/:id/qr/rotate', {
    schema: { tags, summary: "Issue a new version of a person's QR code: older codes are refused from now on (people:write)", params: IdParams, response: { 200: QrOut } },
    preValidation: requireScope('people:write'),
  }, async (request) => rotatePersonQr(deps, request.ctx, request.params.id));

  r.get('/api/me/qr', {
    schema: { tags, summary: 'My own signed QR token', response: { 200: QrOut } },
    preValidation: requireScope('self:read'),
  }, async (request) => qrOnly(await getPersonQr(deps, request.ctx, 'me')));

  r.get('/api/me/qr-card.pdf', {
    schema: { tags, summary: 'My own printable QR card (PDF)' },
    preValidation: requireScope('self:read'),
  }, async (request, reply) => sendPdf(reply, 'the-qr-ca-nhan.pdf', await personQrCard(deps, request.ctx, 'me')));

  r.post('/api/me/qr/rotate', {
    schema: { tags, summary: 'Replace my QR code (lost card, photographed phone): the old one stops working', response: { 200: QrOut } },
    preValidation: requireScope('self:read'),
  }, async (request) => rotatePersonQr(deps, request.ctx, 'me'));

  r.get('/api/venues/:id/qr', {
    schema: { tags, summary: "A venue's signed poster token (its owner, or staff who can read the venue)", params: IdParams, response: { 200: VenueQrOut } },
    preValidation: requireAnyScope('business:manage', 'people:read'),
  }, async (request) => {
    const { venueId, token, version, issuedAt, expiresAt } = await getVenueQr(deps, request.ctx, request.params.id);
    return { venueId, token, version, issuedAt, expiresAt };
  });

  r.get('/api/venues/:id/poster.pdf', {
    schema: { tags, summary: "A venue's QR poster (PDF, A4, Vietnamese with English)", params: IdParams },
    preValidation: requireAnyScope('business:manage', 'people:read'),
  }, async (request, reply) => sendPdf(reply, 'ma-qr-dia-diem.pdf', await venuePoster(deps, request.ctx, request.params.id)));

  r.post('/api/venues/:id/qr/rotate', {
    schema: { tags, summary: 'Issue a new poster token: older posters are refused from now on (owner or commune staff)', params: IdParams, response: { 200: VenueQrOut } },
    preValidation: requireAnyScope('business:manage', 'people:write'),
  }, async (request) => rotateVenueQr(deps, request.ctx, request.params.id));
}
