import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, BA_DINH, countRows, createLot, createStore, ledgerMismatches, NGOC_HA, ok, onHand } from './vaccination.fixtures';

let t: TestApp;
let national: string;
let staffA: string; // vaccination staff of Ba Đình
let nationalStore: string;
let provinceStore: string;
let communeStore: string;

interface Movement { event: { id: string; doses: number; balanceAfter: number; kind: string; note: string | null }; shipment: { id: string; status: string } | null; replayed: boolean }
const move = (cookie: string, storeId: string, verb: string, body: Record<string, unknown>) => api(t, cookie, 'POST', `/api/vaccination/stores/${storeId}/${verb}`, body);
const stock = async (cookie: string, storeId: string) => ok<{ items: { lotId: string; onHand: number; inTransitIn: number; recalled: boolean; expired: boolean }[]; incoming: { id: string }[] }>(api(t, cookie, 'GET', `/api/vaccination/stores/${storeId}/stock`), 200);

beforeAll(async () => {
  t = await createTestApp();
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  staffA = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
  nationalStore = (await createStore(t, national, 'national', 'VN')).id;
  provinceStore = (await createStore(t, national, 'province', '01', nationalStore)).id;
  communeStore = (await createStore(t, staffA, 'commune', BA_DINH, provinceStore)).id;
});
afterAll(async () => {
  await t?.close();
});

describe('catalog', () => {
  it('serves the version in force and the list of versions from the domain data', async () => {
    const c = await ok<{ version: number; vaccines: { code: string; defaultDosesPerVial: number }[]; versions: { version: number }[]; booster: unknown }>(api(t, staffA, 'GET', '/api/vaccination/catalog'), 200);
    expect(c.version).toBe(2);
    expect(c.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(c.vaccines.map((v) => v.code)).toEqual(['astrazeneca', 'pfizer', 'moderna', 'verocell', 'sputnikv', 'janssen', 'hayatvax', 'abdala']);
    expect(c.booster).not.toBeNull();
    const doc = (await t.app.inject('/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/vaccination/catalog', '/api/vaccination/stores/{id}/issue', '/api/vaccination/shipments/{id}/receive']));
  });
});

describe('lots and stores', () => {
  it('registers a lot with the catalog default doses per vial, refuses a duplicate, and lists it', async () => {
    const lot = await ok<{ id: string; dosesPerVial: number; vaccineName: string; lotNumber: string }>(api(t, national, 'POST', '/api/vaccination/lots', { vaccineCode: 'pfizer', lotNumber: ' FA1234 ', expiryDate: '2099-01-31' }));
    expect(lot).toMatchObject({ dosesPerVial: 6, lotNumber: 'FA1234', vaccineName: 'Pfizer-BioNTech (Comirnaty)' });
    const again = await api(t, national, 'POST', '/api/vaccination/lots', { vaccineCode: 'pfizer', lotNumber: 'FA1234', expiryDate: '2099-01-31' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('lot_exists');
    const list = await ok<{ items: { id: string }[] }>(api(t, staffA, 'GET', '/api/vaccination/lots?vaccineCode=pfizer'), 200);
    expect(list.items.map((l) => l.id)).toEqual([lot.id]);
    const audit = await t.conn.db.selectFrom('audit_log').select('action').where('entity_id', '=', lot.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['lot.create']);
  });

  it('keeps store levels with their areas and parents above them', async () => {
    const wrongLevel = await api(t, national, 'POST', '/api/vaccination/stores', { name: 'X', level: 'province', areaCode: BA_DINH });
    expect(wrongLevel.statusCode).toBe(400);
    expect(wrongLevel.json().errors[0].field).toBe('level');
    const badParent = await api(t, national, 'POST', '/api/vaccination/stores', { name: 'X', level: 'site', areaCode: NGOC_HA, parentStoreId: communeStore });
    expect(badParent.statusCode).toBe(400);
    expect(badParent.json().errors[0].field).toBe('parentStoreId');
    const unknownArea = await api(t, national, 'POST', '/api/vaccination/stores', { name: 'X', level: 'commune', areaCode: '99999' });
    expect(unknownArea.statusCode).toBe(400);
    expect(unknownArea.json().errors[0].field).toBe('areaCode');
  });
});

describe('the ledger', () => {
  it('receive, ship, confirm, issue, return, discard and count keep balances equal to the sum of events', async () => {
    const lot = await createLot(t, national);
    await ok(move(national, nationalStore, 'receive', { lotId: lot.id, doses: 1000 }));
    const shipped = await ok<Movement>(move(national, nationalStore, 'ship', { lotId: lot.id, doses: 300, toStoreId: provinceStore }));
    expect(shipped.shipment!.status).toBe('in_transit');
    expect(shipped.event).toMatchObject({ kind: 'ship_out', doses: -300, balanceAfter: 700 });
    // In transit: on hand at neither end.
    expect(await onHand(t, nationalStore, lot.id)).toBe(700);
    const atProvince = await stock(national, provinceStore);
    expect(atProvince.items).toEqual([expect.objectContaining({ lotId: lot.id, onHand: 0, inTransitIn: 300 })]);
    expect(atProvince.incoming.map((s) => s.id)).toEqual([shipped.shipment!.id]);
    const confirmed = await ok<Movement>(api(t, national, 'POST', `/api/vaccination/shipments/${shipped.shipment!.id}/receive`, {}));
    expect(confirmed.event).toMatchObject({ kind: 'ship_in', doses: 300, balanceAfter: 300 });
    expect(confirmed.shipment!.status).toBe('received');
    expect((await stock(national, provinceStore)).items).toEqual([expect.objectContaining({ onHand: 300, inTransitIn: 0 })]);

    const toCommune = await ok<Movement>(move(national, provinceStore, 'ship', { lotId: lot.id, doses: 100, toStoreId: communeStore }));
    await ok(api(t, staffA, 'POST', `/api/vaccination/shipments/${toCommune.shipment!.id}/receive`));
    await ok(move(staffA, communeStore, 'issue', { lotId: lot.id, doses: 30, sessionRef: 'Buổi tiêm sáng 1' }));
    await ok(move(staffA, communeStore, 'return', { lotId: lot.id, doses: 5 }));
    await ok(move(staffA, communeStore, 'discard', { lotId: lot.id, doses: 2, reason: 'opened_vial' }));
    const counted = await ok<Movement>(move(staffA, communeStore, 'count', { lotId: lot.id, counted: 70, note: 'Kiểm kê cuối ngày' }));
    expect(counted.event).toMatchObject({ kind: 'adjust', doses: -3, balanceAfter: 70 });
    expect(counted.event.note).toBe('Physical count: 70 doses counted, 73 on hand (-3) — Kiểm kê cuối ngày');
    const same = await ok<Movement>(move(staffA, communeStore, 'count', { lotId: lot.id, counted: 70 }));
    expect(same.event).toMatchObject({ doses: 0, balanceAfter: 70 });

    expect(await onHand(t, nationalStore, lot.id)).toBe(700);
    expect(await onHand(t, provinceStore, lot.id)).toBe(200);
    expect(await onHand(t, communeStore, lot.id)).toBe(70);
    expect(await ledgerMismatches(t)).toEqual([]);
    const actions = await t.conn.db.selectFrom('audit_log').select('action').where('action', 'like', 'stock.%').execute();
    expect(new Set(actions.map((a) => a.action))).toEqual(new Set(['stock.receive', 'stock.issue', 'stock.return', 'stock.discard', 'stock.adjust']));
    expect(await t.conn.db.selectFrom('audit_log').select('id').where('action', 'in', ['shipment.create', 'shipment.receive']).execute()).toHaveLength(4);
  });

  it('never goes negative: 20 concurrent issues of 10 against 100 on hand give exactly 10 successes', async () => {
    const lot = await createLot(t, national);
    const store = (await createStore(t, staffA, 'site', BA_DINH, communeStore)).id;
    await ok(move(staffA, store, 'receive', { lotId: lot.id, doses: 100 }));
    const results = await Promise.all(Array.from({ length: 20 }, () => move(staffA, store, 'issue', { lotId: lot.id, doses: 10 })));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json()).toMatchObject({ code: 'insufficient_stock', available: 0, requested: 10 });
    expect(await onHand(t, store, lot.id)).toBe(0);
    const events = await t.conn.db.selectFrom('stock_events').select(['doses', 'balance_after']).where('store_id', '=', store).where('kind', '=', 'issue').execute();
    expect(events).toHaveLength(10);
    expect(events.map((e) => e.balance_after).sort((a, b) => a - b)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(await ledgerMismatches(t)).toEqual([]);
  });

  it('refuses an issue beyond the balance, naming the doses available, and moves nothing', async () => {
    const lot = await createLot(t, national);
    await ok(move(staffA, communeStore, 'receive', { lotId: lot.id, doses: 7 }));
    const before = await countRows(t, 'stock_events');
    const res = await move(staffA, communeStore, 'issue', { lotId: lot.id, doses: 8 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'insufficient_stock', available: 7 });
    const ship = await move(staffA, communeStore, 'ship', { lotId: lot.id, doses: 8, toStoreId: provinceStore });
    expect(ship.statusCode).toBe(409);
    expect(await countRows(t, 'stock_events')).toBe(before);
    expect(await t.conn.db.selectFrom('shipments').select('id').where('lot_id', '=', lot.id).execute()).toEqual([]);
    expect(await onHand(t, communeStore, lot.id)).toBe(7);
  });

  it('is append-only in the database', async () => {
    await expect(sql`UPDATE stock_events SET doses = doses + 1`.execute(t.conn.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM stock_events`.execute(t.conn.db)).rejects.toThrow(/append-only/);
  });
});

describe('idempotent retries', () => {
  it('the same clientId twice records one event and answers the original', async () => {
    const lot = await createLot(t, national);
    const first = await move(staffA, communeStore, 'receive', { lotId: lot.id, doses: 50, clientId: 'tablet-7:42' });
    expect(first.statusCode).toBe(201);
    const second = await move(staffA, communeStore, 'receive', { lotId: lot.id, doses: 50, clientId: 'tablet-7:42' });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ replayed: true, event: { id: first.json().event.id } });
    expect(await onHand(t, communeStore, lot.id)).toBe(50);
    const reused = await move(staffA, communeStore, 'issue', { lotId: lot.id, doses: 5, clientId: 'tablet-7:42' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe('client_id_reused');
  });

  it('concurrent retries of one issue move the doses once', async () => {
    const lot = await createLot(t, national);
    await ok(move(staffA, communeStore, 'receive', { lotId: lot.id, doses: 50 }));
    const results = await Promise.all(Array.from({ length: 5 }, () => move(staffA, communeStore, 'issue', { lotId: lot.id, doses: 10, clientId: 'issue-once' })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.json().event.id)).size).toBe(1);
    expect(await onHand(t, communeStore, lot.id)).toBe(40);
    expect(await ledgerMismatches(t)).toEqual([]);
  });

  it('a retried shipment creates one shipment; a second confirmation moves nothing', async () => {
    const lot = await createLot(t, national);
    await ok(move(national, nationalStore, 'receive', { lotId: lot.id, doses: 100 }));
    const a = await ok<Movement>(move(national, nationalStore, 'ship', { lotId: lot.id, doses: 40, toStoreId: communeStore, clientId: 'ship-1' }));
    const b = await ok<Movement>(move(national, nationalStore, 'ship', { lotId: lot.id, doses: 40, toStoreId: communeStore, clientId: 'ship-1' }), 200);
    expect(b.shipment!.id).toBe(a.shipment!.id);
    expect(await t.conn.db.selectFrom('shipments').select('id').where('lot_id', '=', lot.id).execute()).toHaveLength(1);
    const c1 = await ok<Movement>(api(t, staffA, 'POST', `/api/vaccination/shipments/${a.shipment!.id}/receive`, { clientId: 'conf-1' }));
    const c2 = await ok<Movement>(api(t, staffA, 'POST', `/api/vaccination/shipments/${a.shipment!.id}/receive`, {}), 200);
    expect(c2.event.id).toBe(c1.event.id);
    expect(await onHand(t, communeStore, lot.id)).toBe(40);
    expect(await onHand(t, nationalStore, lot.id)).toBe(60);
  });

  it('concurrent confirmations of one shipment move the doses once', async () => {
    const lot = await createLot(t, national);
    await ok(move(national, nationalStore, 'receive', { lotId: lot.id, doses: 100 }));
    const s = await ok<Movement>(move(national, nationalStore, 'ship', { lotId: lot.id, doses: 25, toStoreId: communeStore }));
    const results = await Promise.all(Array.from({ length: 4 }, () => api(t, staffA, 'POST', `/api/vaccination/shipments/${s.shipment!.id}/receive`, {})));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 201]);
    expect(await t.conn.db.selectFrom('stock_events').select('id').where('shipment_id', '=', s.shipment!.id).where('kind', '=', 'ship_in').execute()).toHaveLength(1);
    expect(await onHand(t, communeStore, lot.id)).toBe(25);
    expect(await ledgerMismatches(t)).toEqual([]);
  });
});

describe('recall and expiry', () => {
  it('a recalled lot cannot be received, shipped or issued, can be discarded, and its trace lists where it went', async () => {
    const lot = await createLot(t, national);
    await ok(move(national, nationalStore, 'receive', { lotId: lot.id, doses: 100 }));
    const s = await ok<Movement>(move(national, nationalStore, 'ship', { lotId: lot.id, doses: 30, toStoreId: communeStore }));
    const byStaff = await api(t, staffA, 'POST', `/api/vaccination/lots/${lot.id}/recall`, { reason: 'x' });
    expect(byStaff.statusCode).toBe(403);
    const recalled = await ok<{ recalledAt: string; recallReason: string }>(api(t, national, 'POST', `/api/vaccination/lots/${lot.id}/recall`, { reason: 'Cold chain break at the port' }), 200);
    expect(recalled.recallReason).toBe('Cold chain break at the port');
    expect(await t.conn.db.selectFrom('audit_log').select('action').where('entity_id', '=', lot.id).where('action', '=', 'lot.recall').execute()).toHaveLength(1);
    expect((await api(t, national, 'POST', `/api/vaccination/lots/${lot.id}/recall`, { reason: 'again' })).json().code).toBe('already_recalled');

    const before = await countRows(t, 'stock_events');
    for (const [verb, body] of [['issue', {}], ['ship', { toStoreId: provinceStore }], ['receive', {}]] as const) {
      const res = await move(national, nationalStore, verb, { lotId: lot.id, doses: 1, ...body });
      expect(res.statusCode, verb).toBe(409);
      expect(res.json().code).toBe('lot_recalled');
    }
    expect(await countRows(t, 'stock_events')).toBe(before);
    // Doses already on the road still arrive (they must be accounted for), then are discarded.
    await ok(api(t, staffA, 'POST', `/api/vaccination/shipments/${s.shipment!.id}/receive`));
    await ok(move(staffA, communeStore, 'discard', { lotId: lot.id, doses: 30, reason: 'damaged' }));
    expect((await stock(staffA, communeStore)).items.find((i) => i.lotId === lot.id)).toMatchObject({ recalled: true, onHand: 0 });

    const trace = await ok<{ stores: { store: { id: string }; onHand: number; totals: Record<string, number> }[]; shipments: unknown[]; events: unknown[] }>(api(t, national, 'GET', `/api/vaccination/lots/${lot.id}/trace`), 200);
    expect(trace.stores.map((x) => [x.store.id, x.onHand, x.totals])).toEqual([
      [nationalStore, 70, expect.objectContaining({ receive: 100, ship_out: -30 })],
      [communeStore, 0, expect.objectContaining({ ship_in: 30, discard: -30 })],
    ]);
    expect(trace.shipments).toHaveLength(1);
    expect(trace.events).toHaveLength(4);
    const staffTrace = await ok<{ stores: { store: { id: string } }[] }>(api(t, staffA, 'GET', `/api/vaccination/lots/${lot.id}/trace`), 200);
    expect(staffTrace.stores.map((x) => x.store.id)).toEqual([communeStore]);
  });

  it('an expired lot cannot be issued or shipped, but can be discarded', async () => {
    const lot = await createLot(t, national, { expiryDate: '2021-06-30' });
    await ok(move(staffA, communeStore, 'receive', { lotId: lot.id, doses: 20 }));
    for (const [verb, body] of [['issue', {}], ['ship', { toStoreId: provinceStore }]] as const) {
      const res = await move(staffA, communeStore, verb, { lotId: lot.id, doses: 1, ...body });
      expect(res.statusCode, verb).toBe(409);
      expect(res.json()).toMatchObject({ code: 'lot_expired', expiryDate: '2021-06-30' });
    }
    await ok(move(staffA, communeStore, 'discard', { lotId: lot.id, doses: 20, reason: 'expired' }));
    expect(await onHand(t, communeStore, lot.id)).toBe(0);
  });
});

describe('bad input', () => {
  let lotId: string;
  beforeAll(async () => {
    lotId = (await createLot(t, national)).id;
    await ok(move(staffA, communeStore, 'receive', { lotId, doses: 10 }));
  });

  const cases: [string, string, () => Record<string, unknown>, number, string][] = [
    ['zero doses', 'issue', () => ({ lotId, doses: 0 }), 400, 'body.doses'],
    ['negative doses', 'receive', () => ({ lotId, doses: -5 }), 400, 'body.doses'],
    ['huge doses', 'receive', () => ({ lotId, doses: 1e12 }), 400, 'body.doses'],
    ['fractional doses', 'receive', () => ({ lotId, doses: 1.5 }), 400, 'body.doses'],
    ['doses as text', 'receive', () => ({ lotId, doses: '10' }), 400, 'body.doses'],
    ['negative count', 'count', () => ({ lotId, counted: -1 }), 400, 'body.counted'],
    ['malformed lot id', 'issue', () => ({ lotId: 'lot-1', doses: 1 }), 400, 'body.lotId'],
    ['unknown lot', 'issue', () => ({ lotId: '0190a000-0000-7000-8000-000000000000', doses: 1 }), 404, 'lotId'],
    ['discard without reason', 'discard', () => ({ lotId, doses: 1 }), 400, 'body.reason'],
    ['discard with an unknown reason', 'discard', () => ({ lotId, doses: 1, reason: 'lost' }), 400, 'body.reason'],
    ['oversized note', 'receive', () => ({ lotId, doses: 1, note: 'x'.repeat(1001) }), 400, 'body.note'],
    ['control characters in a note', 'receive', () => ({ lotId, doses: 1, note: 'a\u0000b' }), 400, 'note'],
    ['a time in the future', 'receive', () => ({ lotId, doses: 1, occurredAt: '2999-01-01T00:00:00Z' }), 400, 'occurredAt'],
    ['an unknown field', 'receive', () => ({ lotId, doses: 1, dose: 2 }), 400, 'body'],
    ['unknown receiving store', 'ship', () => ({ lotId, doses: 1, toStoreId: '0190a000-0000-7000-8000-000000000000' }), 404, 'toStoreId'],
    ['shipping to itself', 'ship', () => ({ lotId, doses: 1, toStoreId: communeStore }), 400, 'toStoreId'],
  ];
  it.each(cases)('%s: refused, field named, nothing stored', async (_name, verb, body, status, field) => {
    const before = await Promise.all([countRows(t, 'stock_events'), countRows(t, 'shipments')]);
    const res = await move(staffA, communeStore, verb, body());
    expect(res.statusCode).toBe(status);
    const json = res.json();
    const named = [json.field, ...(json.errors ?? []).map((e: { field: string }) => e.field)];
    expect(named.some((f: string | undefined) => f?.startsWith(field)), JSON.stringify(json)).toBe(true);
    expect(await Promise.all([countRows(t, 'stock_events'), countRows(t, 'shipments')])).toEqual(before);
    expect(await onHand(t, communeStore, lotId)).toBe(10);
  });

  it('unknown store 404, malformed store id 400', async () => {
    const missing = await move(staffA, '0190a000-0000-7000-8000-000000000000', 'issue', { lotId, doses: 1 });
    expect(missing.statusCode).toBe(404);
    const bad = await move(staffA, 'store-1', 'issue', { lotId, doses: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('params.id');
    expect((await api(t, staffA, 'GET', '/api/vaccination/stores/store-1/stock')).statusCode).toBe(400);
    expect((await api(t, national, 'POST', '/api/vaccination/shipments/0190a000-0000-7000-8000-000000000000/receive', {})).statusCode).toBe(404);
  });

  it('refuses lots of unknown vaccines, bad dates and vials, storing nothing', async () => {
    const before = await countRows(t, 'vaccine_lots');
    for (const [body, field] of [
      [{ vaccineCode: 'sputnik-light', lotNumber: 'L1', expiryDate: '2099-01-01' }, 'vaccineCode'],
      [{ vaccineCode: 'moderna', lotNumber: 'L1', expiryDate: '2099-02-30' }, 'body.expiryDate'],
      [{ vaccineCode: 'moderna', lotNumber: 'L1', expiryDate: '2099-01-01', dosesPerVial: 0 }, 'body.dosesPerVial'],
      [{ vaccineCode: 'moderna', lotNumber: '', expiryDate: '2099-01-01' }, 'body.lotNumber'],
      [{ vaccineCode: 'moderna', lotNumber: 'x'.repeat(61), expiryDate: '2099-01-01' }, 'body.lotNumber'],
    ] as const) {
      const res = await api(t, national, 'POST', '/api/vaccination/lots', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const json = res.json();
      expect([json.field, ...(json.errors ?? []).map((e: { field: string }) => e.field)]).toContain(field);
    }
    expect(await countRows(t, 'vaccine_lots')).toBe(before);
    const commune = await api(t, staffA, 'POST', '/api/vaccination/lots', { vaccineCode: 'moderna', lotNumber: 'L1', expiryDate: '2099-01-01' });
    expect(commune.statusCode).toBe(403);
  });
});
