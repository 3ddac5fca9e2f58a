import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrate } from '@sen/db';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { loadGazetteer, readGazetteer } from './load-gazetteer';

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

describe('gazetteers', () => {
  it('the 2025 set has 34 provinces and 3,321 communes and no districts', async () => {
    const rows = await t.conn.db.selectFrom('areas').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('kind').execute();
    const counts = Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
    expect(counts).toEqual({ country: 1, province: 34, commune: 3321 });
  });

  it('the 2021 set reads as 63 provinces, 705 districts and 10,599 communes', () => {
    const rows = readGazetteer('vn2021');
    const count = (kind: string) => rows.filter((r) => r.kind === kind).length;
    expect([count('province'), count('district'), count('commune')]).toEqual([63, 705, 10599]);
    const ward = rows.find((r) => r.code === '00001')!;
    expect(ward.path).toBe('VN.01.001.00001');
    expect(ward.level).toBe(3);
  });

  it('loads the 2021 set into an empty database, and refuses to switch a database to another set', async () => {
    const conn = await connect({ dataDir: 'memory://' });
    try {
      await migrate(conn.pool);
      expect(await loadGazetteer(conn.db, 'vn2021')).toEqual({ loaded: 1 + 63 + 705 + 10599, gazetteer: 'vn2021', changed: true });
      // the next start finds the same rows already written and skips the upsert
      expect((await loadGazetteer(conn.db, 'vn2021')).changed).toBe(false);
      await conn.db.updateTable('areas').set({ name: 'renamed' }).where('code', '=', '00001').execute();
      await conn.db.deleteFrom('settings').where('key', '=', 'gazetteer_fingerprint').execute();
      expect((await loadGazetteer(conn.db, 'vn2021')).changed).toBe(true); // without the fingerprint it writes again
      const ward = await conn.db.selectFrom('areas').select('name').where('code', '=', '00001').executeTakeFirstOrThrow();
      expect(ward.name).not.toBe('renamed');
      await expect(loadGazetteer(conn.db, 'vn2025')).rejects.toMatchObject({ code: 'gazetteer_mismatch' });
    } finally {
      await conn.close();
    }
  });
});

describe('area search', () => {
  it('finds a commune with or without diacritics, đ included', async () => {
    for (const q of ['Đống Đa', 'dong da', 'DONG DA', 'Dống Da']) {
      const res = await get(`/api/areas?q=${encodeURIComponent(q)}`);
      expect(res.statusCode).toBe(200);
      const top = res.json().items[0];
      expect(top.fullName, q).toBe('Phường Đống Đa');
      expect(top.label).toBe('Phường Đống Đa, Thành phố Hà Nội');
    }
  });

  it('lists provinces by default, and the children of a parent', async () => {
    const provinces = (await get('/api/areas?limit=100')).json().items;
    expect(provinces).toHaveLength(34);
    const children = (await get('/api/areas?parent=01&limit=500')).json().items;
    expect(children.length).toBeGreaterThan(100);
    expect(children.every((a: { path: string }) => a.path.startsWith('VN.01.'))).toBe(true);
  });

  it('filters by kind within a parent', async () => {
    const res = (await get(`/api/areas?q=${encodeURIComponent('ba đình')}&parent=01&kind=commune`)).json().items;
    expect(res[0].code).toBe('00004');
  });

  it('ignores punctuation and LIKE wildcards in the search text', async () => {
    const wild = (await get('/api/areas?q=%25_%25&limit=100')).json().items;
    expect(wild).toHaveLength(34); // nothing left to search for: the provinces, as with no text
    const res = (await get(`/api/areas?q=${encodeURIComponent('%ba đình%')}`)).json().items;
    expect(res.slice(0, 3).map((a: { code: string }) => a.code)).toContain('00004');
  });

  it('shows one area with ancestors and children', async () => {
    const res = (await get('/api/areas/00004')).json();
    expect(res.area.fullName).toBe('Phường Ba Đình');
    expect(res.ancestors.map((a: { code: string }) => a.code)).toEqual(['VN', '01']);
    expect(res.children).toEqual([]);
  });

  it('answers bad input with 400 and unknown areas with 404', async () => {
    expect((await get('/api/areas?limit=100000')).statusCode).toBe(400);
    expect((await get(`/api/areas?q=${'a'.repeat(500)}`)).statusCode).toBe(400);
    expect((await get('/api/areas?kind=planet')).statusCode).toBe(400);
    expect((await get("/api/areas/1';DROP")).statusCode).toBe(400);
    expect((await get('/api/areas/99999')).statusCode).toBe(404);
  });

  it('serves province boundaries as GeoJSON keyed by province code', async () => {
    const res = await get('/api/areas/boundaries/provinces.geojson');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const geo = res.json();
    expect(geo.features).toHaveLength(34);
    const codes = (await t.conn.db.selectFrom('areas').select('code').where('kind', '=', 'province').execute()).map((a) => a.code).sort();
    expect(geo.features.map((f: { id: string }) => f.id).sort()).toEqual(codes);
  });
});

describe('target populations', () => {
  it('sets the populations aged 18+ and 50+ beside the population, keeping what is not given, and shows them', async () => {
    const officer = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
    const put = (body: unknown) => t.app.inject({ method: 'PUT', url: '/api/areas/00008/population', headers: { cookie: officer }, payload: body as object });
    expect((await put({ population: 20_000, population18Plus: 15_000, population50Plus: 5_000 })).statusCode).toBe(204);
    expect((await put({ population50Plus: 6_000 })).statusCode).toBe(204);
    expect((await get('/api/areas/00008')).json().area).toMatchObject({ population: 20_000, population18Plus: 15_000, population50Plus: 6_000 });
    // The province has no figures of its own: the API shows its own (none); reports sum its communes.
    expect((await get('/api/areas/01')).json().area).toMatchObject({ population18Plus: null });
    const audit = await t.conn.db.selectFrom('audit_log').select('details').where('action', '=', 'area.population_set').where('entity_id', '=', '00008').orderBy('at').execute();
    expect(audit.map((a) => a.details)).toEqual([
      { population: { before: null, after: 20_000 }, population18Plus: { before: null, after: 15_000 }, population50Plus: { before: null, after: 5_000 } },
      { population50Plus: { before: 5_000, after: 6_000 } },
    ]);
  });

  it.each([
    [{ population18Plus: 20_001 }, 'population18Plus'],
    [{ population: 14_999 }, 'population'],
    [{ population50Plus: 15_001 }, 'population50Plus'],
    [{ population18Plus: 5_999 }, 'population18Plus'],
    [{ population18Plus: -1 }, 'body.population18Plus'],
    [{ population50Plus: 1.5 }, 'body.population50Plus'],
    [{}, 'body'],
    [{ population: 1, adults: 1 }, 'body'],
  ])('refuses %o with a 400 naming %s, changing nothing', async (body, field) => {
    const officer = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
    const before = (await get('/api/areas/00008')).json().area;
    const res = await t.app.inject({ method: 'PUT', url: '/api/areas/00008/population', headers: { cookie: officer }, payload: body });
    expect(res.statusCode).toBe(400);
    const problem = res.json() as { field?: string; errors?: { field: string }[] };
    expect([problem.field, ...(problem.errors ?? []).map((e) => e.field)], JSON.stringify(problem)).toContain(field);
    expect((await get('/api/areas/00008')).json().area).toEqual(before);
  });
});
