import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../context';
import { requireScope } from '../../plugins/auth';
import { listAdverseEvents, recordAdverseEvent, setCausality } from './doses-adverse-events';
import { listUnverified, recordBackfill, reviewBackfill } from './doses-backfill';
import { myHistory, personHistory } from './doses-history';
import { completeObservation, observationBoard } from './doses-observation';
import { syncQueue } from './doses-sync';
import { recordDose } from './record-dose';
import { recordScreening } from './screen-person';
import { checkIn, listArrivals } from './sessions-arrivals';
import { changeSessionStatus, createSession, getSession, listSessions } from './sessions-manage';
import {
  AdverseEventIn, AdverseEventOut, AdverseEventsIn, ArrivalIn, ArrivalOut, BackfillIn, CausalityIn, DoseOut, DoseIn, HistoryOut, IdParams, ObservationDoneIn,
  ObservationIn, ObservationItemOut, ReviewIn, ScreeningIn, ScreeningOut, SessionCancelIn, SessionCreateIn, SessionOut, SessionsIn, SyncIn, SyncOut, UnverifiedIn,
} from './sessions-schemas';

/**
 * The site workflow (issue 3 items 5 to 8): sessions, arrivals, screening, doses, observation, adverse events,
 * backfill, offline sync and a person's history. Guards run as preValidation (401/403 before the body is looked
 * at); the use cases judge each record by its site's area (404 outside vaccination:read, 403 when only readable).
 * Writes with a client id answer 201 when they store something and 200 when they replay what was stored.
 */
export async function vaccinationWorkflowRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['vaccination'];
  const read = requireScope('vaccination:read');
  const write = requireScope('vaccination:write');
  const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), hasMore: z.boolean() });
  const stored = <T extends z.ZodType>(item: T) => ({ 200: item, 201: item });

  r.post('/api/vaccination/sessions', {
    schema: { tags, summary: 'Plan a vaccination session at a site (site, time window, vaccines, capacity)', body: SessionCreateIn, response: stored(SessionOut) },
    preValidation: write,
  }, async (request, reply) => {
    const res = await createSession(deps, request.ctx, request.body);
    return reply.status(res.replayed ? 200 : 201).send(res.session);
  });

  r.get('/api/vaccination/sessions', {
    schema: { tags, summary: 'Sessions in your jurisdiction, latest first', querystring: SessionsIn, response: { 200: page(SessionOut) } },
    preValidation: read,
  }, async (request) => listSessions(deps, request.ctx, request.query));

  r.get('/api/vaccination/sessions/:id', {
    schema: { tags, summary: 'A session with its arrival and dose counts', params: IdParams, response: { 200: SessionOut } },
    preValidation: read,
  }, async (request) => getSession(deps, request.ctx, request.params.id));

  for (const change of ['open', 'close'] as const) {
    r.post(`/api/vaccination/sessions/:id/${change}`, {
      schema: { tags, summary: change === 'open' ? 'Open a planned session' : 'Close an open session', params: IdParams, response: { 200: SessionOut } },
      preValidation: write,
    }, async (request) => changeSessionStatus(deps, request.ctx, request.params.id, change));
  }

  r.post('/api/vaccination/sessions/:id/cancel', {
    schema: { tags, summary: 'Cancel a planned or open session without doses, with a reason', params: IdParams, body: SessionCancelIn, response: { 200: SessionOut } },
    preValidation: write,
  }, async (request) => changeSessionStatus(deps, request.ctx, request.params.id, 'cancel', request.body.reason));

  r.post('/api/vaccination/sessions/:id/arrivals', {
    schema: { tags, summary: 'Check a person in at a session by person id (QR, search) or ID number', params: IdParams, body: ArrivalIn, response: stored(ArrivalOut) },
    preValidation: write,
  }, async (request, reply) => {
    const res = await checkIn(deps, request.ctx, request.params.id, request.body);
    return reply.status(res.replayed ? 200 : 201).send(res);
  });

  r.get('/api/vaccination/sessions/:id/arrivals', {
    schema: {
      tags, summary: 'Who has arrived at a session, in order', params: IdParams,
      response: { 200: z.object({ items: z.array(ArrivalOut.extend({ fullName: z.string(), birthDate: z.string().nullable() })) }) },
    },
    preValidation: requireScope('vaccination:read', 'people:read'),
  }, async (request) => listArrivals(deps, request.ctx, request.params.id));

  r.post('/api/vaccination/screenings', {
    schema: { tags, summary: 'Record a pre-vaccination screening (versioned rule set); idempotent on id', body: ScreeningIn, response: stored(ScreeningOut) },
    preValidation: write,
  }, async (request, reply) => {
    const res = await recordScreening(deps, request.ctx, request.body);
    return reply.status(res.created ? 201 : 200).send(res.screening);
  });

  r.post('/api/vaccination/doses', {
    schema: {
      tags, summary: 'Record a dose given at a site; 409 dose_not_allowed names the rule problems (override.reason goes past those that allow it); idempotent on id',
      body: DoseIn, response: stored(DoseOut),
    },
    preValidation: write,
  }, async (request, reply) => {
    const res = await recordDose(deps, request.ctx, request.body);
    return reply.status(res.created ? 201 : 200).send(res.dose);
  });

  r.get('/api/vaccination/observation', {
    schema: { tags, summary: 'The 30-minute observation board of a site or session', querystring: ObservationIn, response: { 200: z.object({ now: z.string(), items: z.array(ObservationItemOut) }) } },
    preValidation: requireScope('vaccination:read', 'people:read'),
  }, async (request) => observationBoard(deps, request.ctx, request.query));

  r.post('/api/vaccination/doses/:id/observation', {
    schema: {
      tags, summary: 'Sign off the observation of a dose: no reaction, or a reaction with its adverse event', params: IdParams, body: ObservationDoneIn,
      response: { 200: z.object({ doseId: z.string(), observationDoneAt: z.string(), outcome: z.string(), adverseEvent: AdverseEventOut.nullable() }) },
    },
    preValidation: write,
  }, async (request) => completeObservation(deps, request.ctx, request.params.id, request.body));

  r.post('/api/vaccination/adverse-events', {
    schema: { tags, summary: 'Record an adverse event following immunisation (AEFI); idempotent on id', body: AdverseEventIn, response: stored(AdverseEventOut) },
    preValidation: write,
  }, async (request, reply) => {
    const res = await recordAdverseEvent(deps, request.ctx, request.body);
    return reply.status(res.created ? 201 : 200).send(res.event);
  });

  r.get('/api/vaccination/adverse-events', {
    schema: { tags, summary: 'Adverse events in your jurisdiction, newest first', querystring: AdverseEventsIn, response: { 200: page(AdverseEventOut) } },
    preValidation: read,
  }, async (request) => listAdverseEvents(deps, request.ctx, request.query));

  r.post('/api/vaccination/adverse-events/:id/causality', {
    schema: { tags, summary: "Set an adverse event's WHO causality class (investigator)", params: IdParams, body: CausalityIn, response: { 200: AdverseEventOut } },
    preValidation: write,
  }, async (request) => setCausality(deps, request.ctx, request.params.id, request.body));

  r.post('/api/vaccination/backfills', {
    schema: { tags, summary: 'Record a dose given earlier or elsewhere (unverified until reviewed); idempotent on id', body: BackfillIn, response: stored(DoseOut) },
    preValidation: write,
  }, async (request, reply) => {
    const res = await recordBackfill(deps, request.ctx, request.body);
    return reply.status(res.created ? 201 : 200).send(res.dose);
  });

  r.get('/api/vaccination/backfills/unverified', {
    schema: { tags, summary: 'Backfilled doses waiting for review in your jurisdiction, with the name of each person', querystring: UnverifiedIn, response: { 200: page(DoseOut.extend({ fullName: z.string() })) } },
    preValidation: requireScope('vaccination:read', 'people:read'),
  }, async (request) => listUnverified(deps, request.ctx, request.query));

  r.post('/api/vaccination/backfills/:id/review', {
    schema: { tags, summary: 'Confirm or reject a backfilled dose (not its recorder)', params: IdParams, body: ReviewIn, response: { 200: DoseOut } },
    preValidation: write,
  }, async (request) => reviewBackfill(deps, request.ctx, request.params.id, request.body));

  r.post('/api/vaccination/sync', {
    schema: { tags, summary: "A tablet's offline queue (at most 500 screenings and doses): each item answered created, duplicate or refused", body: SyncIn, response: { 200: SyncOut } },
    preValidation: write,
  }, async (request) => syncQueue(deps, request.ctx, request.body, (err) => request.log.error({ err }, 'sync item failed')));

  r.get('/api/vaccination/people/:id/history', {
    schema: { tags, summary: "A person's doses, vaccination status and next due date", params: IdParams, response: { 200: HistoryOut } },
    preValidation: requireScope('people:read', 'vaccination:read'),
  }, async (request) => personHistory(deps, request.ctx, request.params.id));

  r.get('/api/me/vaccination/history', {
    schema: { tags, summary: "The signed-in citizen's own doses, status and next due date", response: { 200: HistoryOut } },
    preValidation: requireScope('self:read'),
  }, async (request) => myHistory(deps, request.ctx));
}
