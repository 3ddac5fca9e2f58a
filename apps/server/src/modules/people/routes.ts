import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../context';
import { requireAnyScope, requireScope } from '../../plugins/auth';
import { createHousehold } from './create-household';
import { createPerson } from './create-person';
import { dismissDuplicate } from './dismiss-duplicate';
import { getHousehold } from './get-household';
import { getPerson } from './get-person';
import { listDuplicates } from './list-duplicates';
import { mergeCandidate } from './merge-people';
import { myPerson } from './my-person';
import { requestDuplicateScan } from './request-scan';
import {
  DuplicateCandidateOut, DuplicatesIn, HouseholdCreateIn, HouseholdOut, IdParams, MergeIn, PeopleSearchIn, PeopleSearchOut, PersonCreateIn, PersonOut,
  PersonUpdateIn, ScanIn,
} from './schemas';
import { searchPeople } from './search-people';
import { updatePerson } from './update-person';

/**
 * The guards run as preValidation, before the body and query are validated, so a request without a session or scope
 * is refused as such (401/403) whatever it carries.
 */
export async function peopleRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['people'];

  r.post('/api/people', {
    schema: { tags, summary: 'Register a person (checks identifiers, then queues likely duplicates for review)', body: PersonCreateIn, response: { 201: PersonOut } },
    preValidation: requireScope('people:write'),
  }, async (request, reply) => reply.status(201).send(await createPerson(deps, request.ctx, request.body)));

  r.get('/api/people', {
    schema: { tags, summary: 'Search people by name (with or without diacritics), identifier or phone', querystring: PeopleSearchIn, response: { 200: PeopleSearchOut } },
    preValidation: requireScope('people:read'),
  }, async (request) => searchPeople(deps, request.ctx, request.query));

  r.get('/api/people/:id', {
    schema: { tags, summary: "One person's record (audited); a citizen may read their own", params: IdParams, response: { 200: PersonOut } },
    preValidation: requireAnyScope('people:read', 'self:read'),
  }, async (request) => getPerson(deps, request.ctx, request.params.id));

  r.patch('/api/people/:id', {
    schema: { tags, summary: 'Edit a person (send the version you read)', params: IdParams, body: PersonUpdateIn, response: { 200: PersonOut } },
    preValidation: requireScope('people:write'),
  }, async (request) => updatePerson(deps, request.ctx, request.params.id, request.body));

  r.get('/api/me/person', {
    schema: { tags, summary: 'The signed-in citizen\'s own record', response: { 200: PersonOut } },
    preValidation: requireScope('self:read'),
  }, async (request) => myPerson(deps, request.ctx));

  r.post('/api/households', {
    schema: { tags, summary: 'Create a household in a commune', body: HouseholdCreateIn, response: { 201: z.object({ id: z.string() }) } },
    preValidation: requireScope('people:write'),
  }, async (request, reply) => reply.status(201).send(await createHousehold(deps, request.ctx, request.body)));

  r.get('/api/households/:id', {
    schema: { tags, summary: 'A household with its members (audited)', params: IdParams, response: { 200: HouseholdOut } },
    preValidation: requireScope('people:read'),
  }, async (request) => getHousehold(deps, request.ctx, request.params.id));

  r.get('/api/duplicates', {
    schema: { tags, summary: 'Possible duplicate records waiting for review, best score first', querystring: DuplicatesIn, response: { 200: z.object({ items: z.array(DuplicateCandidateOut), hasMore: z.boolean() }) } },
    preValidation: requireScope('people:merge'),
  }, async (request) => listDuplicates(deps, request.ctx, request.query));

  r.post('/api/duplicates/scan', {
    schema: {
      tags, summary: 'Scan an area (default: your province or the country) for duplicates; country and province staff',
      body: ScanIn.optional(),
      response: {
        200: z.object({ status: z.literal('done'), areaPath: z.string().nullable(), result: z.object({ years: z.number(), pairsExamined: z.number(), candidatesFound: z.number() }) }),
        202: z.object({ status: z.literal('queued'), areaPath: z.string().nullable(), jobId: z.string().nullable() }),
      },
    },
    preValidation: requireScope('people:merge'),
  }, async (request, reply) => {
    const out = await requestDuplicateScan(deps, request.ctx, request.body ?? {});
    return out.status === 'queued' ? reply.status(202).send(out) : reply.status(200).send(out);
  });

  r.post('/api/duplicates/:id/dismiss', {
    schema: { tags, summary: 'Mark a pair as two different people', params: IdParams, response: { 200: z.object({ id: z.string(), status: z.literal('dismissed') }) } },
    preValidation: requireScope('people:merge'),
  }, async (request) => dismissDuplicate(deps, request.ctx, request.params.id));

  r.post('/api/duplicates/:id/merge', {
    schema: { tags, summary: 'Merge a pair: the other record is merged into survivorId', params: IdParams, body: MergeIn, response: { 200: z.object({ survivorId: z.string(), mergedId: z.string() }) } },
    preValidation: requireScope('people:merge'),
  }, async (request) => mergeCandidate(deps, request.ctx, request.params.id, request.body.survivorId));
}
