import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../context';
import { requireScope } from '../../plugins/auth';
import { addManualContact, listContacts } from './manual-contacts';
import { listRuns, readRun } from './read-run';
import { confirmCandidate, dismissCandidate, openCandidate } from './review-candidate';
import { runTrace } from './run-trace';
import {
  CandidateParams, ConfirmIn, ContactListIn, ContactOut, IdParams, ManualContactIn, OpenedCandidateOut, RunListIn, RunOut, RunReadIn, RunSummaryOut, RunTraceIn,
  SecondDegreeIn, TraceVenueOut,
} from './schemas';
import { requestSecondDegree } from './second-degree';
import { traceVenues } from './trace-venues';

/**
 * Contact tracing (issue 5): every route needs tracing:run, and acts on index people of the tracer's jurisdiction
 * (tracing-access.ts). Every query is audited with its reason: a run states one, listing an index person's runs or
 * contacts states one, and reading or working on a run records the run's reason again.
 */
export async function tracingRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['tracing'];
  const guard = requireScope('tracing:run');

  r.post('/api/tracing/runs', {
    schema: { tags, summary: 'Run a trace for a positive person (window, rule, required reason); stores the ranked F1 candidates', body: RunTraceIn, response: { 201: RunOut } },
    preValidation: guard,
  }, async (request, reply) => reply.status(201).send(await runTrace(deps, request.ctx, request.body)));

  r.get('/api/tracing/runs', {
    schema: { tags, summary: "An index person's trace runs, newest first; states its reason (audited)", querystring: RunListIn, response: { 200: z.object({ items: z.array(RunSummaryOut) }) } },
    preValidation: guard,
  }, async (request) => listRuns(deps, request.ctx, request.query.personId, request.query.reason));

  r.get('/api/tracing/runs/:id', {
    schema: { tags, summary: 'A stored run and a page of its candidates (names masked); audited', params: IdParams, querystring: RunReadIn, response: { 200: RunOut } },
    preValidation: guard,
  }, async (request) => readRun(deps, request.ctx, request.params.id, request.query));

  r.get('/api/tracing/runs/:id/venues', {
    schema: { tags, summary: 'The venues of a run for the map (their point when known, commune and province)', params: IdParams, response: { 200: z.object({ runId: z.string(), items: z.array(TraceVenueOut) }) } },
    preValidation: guard,
  }, async (request) => traceVenues(deps, request.ctx, request.params.id));

  r.get('/api/tracing/runs/:id/candidates/:candidateId', {
    schema: { tags, summary: "Open a candidate: who they are; audited", params: CandidateParams, response: { 200: OpenedCandidateOut } },
    preValidation: guard,
  }, async (request) => openCandidate(deps, request.ctx, request.params.id, request.params.candidateId));

  r.post('/api/tracing/runs/:id/candidates/:candidateId/confirm', {
    schema: { tags, summary: 'Confirm a candidate as a contact (idempotent); notifies them through the outbox', params: CandidateParams, body: ConfirmIn.optional(), response: { 200: ContactOut, 201: ContactOut } },
    preValidation: guard,
  }, async (request, reply) => {
    const out = await confirmCandidate(deps, request.ctx, request.params.id, request.params.candidateId, request.body?.note);
    return reply.status(out.created ? 201 : 200).send(out);
  });

  r.post('/api/tracing/runs/:id/candidates/:candidateId/dismiss', {
    schema: { tags, summary: 'Mark a candidate as not a contact', params: CandidateParams, response: { 200: z.object({ id: z.string(), status: z.string() }) } },
    preValidation: guard,
  }, async (request) => dismissCandidate(deps, request.ctx, request.params.id, request.params.candidateId));

  r.post('/api/tracing/runs/:id/second-degree', {
    schema: {
      tags, summary: 'Queue the F2 search from the confirmed F1 contacts (fan-out limited)', params: IdParams, body: SecondDegreeIn.optional(),
      response: { 202: z.object({ runId: z.string(), jobId: z.string().nullable(), status: z.string(), limits: z.object({ perF1Limit: z.number(), totalLimit: z.number() }) }) },
    },
    preValidation: guard,
  }, async (request, reply) => reply.status(202).send(await requestSecondDegree(deps, request.ctx, request.params.id, request.body ?? {})));

  r.post('/api/tracing/contacts', {
    schema: { tags, summary: 'Add a contact by hand (interview or declaration); idempotent per index and contact person', body: ManualContactIn, response: { 200: ContactOut, 201: ContactOut } },
    preValidation: guard,
  }, async (request, reply) => {
    const out = await addManualContact(deps, request.ctx, request.body);
    return reply.status(out.created ? 201 : 200).send(out);
  });

  r.get('/api/tracing/contacts', {
    schema: { tags, summary: "An index person's confirmed contacts (F1 then F2); states its reason (audited)", querystring: ContactListIn, response: { 200: z.object({ items: z.array(ContactOut) }) } },
    preValidation: guard,
  }, async (request) => listContacts(deps, request.ctx, request.query.indexPersonId, request.query.reason));
}
