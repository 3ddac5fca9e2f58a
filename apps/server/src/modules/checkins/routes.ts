import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../context';
import { requireAnyScope, requireScope } from '../../plugins/auth';
import { checkOutSelf } from './check-out-self';
import { checkOutVisitor } from './check-out-visitor';
import { getVenue } from './get-venue';
import { listMyCheckins } from './list-my-checkins';
import { listVenues } from './list-venues';
import { listVisitors } from './list-visitors';
import { registerVenue } from './register-venue';
import {
  CheckoutIn, CheckoutOut, CheckoutParams, IdParams, SelfCheckoutParams, SelfCheckinIn, SelfCheckinOut, VenueCheckinBatchIn, VenueCheckinBatchOut, VenueCheckinIn, VenueCheckinOut, VenueCreateIn, VenueListIn, VenueOut,
  VenueUpdateIn, VisitorsIn, VisitorsOut,
} from './schemas';
import { z } from 'zod';
import { selfCheckin } from './self-checkin';
import { qrRoutes } from './qr-routes';
import { updateVenue } from './update-venue';
import { checkInVisitor, checkInVisitorBatch } from './venue-checkins';

/**
 * Venues and check-ins (issue 5). Who may do what is in venue-access.ts: owners run their venue, commune staff
 * register and edit venues of their communes, only the owner (and the national administrator) checks visitors in
 * and sees the visitor list. Guards run as preValidation, so a request without a session or scope is refused as
 * such (401/403) whatever it carries.
 */
export async function checkinsRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['venues'];

  r.post('/api/venues', {
    schema: { tags, summary: 'Register a venue: a business administrator their own, or commune staff for an owner account', body: VenueCreateIn, response: { 201: VenueOut } },
    preValidation: requireAnyScope('business:manage', 'people:write'),
  }, async (request, reply) => reply.status(201).send(await registerVenue(deps, request.ctx, request.body)));

  r.get('/api/venues', {
    schema: { tags, summary: 'My venues, and (staff) the venues of my jurisdiction', querystring: VenueListIn, response: { 200: z.object({ items: z.array(VenueOut), nextAfter: z.string().nullable() }) } },
    preValidation: requireAnyScope('business:manage', 'people:read'),
  }, async (request) => listVenues(deps, request.ctx, { ...request.query, mine: request.query.mine === 'true' }));

  r.get('/api/venues/:id', {
    schema: { tags, summary: 'One venue (its owner, or staff of its jurisdiction)', params: IdParams, response: { 200: VenueOut } },
    preValidation: requireAnyScope('business:manage', 'people:read'),
  }, async (request) => getVenue(deps, request.ctx, request.params.id));

  r.patch('/api/venues/:id', {
    schema: { tags, summary: 'Edit a venue (send the version you read)', params: IdParams, body: VenueUpdateIn, response: { 200: VenueOut } },
    preValidation: requireAnyScope('business:manage', 'people:write'),
  }, async (request) => updateVenue(deps, request.ctx, request.params.id, request.body));

  r.post('/api/venues/:id/checkins', {
    schema: {
      tags, summary: "The venue's owner checks a visitor in by person QR (personId) or ID number; answers only the masked name",
      params: IdParams, body: VenueCheckinIn, response: { 200: VenueCheckinOut, 201: VenueCheckinOut },
    },
    preValidation: requireScope('business:manage'),
  }, async (request, reply) => {
    const out = await checkInVisitor(deps, request.ctx, request.params.id, request.body, { maxAgeDays: deps.config.SEN_CHECKINS_RETENTION_DAYS });
    return reply.status(out.duplicate ? 200 : 201).send(out);
  });

  r.post('/api/venues/:id/checkins/batch', {
    schema: { tags, summary: "The venue page's offline queue (at most 1,000; idempotent on clientId)", params: IdParams, body: VenueCheckinBatchIn, response: { 200: VenueCheckinBatchOut } },
    preValidation: requireScope('business:manage'),
  }, async (request) => checkInVisitorBatch(deps, request.ctx, request.params.id, request.body.checkins, { maxAgeDays: deps.config.SEN_CHECKINS_RETENTION_DAYS }));

  r.post('/api/venues/:id/checkins/:checkinId/checkout', {
    schema: { tags, summary: "The venue's owner checks a visitor out (default now)", params: CheckoutParams, body: CheckoutIn.optional(), response: { 200: CheckoutOut } },
    preValidation: requireScope('business:manage'),
  }, async (request) => checkOutVisitor(deps, request.ctx, request.params.id, request.params.checkinId, request.body ?? {}));

  r.get('/api/venues/:id/visitors', {
    schema: { tags, summary: "A day's visitors (Viet Nam day, default today): masked names, times, arrivals by hour; audited", params: IdParams, querystring: VisitorsIn, response: { 200: VisitorsOut } },
    preValidation: requireScope('business:manage'),
  }, async (request) => listVisitors(deps, request.ctx, request.params.id, request.query.date));

  r.post('/api/me/checkins', {
    schema: { tags, summary: "A citizen checks themselves in at a venue: the scanned poster's venueToken (or venueId)", body: SelfCheckinIn, response: { 200: SelfCheckinOut, 201: SelfCheckinOut } },
    preValidation: requireScope('self:read'),
  }, async (request, reply) => {
    const out = await selfCheckin(deps, request.ctx, request.body);
    return reply.status(out.duplicate ? 200 : 201).send(out);
  });

  r.post('/api/me/checkins/:checkinId/checkout', {
    schema: { tags, summary: 'A citizen leaves a venue: closes their own open check-in (default now); audited', params: SelfCheckoutParams, body: CheckoutIn.optional(), response: { 200: CheckoutOut } },
    preValidation: requireScope('self:read'),
  }, async (request) => checkOutSelf(deps, request.ctx, request.params.checkinId, request.body ?? {}));

  r.get('/api/me/checkins', {
    schema: {
      tags, summary: "The citizen's own check-ins over the retention window, newest first; audited",
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: {
        200: z.object({
          items: z.array(z.object({
            id: z.string(), venueId: z.string(), venueName: z.string(), venueType: z.string(), areaCode: z.string(), checkedInAt: z.string(), checkedOutAt: z.string().nullable(),
          })),
          hasMore: z.boolean(),
          retentionDays: z.number().int().describe('How many days back check-ins are kept'),
        }),
      },
    },
    preValidation: requireScope('self:read'),
  }, async (request) => listMyCheckins(deps, request.ctx, request.query.limit));

  await qrRoutes(app, deps);
}
