import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, BA_DINH, countRows, createLot, createStore, NGOC_HA, ok } from './vaccination.fixtures';

/**
 * Who may use which route, on which stores. The rule (store-access.ts, as people-access.ts): a store outside the
 * actor's vaccination:read jurisdiction answers 404, exactly like one that does not exist; a store they may read
 * but not change answers 403; a route whose scope they lack answers 403; no session, 401.
 */
let t: TestApp;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  const sign = async (key: string, role: string, areaCode: string) => {
    cookies[key] = (await signInAs(t, [{ role, areaCode }])).cookie;
  };
  await sign('national', 'national_admin', 'VN');
  await sign('staffA', 'vaccination_staff', BA_DINH);
  await sign('province', 'province_officer', '01');
  await sign('hotline', 'hotline_operator', '01');
  ids.national = (await createStore(t, cookies.national!, 'national', 'VN')).id;
  ids.lot = (await createLot(t, cookies.national!)).id;
  await ok(api(t, cookies.national!, 'POST', `/api/vaccination/stores/${ids.national}/receive`, { lotId: ids.lot, doses: 100_000 }));
  for (const [k, commune] of [['A', BA_DINH], ['B', NGOC_HA]] as const) {
    ids[`store${k}`] = (await createStore(t, cookies.national!, 'commune', commune)).id;
    ids[`recall${k}`] = (await createLot(t, cookies.national!)).id;
    await ok(api(t, cookies.national!, 'POST', `/api/vaccination/stores/${ids[`store${k}`]}/receive`, { lotId: ids.lot, doses: 10_000 }));
  }
});
afterAll(async () => {
  await t?.close();
});

let shipmentSerial = 0;
/** A fresh shipment to the store of commune k, for each confirmation attempt. */
async function shipmentTo(k: string): Promise<string> {
  shipmentSerial += 1;
  const res = await ok<{ shipment: { id: string } }>(api(t, cookies.national!, 'POST', `/api/vaccination/stores/${ids.national}/ship`, { lotId: ids.lot, doses: 1, toStoreId: ids[`store${k}`], clientId: `scope-ship-${shipmentSerial}` }));
  return res.shipment.id;
}

interface Route {
  name: string;
  method: 'GET' | 'POST';
  /** Whether the route acts on a store (or shipment) of commune k: jurisdiction applies. */
  scoped: boolean;
  write: boolean;
  url: (k: string) => string | Promise<string>;
  body?: (k: string) => unknown;
}

const store = (k: string) => ids[`store${k}`]!;
const routes: Route[] = [
  { name: 'catalog', method: 'GET', scoped: false, write: false, url: () => '/api/vaccination/catalog' },
  { name: 'list lots', method: 'GET', scoped: false, write: false, url: () => '/api/vaccination/lots' },
  { name: 'create lot', method: 'POST', scoped: false, write: true, url: () => '/api/vaccination/lots', body: () => ({ vaccineCode: 'moderna', lotNumber: `M-${Math.random().toString(36).slice(2)}`, expiryDate: '2099-01-01' }) },
  { name: 'recall lot', method: 'POST', scoped: false, write: true, url: (k) => `/api/vaccination/lots/${ids[`recall${k}`]}/recall`, body: () => ({ reason: 'test' }) },
  { name: 'trace lot', method: 'GET', scoped: false, write: false, url: () => `/api/vaccination/lots/${ids.lot}/trace` },
  { name: 'create store', method: 'POST', scoped: true, write: true, url: () => '/api/vaccination/stores', body: (k) => ({ name: 'Điểm tiêm', level: 'site', areaCode: k === 'A' ? BA_DINH : NGOC_HA }) },
  { name: 'list stores', method: 'GET', scoped: false, write: false, url: () => '/api/vaccination/stores' },
  { name: 'stock', method: 'GET', scoped: true, write: false, url: (k) => `/api/vaccination/stores/${store(k)}/stock` },
  { name: 'receive', method: 'POST', scoped: true, write: true, url: (k) => `/api/vaccination/stores/${store(k)}/receive`, body: () => ({ lotId: ids.lot, doses: 1 }) },
  { name: 'ship', method: 'POST', scoped: true, write: true, url: (k) => `/api/vaccination/stores/${store(k)}/ship`, body: () => ({ lotId: ids.lot, doses: 1, toStoreId: ids.national }) },
  { name: 'confirm shipment', method: 'POST', scoped: true, write: true, url: (k) => shipmentTo(k).then((id) => `/api/vaccination/shipments/${id}/receive`), body: () => ({}) },
  { name: 'issue', method: 'POST', scoped: true, write: true, url: (k) => `/api/vaccination/stores/${store(k)}/issue`, body: () => ({ lotId: ids.lot, doses: 1, sessionRef: 'S1' }) },
  { name: 'return', method: 'POST', scoped: true, write: true, url: (k) => `/api/vaccination/stores/${store(k)}/return`, body: () => ({ lotId: ids.lot, doses: 1 }) },
  { name: 'discard', method: 'POST', scoped: true, write: true, url: (k) => `/api/vaccination/stores/${store(k)}/discard`, body: () => ({ lotId: ids.lot, doses: 1, reason: 'cold_chain' }) },
  { name: 'count', method: 'POST', scoped: true, write: true, url: (k) => `/api/vaccination/stores/${store(k)}/count`, body: () => ({ lotId: ids.lot, counted: 10_000 }) },
  { name: 'allocate', method: 'POST', scoped: true, write: true, url: (k) => `/api/vaccination/stores/${store(k)}/allocate`, body: () => ({ lotId: ids.lot, doses: 1, toStoreId: ids.national }) },
];

/** Resolves the route for commune k (a confirmation first makes its shipment), then returns the call to make. */
async function prepare(who: string | null, r: Route, k = 'A') {
  const url = await r.url(k);
  return () => api(t, who ? cookies[who]! : null, r.method, url, r.body?.(k));
}

async function call(who: string | null, r: Route, k = 'A') {
  return (await prepare(who, r, k))();
}

const ledger = () => Promise.all([countRows(t, 'stock_events'), countRows(t, 'vaccine_stores'), countRows(t, 'vaccine_lots')]);

describe('every route', () => {
  it.each(routes)('$name: 401 without a session, nothing stored', async (r) => {
    const send = await prepare(null, r);
    const before = await ledger();
    const res = await send();
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('unauthenticated');
    expect(await ledger()).toEqual(before);
  });

  it('refuses before validating: 401 and 403 even for malformed requests', async () => {
    expect((await api(t, null, 'POST', '/api/vaccination/stores/nope/issue', { nonsense: true })).statusCode).toBe(401);
    expect((await api(t, cookies.hotline!, 'POST', '/api/vaccination/stores/nope/issue', { nonsense: true })).statusCode).toBe(403);
  });

  it.each(routes)('$name: 403 for a role without vaccination scopes (hotline operator)', async (r) => {
    const send = await prepare('hotline', r);
    const before = await ledger();
    const res = await send();
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
    expect(await ledger()).toEqual(before);
  });

  it.each(routes)('$name: the national admin may, in either commune', async (r) => {
    for (const k of ['A', 'B']) {
      const res = await call('national', r, k);
      expect(res.statusCode, `${k}: ${res.body}`).toBeLessThan(300);
    }
  });
});

describe('jurisdiction', () => {
  it.each(routes.filter((r) => r.scoped))('$name: commune staff of A may act on a store of A', async (r) => {
    const res = await call('staffA', r, 'A');
    expect(res.statusCode, res.body).toBeLessThan(300);
  });

  it.each(routes.filter((r) => r.scoped))('$name: commune staff of A get 404 (or 403 naming an area) for commune B, nothing stored', async (r) => {
    const send = await prepare('staffA', r, 'B');
    const before = await ledger();
    const res = await send();
    expect(res.statusCode).toBe(r.name === 'create store' ? 403 : 404);
    expect(await ledger()).toEqual(before);
  });

  it.each(routes.filter((r) => !r.scoped && r.write))('$name: refused to commune staff (country or province level only)', async (r) => {
    const send = await prepare('staffA', r, 'A');
    const before = await ledger();
    expect((await send()).statusCode).toBe(403);
    expect(await ledger()).toEqual(before);
  });

  it.each(routes.filter((r) => !r.write))('$name: a province officer (read only) may read', async (r) => {
    expect((await call('province', r, 'B')).statusCode).toBeLessThan(300);
  });

  it.each(routes.filter((r) => r.write))('$name: a province officer (read only) may not write: 403, nothing stored', async (r) => {
    const send = await prepare('province', r, 'A');
    const before = await ledger();
    expect((await send()).statusCode).toBe(403);
    expect(await ledger()).toEqual(before);
  });

  it('lists and traces only what is inside the jurisdiction', async () => {
    const listed = await ok<{ items: { id: string }[] }>(api(t, cookies.staffA!, 'GET', '/api/vaccination/stores'), 200);
    expect(listed.items.map((s) => s.id)).toContain(ids.storeA);
    expect(listed.items.map((s) => s.id)).not.toContain(ids.storeB);
    expect(listed.items.map((s) => s.id)).not.toContain(ids.national);
    const province = await ok<{ items: { id: string }[] }>(api(t, cookies.province!, 'GET', '/api/vaccination/stores'), 200);
    expect(province.items.map((s) => s.id)).toEqual(expect.arrayContaining([ids.storeA, ids.storeB]));
    expect(province.items.map((s) => s.id)).not.toContain(ids.national);
    const trace = await ok<{ stores: { store: { id: string } }[] }>(api(t, cookies.staffA!, 'GET', `/api/vaccination/lots/${ids.lot}/trace`), 200);
    expect(trace.stores.map((s) => s.store.id)).toEqual([ids.storeA]);
  });

  it('the sender cannot confirm its own shipment to another store', async () => {
    const other = await createStore(t, cookies.national!, 'site', BA_DINH);
    const sent = await ok<{ shipment: { id: string } }>(api(t, cookies.staffA!, 'POST', `/api/vaccination/stores/${ids.storeA}/ship`, { lotId: ids.lot, doses: 1, toStoreId: ids.storeB }));
    // Staff of A see the shipment (they sent it) but may not confirm for B.
    expect((await api(t, cookies.staffA!, 'POST', `/api/vaccination/shipments/${sent.shipment.id}/receive`, {})).statusCode).toBe(403);
    const toOther = await ok<{ shipment: { id: string } }>(api(t, cookies.staffA!, 'POST', `/api/vaccination/stores/${ids.storeA}/ship`, { lotId: ids.lot, doses: 1, toStoreId: other.id }));
    expect((await api(t, cookies.staffA!, 'POST', `/api/vaccination/shipments/${toOther.shipment.id}/receive`, {})).statusCode).toBe(201);
  });
});
