import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ENTRY_TRANSPORTS, EXPOSURES, SYMPTOMS, TRAVEL_VEHICLES, WARNING_REASONS } from '@sen/domain';
import type { Deps } from '../../context';
import { requireScope, requireSignedIn } from '../../plugins/auth';
import { listAlerts } from './list-alerts';
import { listDeclarations } from './list-declarations';
import { listRiskAreas, setRiskArea } from './risk-areas';
import { AlertListIn, AlertOut, AlertUpdateIn, DeclarationIn, DeclarationListOut, DeclarationOut, RiskAreaIn, RiskAreaOut } from './schemas';
import { submitDeclaration } from './submit-declaration';
import { updateAlert } from './update-alert';

const IdParams = z.strictObject({ id: z.uuid() });
const Label = z.object({ code: z.string(), vi: z.string(), en: z.string() });

/**
 * Health declarations (issue 5): citizens declare for themselves, staff with people:write for a person where they
 * live. A declaration the warning rules flag raises an alert for the tracing team (tracing:run) of the person's
 * commune, who acknowledge and close it. Every read and write is audited.
 */
export async function declarationsRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['declarations'];

  r.get('/api/declarations/codes', {
    schema: { tags, summary: 'Code lists for the declaration forms (Vietnamese and English labels)', response: { 200: z.object({ symptoms: z.array(Label.extend({ warning: z.boolean() })), exposures: z.array(Label.extend({ warning: z.boolean() })), vehicles: z.array(Label), entryTransports: z.array(Label), warningReasons: z.array(Label) }) } },
    preValidation: requireSignedIn(),
  }, async () => ({ symptoms: [...SYMPTOMS], exposures: [...EXPOSURES], vehicles: [...TRAVEL_VEHICLES], entryTransports: [...ENTRY_TRANSPORTS], warningReasons: [...WARNING_REASONS] }));

  r.post('/api/me/declarations', {
    schema: { tags, summary: 'Declare for myself: daily, domestic travel or entry (idempotent on id)', body: DeclarationIn, response: { 200: DeclarationOut, 201: DeclarationOut } },
    preValidation: requireScope('self:read'),
  }, async (request, reply) => {
    const out = await submitDeclaration(deps, request.ctx, 'me', request.body);
    return reply.status(out.duplicate ? 200 : 201).send(out);
  });

  r.get('/api/me/declarations', {
    schema: { tags, summary: 'My declarations, newest first', response: { 200: DeclarationListOut } },
    preValidation: requireScope('self:read'),
  }, async (request) => listDeclarations(deps, request.ctx, 'me'));

  r.post('/api/people/:id/declarations', {
    schema: { tags, summary: 'Declare for a person (staff with people:write where they live)', params: IdParams, body: DeclarationIn, response: { 200: DeclarationOut, 201: DeclarationOut } },
    preValidation: requireScope('people:write'),
  }, async (request, reply) => {
    const out = await submitDeclaration(deps, request.ctx, request.params.id, request.body);
    return reply.status(out.duplicate ? 200 : 201).send(out);
  });

  r.get('/api/people/:id/declarations', {
    schema: { tags, summary: "A person's declarations (people:read where they live); audited", params: IdParams, response: { 200: DeclarationListOut } },
    preValidation: requireScope('people:read'),
  }, async (request) => listDeclarations(deps, request.ctx, request.params.id));

  r.get('/api/declaration-alerts', {
    schema: { tags, summary: 'Alerts raised by declarations in my tracing jurisdiction, newest first; audited', querystring: AlertListIn, response: { 200: z.object({ items: z.array(AlertOut), nextBefore: z.string().nullable() }) } },
    preValidation: requireScope('tracing:run'),
  }, async (request) => listAlerts(deps, request.ctx, request.query));

  r.patch('/api/declaration-alerts/:id', {
    schema: { tags, summary: 'Acknowledge or close an alert (send the version you read)', params: IdParams, body: AlertUpdateIn, response: { 200: AlertOut } },
    preValidation: requireScope('tracing:run'),
  }, async (request) => updateAlert(deps, request.ctx, request.params.id, request.body));

  r.get('/api/risk-areas', {
    schema: { tags, summary: 'Areas on the risk list (travel from them raises an alert)', response: { 200: z.object({ items: z.array(RiskAreaOut) }) } },
    preValidation: requireSignedIn(),
  }, async () => listRiskAreas(deps));

  r.put('/api/risk-areas', {
    schema: { tags, summary: 'Put an area on the risk list or change its window (tracing:run covering the area)', body: RiskAreaIn, response: { 200: RiskAreaOut } },
    preValidation: requireScope('tracing:run'),
  }, async (request) => setRiskArea(deps, request.ctx, request.body));
}
