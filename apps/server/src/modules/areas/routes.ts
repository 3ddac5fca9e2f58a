import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { notFound } from '@sen/domain';
import type { Deps } from '../../context';
import { requireScope, requireSignedIn } from '../../plugins/auth';
import { GAZETTEER_DIR } from './load-gazetteer';
import { findAreaByCode, selectAreas } from './repo';
import { searchAreas } from './search-areas';
import { setPopulation } from './set-population';

export const AreaOut = z
  .object({
    code: z.string(), parentCode: z.string().nullable(), path: z.string(), level: z.number(), kind: z.string(), unitType: z.string(),
    name: z.string(), fullName: z.string(), nameEn: z.string(), population: z.number().nullable(),
    population18Plus: z.number().nullable().describe('People aged 18 and over: the target population of coverage'),
    population50Plus: z.number().nullable().describe('People aged 50 and over'), label: z.string().nullable(),
  })
  .meta({ id: 'Area' });
const AreaCode = z.string().regex(/^(VN|\d{2,5})$/, 'an area code is VN or 2 to 5 digits');

export async function areasRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Area names are public facts, but the API is for signed-in users: it is not an open-data endpoint.
  r.get('/api/areas', {
    schema: {
      tags: ['areas'], summary: 'Search areas by name (with or without diacritics), or list the children of one',
      querystring: z.object({
        q: z.string().max(100).optional(), parent: AreaCode.optional(), kind: z.enum(['country', 'province', 'district', 'commune']).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(20),
      }),
      response: { 200: z.object({ items: z.array(AreaOut) }) },
    },
    preValidation: requireSignedIn(),
  }, async (request) => ({ items: await searchAreas(deps, request.query) }));

  r.get('/api/areas/boundaries/provinces.geojson', {
    schema: { tags: ['areas'], summary: 'Province boundaries as a GeoJSON FeatureCollection (feature id = province code)' },
  }, async (request, reply) => {
    // Boundaries ship only for the 2025 set: no permissively licensed 63-province boundaries exist to ship.
    const file = path.join(GAZETTEER_DIR, deps.config.SEN_GAZETTEER, 'provinces_34.geojson');
    if (deps.config.SEN_GAZETTEER !== 'vn2025' || !fs.existsSync(file)) throw notFound('Province boundaries for this gazetteer');
    return reply.type('application/geo+json').header('cache-control', 'public, max-age=86400').send(fs.createReadStream(file));
  });

  r.get('/api/areas/:code', {
    schema: {
      tags: ['areas'], summary: 'One area with its ancestors and children',
      params: z.object({ code: AreaCode }),
      response: { 200: z.object({ area: AreaOut, ancestors: z.array(AreaOut), children: z.array(AreaOut) }) },
    },
    preValidation: requireSignedIn(),
  }, async (request) => {
    const area = await findAreaByCode(deps.db, request.params.code);
    if (!area) throw notFound('Area', { code: request.params.code });
    const ancestors = await selectAreas(deps.db).where('a.code', 'in', area.path.split('.').slice(0, -1)).orderBy('a.level').execute();
    const children = await selectAreas(deps.db).where('a.parent_code', '=', area.code).orderBy('a.code').execute();
    return { area, ancestors, children };
  });

  const People = z.number().int().min(0).max(200_000_000);
  r.put('/api/areas/:code/population', {
    schema: {
      tags: ['areas'], summary: 'Set the population of an area and its target populations (18 and over, 50 and over); figures left out keep their value',
      params: z.object({ code: AreaCode }),
      body: z.strictObject({ population: People.optional(), population18Plus: People.optional(), population50Plus: People.optional() })
        .refine((b) => b.population !== undefined || b.population18Plus !== undefined || b.population50Plus !== undefined, 'Give population, population18Plus or population50Plus'),
    },
    preValidation: requireScope('areas:write'),
  }, async (request, reply) => {
    await setPopulation(deps, request.ctx, request.params.code, request.body);
    return reply.status(204).send();
  });
}
