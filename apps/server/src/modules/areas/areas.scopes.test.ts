import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';

/** Who may and may not call each areas route. */
let t: TestApp;
let cookie: string;
beforeAll(async () => {
  t = await createTestApp();
  cookie = (await signInAs(t, [{ role: 'commune_officer', areaCode: '00004' }])).cookie;
});
afterAll(async () => {
  await t?.close();
});

const get = (url: string, c = cookie) => t.app.inject({ method: 'GET', url, headers: { cookie: c } });

describe('reading areas', () => {
  it('needs a signed-in user, of any role', async () => {
    for (const url of ['/api/areas', '/api/areas/01']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
      expect((await get(url)).statusCode, url).toBe(200);
      const citizen = (await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }])).cookie;
      expect((await get(url, citizen)).statusCode, url).toBe(200);
    }
  });

  it('serves the boundaries to anyone: they are public map data', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/areas/boundaries/provinces.geojson' })).statusCode).toBe(200);
  });
});

describe('area population (areas:write in jurisdiction)', () => {
  it('a province officer sets a population inside the province, not outside; a commune officer may not', async () => {
    const hanoi = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
    const put = (code: string, c: string, population: unknown) => t.app.inject({ method: 'PUT', url: `/api/areas/${code}/population`, headers: { cookie: c }, payload: { population } });
    expect((await put('00004', hanoi, 12345)).statusCode).toBe(204);
    expect((await get('/api/areas/00004')).json().area.population).toBe(12345);
    expect((await put('79', hanoi, 1)).statusCode).toBe(403);
    expect((await put('00004', cookie, 1)).statusCode).toBe(403);
    expect((await put('00004', hanoi, -5)).statusCode).toBe(400);
    expect((await put('00004', hanoi, 'many')).statusCode).toBe(400);
    expect((await get('/api/areas/00004')).json().area.population).toBe(12345);
    const audit = await t.conn.db.selectFrom('audit_log').selectAll().where('action', '=', 'area.population_set').execute();
    expect(audit).toHaveLength(1);
    expect((await t.app.inject({ method: 'PUT', url: '/api/areas/00004/population', payload: { population: 1 } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/areas' })).statusCode).toBe(401);
  });
});
