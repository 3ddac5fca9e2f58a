import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../context';
import { requireScope } from '../../plugins/auth';
import { createShift } from './create-shift';
import { createSite } from './create-site';
import { getShift, listPersonShifts, listSiteShifts } from './list-shifts';
import { getSite, listSites } from './list-sites';
import { IdParams } from './schemas';
import { addShiftMember, removeShiftMember } from './shift-members';
import { addStaff, listStaff } from './site-staff';
import { MemberAddIn, MemberParams, ShiftCreateIn, ShiftOut, ShiftsIn, SiteCreateIn, SiteOut, SitesIn, SiteUpdateIn, StaffAddIn, StaffOut } from './sites-schemas';
import { updateSite } from './update-site';

/**
 * Vaccination sites, their staff and shifts (issue 3, item 3). Guards run as preValidation (401/403 before anything
 * else); the use cases judge every site, shift and member by the site's area with the module's 404/403 rule.
 */
export async function vaccinationSitesRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['vaccination'];
  const read = requireScope('vaccination:read');
  const write = requireScope('vaccination:write');
  const shifts = z.object({ items: z.array(ShiftOut), hasMore: z.boolean() });

  r.post('/api/vaccination/sites', {
    schema: { tags, summary: 'Create a vaccination site in a commune of your jurisdiction', body: SiteCreateIn, response: { 201: SiteOut } },
    preValidation: write,
  }, async (request, reply) => reply.status(201).send(await createSite(deps, request.ctx, request.body)));

  r.get('/api/vaccination/sites', {
    schema: { tags, summary: 'Vaccination sites in your jurisdiction', querystring: SitesIn, response: { 200: z.object({ items: z.array(SiteOut), hasMore: z.boolean() }) } },
    preValidation: read,
  }, async (request) => listSites(deps, request.ctx, request.query));

  r.get('/api/vaccination/sites/:id', {
    schema: { tags, summary: 'A vaccination site', params: IdParams, response: { 200: SiteOut } },
    preValidation: read,
  }, async (request) => getSite(deps, request.ctx, request.params.id));

  r.patch('/api/vaccination/sites/:id', {
    schema: { tags, summary: 'Edit a site (send the version you read: 409 version_conflict when stale)', params: IdParams, body: SiteUpdateIn, response: { 200: SiteOut } },
    preValidation: write,
  }, async (request) => updateSite(deps, request.ctx, request.params.id, request.body));

  r.post('/api/vaccination/sites/:id/staff', {
    schema: { tags, summary: "Add a person to a site's staff with their usual role (again: change the role)", params: IdParams, body: StaffAddIn, response: { 201: StaffOut } },
    preValidation: write,
  }, async (request, reply) => reply.status(201).send(await addStaff(deps, request.ctx, request.params.id, request.body)));

  r.get('/api/vaccination/sites/:id/staff', {
    schema: { tags, summary: "A site's staff", params: IdParams, response: { 200: z.object({ items: z.array(StaffOut) }) } },
    preValidation: read,
  }, async (request) => listStaff(deps, request.ctx, request.params.id));

  r.post('/api/vaccination/sites/:id/shifts', {
    schema: { tags, summary: 'Create a shift (kíp tiêm) with its team; 409 shift_conflict when a member is in an overlapping shift', params: IdParams, body: ShiftCreateIn, response: { 201: ShiftOut } },
    preValidation: write,
  }, async (request, reply) => reply.status(201).send(await createShift(deps, request.ctx, request.params.id, request.body)));

  r.get('/api/vaccination/sites/:id/shifts', {
    schema: { tags, summary: 'The shifts of a site by Viet Nam day', params: IdParams, querystring: ShiftsIn, response: { 200: shifts } },
    preValidation: read,
  }, async (request) => listSiteShifts(deps, request.ctx, request.params.id, request.query));

  r.get('/api/vaccination/shifts/:id', {
    schema: { tags, summary: 'A shift, its team and whether it is complete', params: IdParams, response: { 200: ShiftOut } },
    preValidation: read,
  }, async (request) => getShift(deps, request.ctx, request.params.id));

  r.post('/api/vaccination/shifts/:id/members', {
    schema: { tags, summary: 'Add a member to a shift; 409 shift_conflict when they are in an overlapping shift', params: IdParams, body: MemberAddIn, response: { 201: ShiftOut } },
    preValidation: write,
  }, async (request, reply) => reply.status(201).send(await addShiftMember(deps, request.ctx, request.params.id, request.body)));

  r.delete('/api/vaccination/shifts/:id/members/:personId', {
    schema: { tags, summary: 'Remove a member from a shift', params: MemberParams, response: { 200: ShiftOut } },
    preValidation: write,
  }, async (request) => removeShiftMember(deps, request.ctx, request.params.id, request.params.personId));

  r.get('/api/vaccination/people/:id/shifts', {
    schema: { tags, summary: "A person's shifts at the sites of your jurisdiction", params: IdParams, querystring: ShiftsIn, response: { 200: shifts } },
    preValidation: read,
  }, async (request) => listPersonShifts(deps, request.ctx, request.params.id, request.query));
}
