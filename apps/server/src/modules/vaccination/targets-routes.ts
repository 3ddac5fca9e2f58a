import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError, TARGET_COLUMNS } from '@sen/domain';
import type { Deps } from '../../context';
import { csvDownload } from '../../lib/csv';
import { problem, sendProblem } from '../../plugins/errors';
import { requireAnyScope, requireScope, requireSignedIn } from '../../plugins/auth';
import { CatalogVersionIn, createCatalogVersion, getCatalogVersion, listCatalogVersions } from './catalog-versions';
import { generateInvitations, listInvitations } from './invitations';
import { listPriorityGroups, PriorityGroupOut, PriorityGroupsIn, updatePriorityGroups } from './priority-groups';
import {
  cancelRegistration, listRegistrations, myRegistrations, registerForPerson, registerSelf, RegistrationOut, RegistrationsIn, SelfRegistrationIn, StaffRegistrationIn,
} from './registrations';
import { formatOf } from './target-file';
import { getTargetImport, listMyTargetImports, targetImportErrorsCsv, uploadTargetImport } from './target-imports';
import { createTargetList, listTargetEntries, listTargetLists } from './target-lists';
import { IdParams } from './schemas';

const Page = { limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).max(100_000).default(0) };
const PageIn = z.strictObject(Page);
const AnyJson = z.any();
const ImportOut = z.object({
  id: z.string(), listId: z.string(), fileName: z.string(), format: z.string(), sizeBytes: z.number(), status: z.string(), rowsTotal: z.number(), rowsProcessed: z.number(),
  rowsOk: z.number(), rowsFailed: z.number(), peopleCreated: z.number(), peopleLinked: z.number(), progress: z.number(), failure: z.string().nullable(),
  createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(), errorsUrl: z.string(),
}).meta({ id: 'TargetImport' });
const ListOut = z.object({ id: z.string(), name: z.string(), areaCode: z.string(), createdAt: z.string(), entries: z.number() }).meta({ id: 'TargetList' });
const FILE_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'];
const COLUMNS_DOC = Object.values(TARGET_COLUMNS).map((c) => `"${c.vi}" / "${c.en}"${c.required ? ' (required)' : ''}`).join(', ');

/**
 * Target lists and their imports, registrations, invitations, priority groups and catalog versions (issue 3, items 1,
 * 4 and 5). Guards run first (401/403 before anything about the body); use cases judge records by area.
 */
export async function vaccinationTargetsRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['vaccination'];
  const read = requireScope('vaccination:read');
  const write = requireScope('vaccination:write');
  const self = requireScope('self:read');
  const maxBytes = deps.config.SEN_TARGET_IMPORT_MAX_BYTES;
  const tooLarge = () => new AppError('file_too_large', `The file is larger than ${maxBytes} bytes; split it into several files`, { limit: maxBytes }, 413);

  // Uploads arrive as the raw file. The parser counts bytes as they come and stops at the limit, so a huge body is
  // never held in memory (Content-Length is checked earlier, in onRequest).
  app.addContentTypeParser(FILE_TYPES, (_request: FastifyRequest, payload: NodeJS.ReadableStream, done: (err: Error | null, body?: Buffer) => void) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    payload.on('data', (chunk: Buffer) => {
      if (finished) return;
      size += chunk.length;
      if (size > maxBytes) {
        finished = true;
        done(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    payload.on('end', () => {
      if (!finished) {
        finished = true;
        done(null, Buffer.concat(chunks));
      }
    });
    payload.on('error', (err: Error) => {
      if (!finished) {
        finished = true;
        done(err);
      }
    });
  });

  r.get('/api/vaccination/catalog/versions', {
    schema: { tags, summary: 'Every version of the vaccine catalog, oldest first', response: { 200: z.object({ items: z.array(AnyJson) }) } },
    preValidation: requireAnyScope('vaccination:read', 'self:read'),
  }, async () => listCatalogVersions(deps));

  r.get('/api/vaccination/catalog/versions/:version', {
    schema: { tags, summary: 'One version of the vaccine catalog', params: z.strictObject({ version: z.coerce.number().int().min(1).max(999_999) }) },
    preValidation: requireAnyScope('vaccination:read', 'self:read'),
  }, async (request) => getCatalogVersion(deps, request.params.version));

  r.post('/api/vaccination/catalog/versions', {
    schema: { tags, summary: 'A new catalog version = the latest with changes, from a date (national administrators only)', body: CatalogVersionIn },
    preValidation: write,
  }, async (request, reply) => reply.status(201).send(await createCatalogVersion(deps, request.ctx, request.body)));

  r.get('/api/vaccination/priority-groups', {
    schema: { tags, summary: 'The priority groups in order (Resolution 21/NQ-CP)', response: { 200: z.object({ items: z.array(PriorityGroupOut) }) } },
    preValidation: requireSignedIn(),
  }, async () => ({ items: await listPriorityGroups(deps.db) }));

  r.put('/api/vaccination/priority-groups', {
    schema: { tags, summary: 'Reorder and rename the priority groups (national administrators only)', body: PriorityGroupsIn, response: { 200: z.object({ items: z.array(PriorityGroupOut) }) } },
    preValidation: write,
  }, async (request) => updatePriorityGroups(deps, request.ctx, request.body));

  r.post('/api/vaccination/target-lists', {
    schema: { tags, summary: 'Create a target list for an area of your jurisdiction', body: z.strictObject({ name: z.string().max(400), areaCode: z.string().regex(/^(VN|\d{2,5})$/) }), response: { 201: ListOut } },
    preValidation: write,
  }, async (request, reply) => reply.status(201).send(await createTargetList(deps, request.ctx, request.body)));

  r.get('/api/vaccination/target-lists', {
    schema: { tags, summary: 'Target lists in your jurisdiction', querystring: PageIn, response: { 200: z.object({ items: z.array(ListOut), hasMore: z.boolean() }) } },
    preValidation: read,
  }, async (request) => listTargetLists(deps, request.ctx, request.query));

  r.get('/api/vaccination/target-lists/:id/entries', {
    schema: { tags, summary: 'The people on a target list', params: IdParams, querystring: PageIn },
    preValidation: read,
  }, async (request) => listTargetEntries(deps, request.ctx, request.params.id, request.query));

  const uploadGuard = async (request: FastifyRequest, reply: FastifyReply) => {
    await write(request, reply);
    if (reply.sent) return;
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > maxBytes) return sendProblem(reply, request, problem(413, 'file_too_large', `The file is larger than ${maxBytes} bytes; split it into several files`, { limit: maxBytes }));
  };

  r.post('/api/vaccination/target-lists/:id/imports', {
    schema: {
      tags,
      summary: 'Upload a CSV (UTF-8) or XLSX target list; rows are processed by a job',
      description: `Send the file itself as the body (Content-Type text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet). First row: headers. Columns: ${COLUMNS_DOC}. Dates as dd/mm/yyyy, yyyy-mm-dd or yyyy; sex Nam/Nữ/Khác; priority group by code (G01) or number (1-16). 413 above the size limit, 422 for a file that cannot be a target list (no headers, missing columns, too many rows).`,
      params: IdParams,
      querystring: z.strictObject({ fileName: z.string().min(1).max(255).refine((n) => !/[\\/]/.test(n) && ![...n].some((c) => c.charCodeAt(0) < 32), 'a file name without path or control characters') }),
      response: { 201: ImportOut },
    },
    onRequest: uploadGuard,
    bodyLimit: maxBytes + 1,
  }, async (request, reply) => {
    const content = request.body;
    if (!Buffer.isBuffer(content) || content.length === 0) return sendProblem(reply, request, problem(422, 'empty_file', 'Send the file as the request body'));
    const format = formatOf(request.headers['content-type'], request.query.fileName);
    if (!format) return sendProblem(reply, request, problem(415, 'unsupported_media_type', 'Send a CSV (text/csv) or XLSX file'));
    return reply.status(201).send(await uploadTargetImport(deps, request.ctx, request.params.id, { fileName: request.query.fileName, format, content }));
  });

  r.get('/api/vaccination/target-lists/:id/imports', {
    schema: { tags, summary: 'Your imports into a list', params: IdParams, response: { 200: z.object({ items: z.array(ImportOut) }) } },
    preValidation: read,
  }, async (request) => listMyTargetImports(deps, request.ctx, request.params.id));

  r.get('/api/vaccination/target-imports/:id', {
    schema: { tags, summary: 'Progress of your import', params: IdParams, response: { 200: ImportOut } },
    preValidation: write,
  }, async (request) => getTargetImport(deps, request.ctx, request.params.id));

  r.get('/api/vaccination/target-imports/:id/errors.csv', {
    schema: { tags, summary: 'The rows of your import that failed, as CSV (row, column, code, problem)', params: IdParams },
    preValidation: write,
  }, async (request, reply) => {
    const csv = await targetImportErrorsCsv(deps, request.ctx, request.params.id);
    return csvDownload(reply, `import-${request.params.id}-errors.csv`).send(csv);
  });

  r.post('/api/vaccination/registrations/me', {
    schema: { tags, summary: 'Register yourself for vaccination (same id again: the same registration)', body: SelfRegistrationIn, response: { 200: RegistrationOut, 201: RegistrationOut } },
    preValidation: self,
  }, async (request, reply) => {
    const res = await registerSelf(deps, request.ctx, request.body);
    return reply.status(res.created ? 201 : 200).send(res.registration);
  });

  r.get('/api/vaccination/registrations/me', {
    schema: { tags, summary: 'Your registrations and invitations', response: { 200: z.object({ items: z.array(RegistrationOut), invitations: z.array(AnyJson) }) } },
    preValidation: self,
  }, async (request) => myRegistrations(deps, request.ctx));

  r.post('/api/vaccination/registrations', {
    schema: { tags, summary: 'Register a person of your jurisdiction for vaccination', body: StaffRegistrationIn, response: { 200: RegistrationOut, 201: RegistrationOut } },
    preValidation: write,
  }, async (request, reply) => {
    const res = await registerForPerson(deps, request.ctx, request.body);
    return reply.status(res.created ? 201 : 200).send(res.registration);
  });

  r.get('/api/vaccination/registrations', {
    schema: { tags, summary: 'Registrations in your jurisdiction', querystring: RegistrationsIn, response: { 200: z.object({ items: z.array(RegistrationOut), hasMore: z.boolean() }) } },
    preValidation: read,
  }, async (request) => listRegistrations(deps, request.ctx, request.query));

  r.post('/api/vaccination/registrations/:id/cancel', {
    schema: { tags, summary: 'Cancel an open registration (your own, or one in your jurisdiction)', params: IdParams, response: { 200: RegistrationOut } },
    preValidation: requireAnyScope('self:read', 'vaccination:write'),
  }, async (request) => cancelRegistration(deps, request.ctx, request.params.id));

  r.post('/api/vaccination/sessions/:id/invitations', {
    schema: { tags, summary: 'Invite people to a session up to its capacity, by priority group and due date (again: only those not yet invited)', params: IdParams },
    preValidation: write,
  }, async (request) => generateInvitations(deps, request.ctx, request.params.id));

  r.get('/api/vaccination/sessions/:id/invitations', {
    schema: { tags, summary: 'The invitations of a session', params: IdParams, querystring: PageIn },
    preValidation: read,
  }, async (request) => listInvitations(deps, request.ctx, request.params.id, request.query));
}
