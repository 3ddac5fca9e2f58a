import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, uuidv7 } from '@sen/db';
import { dosesNeeded, splitLargestRemainder } from '@sen/domain';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, BA_DINH, countRows, createLot, createStore, ledgerMismatches, NGOC_HA, ok } from './vaccination.fixtures';

/*
 * Allocation: plans computed from target populations, coverage goals and the doses given (rollups), and
 * 'allocate' events in the ledger that reserve doses of a store for another store until they are shipped there.
 */
let t: TestApp;
let national: string;
let staffHN: string; // vaccination staff of Hà Nội (province level): may write in the province
let provinceStore: string;
let storeA: string; // Ba Đình
let storeB: string; // Ngọc Hà
let storeC: string; // another Ba Đình store

interface Movement { event: { id: string; doses: number; balanceAfter: number; kind: string; reservedChange: number; forStoreId: string | null }; replayed: boolean }
interface Stock { items: { lotId: string; onHand: number; reserved: number; available: number }[]; reservations: { lotId: string; forStoreId: string; doses: number }[]; allocatedToThisStore: { lotId: string; fromStoreId: string; doses: number }[] }
const move = (cookie: string, storeId: string, verb: string, body: Record<string, unknown>) => api(t, cookie, 'POST', `/api/vaccination/stores/${storeId}/${verb}`, body);
const stock = (storeId: string) => ok<Stock>(api(t, national, 'GET', `/api/vaccination/stores/${storeId}/stock`), 200);
const lotLine = async (storeId: string, lotId: string) => (await stock(storeId)).items.find((i) => i.lotId === lotId);

/** Every reservation equals the sum of the reservation changes in the ledger, and none is negative. */
async function reservationMismatches(): Promise<unknown[]> {
  const r = await sql`
    WITH sums AS (SELECT store_id, lot_id, for_store_id, sum(reserved_change)::int AS total FROM stock_events WHERE for_store_id IS NOT NULL GROUP BY 1, 2, 3)
    SELECT * FROM stock_reservations r FULL JOIN sums s USING (store_id, lot_id, for_store_id)
     WHERE coalesce(r.doses_reserved, 0) <> coalesce(s.total, 0) OR r.doses_reserved < 0`.execute(t.conn.db);
  return r.rows;
}

beforeAll(async () => {
  t = await createTestApp();
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  staffHN = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: '01' }])).cookie;
  provinceStore = (await createStore(t, national, 'province', '01')).id;
  storeA = (await createStore(t, national, 'commune', BA_DINH, provinceStore)).id;
  storeB = (await createStore(t, national, 'commune', NGOC_HA, provinceStore)).id;
  storeC = (await createStore(t, national, 'site', BA_DINH, storeA)).id;
});
afterAll(async () => {
  await t?.close();
});

describe('allocate in the ledger', () => {
  it('reserves doses for a store: not free for other allocations, shipments elsewhere or issues; shipping there consumes them', async () => {
    const lot = (await createLot(t, national)).id;
    await ok(move(staffHN, provinceStore, 'receive', { lotId: lot, doses: 1000 }));
    const a = await ok<Movement>(move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 300, toStoreId: storeA }));
    expect(a.event).toMatchObject({ kind: 'allocate', doses: 0, balanceAfter: 1000, reservedChange: 300, forStoreId: storeA });
    await ok(move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 200, toStoreId: storeB }));
    expect(await lotLine(provinceStore, lot)).toMatchObject({ onHand: 1000, reserved: 500, available: 500 });
    expect((await stock(storeA)).allocatedToThisStore).toEqual([expect.objectContaining({ lotId: lot, fromStoreId: provinceStore, doses: 300 })]);

    // Another allocation beyond what is free: refused, naming what is free.
    const before = await countRows(t, 'stock_events');
    const over = await move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 501, toStoreId: storeC });
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ code: 'insufficient_stock', available: 500, reserved: 500, onHand: 1000 });
    // A shipment elsewhere may not take reserved doses either; nor an issue.
    expect((await move(staffHN, provinceStore, 'ship', { lotId: lot, doses: 501, toStoreId: storeC })).json()).toMatchObject({ code: 'insufficient_stock', available: 500 });
    expect((await move(staffHN, provinceStore, 'issue', { lotId: lot, doses: 501 })).json()).toMatchObject({ code: 'insufficient_stock', available: 500 });
    expect(await countRows(t, 'stock_events')).toBe(before);

    // Shipping to A: its 300 first, then free doses; the reservation is consumed, not the others'.
    const shipped = await ok<Movement & { shipment: { id: string } }>(move(staffHN, provinceStore, 'ship', { lotId: lot, doses: 400, toStoreId: storeA }));
    expect(shipped.event).toMatchObject({ kind: 'ship_out', doses: -400, balanceAfter: 600, reservedChange: -300, forStoreId: storeA });
    expect(await lotLine(provinceStore, lot)).toMatchObject({ onHand: 600, reserved: 200, available: 400 });
    expect((await stock(provinceStore)).reservations).toEqual([expect.objectContaining({ lotId: lot, forStoreId: storeB, doses: 200 })]);
    // A shipment to B beyond its reservation and the free doses: 409; within them: fine.
    expect((await move(staffHN, provinceStore, 'ship', { lotId: lot, doses: 601, toStoreId: storeB })).statusCode).toBe(409);
    expect(await ledgerMismatches(t)).toEqual([]);
    expect(await reservationMismatches()).toEqual([]);
    const audit = await t.conn.db.selectFrom('audit_log').select('details').where('action', '=', 'stock.allocate').execute();
    expect(audit.map((x) => (x.details as { toStoreId: string }).toStoreId)).toEqual([storeA, storeB]);
  });

  it('releases reserved doses, never more than are reserved; a count or a discard may leave reservations uncovered', async () => {
    const lot = (await createLot(t, national)).id;
    await ok(move(staffHN, provinceStore, 'receive', { lotId: lot, doses: 100 }));
    await ok(move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 80, toStoreId: storeB }));
    const released = await ok<Movement>(move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 30, toStoreId: storeB, release: true }));
    expect(released.event).toMatchObject({ doses: 0, reservedChange: -30 });
    const tooMuch = await move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 51, toStoreId: storeB, release: true });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json()).toMatchObject({ code: 'reservation_exceeded', reserved: 50, field: 'doses' });
    expect((await move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 1, toStoreId: storeA, release: true })).json()).toMatchObject({ code: 'reservation_exceeded', reserved: 0 });
    // Cold chain broke: 70 discarded though 50 are promised to B. What is left goes to B; nothing is free.
    await ok(move(staffHN, provinceStore, 'discard', { lotId: lot, doses: 70, reason: 'cold_chain' }));
    expect(await lotLine(provinceStore, lot)).toMatchObject({ onHand: 30, reserved: 50, available: 0 });
    expect((await move(staffHN, provinceStore, 'issue', { lotId: lot, doses: 1 })).json()).toMatchObject({ code: 'insufficient_stock', available: 0 });
    const toB = await ok<Movement>(move(staffHN, provinceStore, 'ship', { lotId: lot, doses: 30, toStoreId: storeB }));
    expect(toB.event.reservedChange).toBe(-30);
    expect(await lotLine(provinceStore, lot)).toMatchObject({ onHand: 0, reserved: 20 });
    await ok(move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 20, toStoreId: storeB, release: true }));
    expect(await lotLine(provinceStore, lot)).toMatchObject({ onHand: 0, reserved: 0, available: 0 });
    expect(await reservationMismatches()).toEqual([]);
    const trace = await ok<{ stores: { store: { id: string }; totals: Record<string, number> }[] }>(api(t, national, 'GET', `/api/vaccination/lots/${lot}/trace`), 200);
    // Allocated 80, released 30 and 20: 30 net, all shipped to B.
    expect(trace.stores.find((s) => s.store.id === provinceStore)!.totals).toMatchObject({ receive: 100, allocate: 30, discard: -70, ship_out: -30 });
  });

  it('never over-allocates under concurrent allocations, and a retried allocation reserves once', async () => {
    const lot = (await createLot(t, national)).id;
    await ok(move(staffHN, provinceStore, 'receive', { lotId: lot, doses: 500 }));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 60, toStoreId: [storeA, storeB, storeC][i % 3] })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(8);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json()).toMatchObject({ code: 'insufficient_stock', available: 20 });
    expect(await lotLine(provinceStore, lot)).toMatchObject({ onHand: 500, reserved: 480, available: 20 });
    const again = await Promise.all(Array.from({ length: 4 }, () => move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 20, toStoreId: storeA, clientId: 'alloc-once' })));
    expect(again.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 201]);
    expect(await lotLine(provinceStore, lot)).toMatchObject({ reserved: 500, available: 0 });
    expect((await move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 20, toStoreId: storeB, clientId: 'alloc-once' })).json().code).toBe('client_id_reused');
    expect(await ledgerMismatches(t)).toEqual([]);
    expect(await reservationMismatches()).toEqual([]);
  });

  it('refuses a recalled lot, itself, an unknown store and bad doses, storing nothing; a recalled lot may be released', async () => {
    const lot = (await createLot(t, national)).id;
    await ok(move(staffHN, provinceStore, 'receive', { lotId: lot, doses: 50 }));
    await ok(move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 10, toStoreId: storeA }));
    await ok(api(t, national, 'POST', `/api/vaccination/lots/${lot}/recall`, { reason: 'Thu hồi thử' }), 200);
    const before = await countRows(t, 'stock_events');
    for (const [body, status, field] of [
      [{ lotId: lot, doses: 1, toStoreId: storeB }, 409, null],
      [{ lotId: lot, doses: 1, toStoreId: provinceStore }, 400, 'toStoreId'],
      [{ lotId: lot, doses: 1, toStoreId: uuidv7() }, 404, 'toStoreId'],
      [{ lotId: lot, doses: 0, toStoreId: storeB }, 400, 'body.doses'],
      [{ lotId: lot, doses: 1 }, 400, 'body.toStoreId'],
      [{ lotId: lot, doses: 1, toStoreId: storeB, release: 'yes' }, 400, 'body.release'],
    ] as const) {
      const res = await move(staffHN, provinceStore, 'allocate', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      if (field) expect([res.json().field, ...(res.json().errors ?? []).map((e: { field: string }) => e.field)]).toContain(field);
      else expect(res.json().code).toBe('lot_recalled');
    }
    expect(await countRows(t, 'stock_events')).toBe(before);
    await ok(move(staffHN, provinceStore, 'allocate', { lotId: lot, doses: 10, toStoreId: storeA, release: true }));
    expect(await lotLine(provinceStore, lot)).toMatchObject({ reserved: 0 });
  });
});

describe('allocation plans', () => {
  let communes: { code: string; path: string }[];
  const given: Record<string, number> = { [BA_DINH]: 0, [NGOC_HA]: 0 };

  beforeAll(async () => {
    // Target populations for every commune of Hà Nội (18+ and 50+), two of them through the API.
    communes = (await sql<{ code: string; path: string }>`SELECT code, path::text AS path FROM areas WHERE parent_code = '01' ORDER BY code`.execute(t.conn.db)).rows;
    await sql`UPDATE areas SET population = 20000 + (code::int % 97) * 100, population_18_plus = 7000 + (code::int % 89) * 37, population_50_plus = 2000 + (code::int % 31) * 11
               WHERE parent_code = '01' AND code NOT IN (${BA_DINH}, ${NGOC_HA})`.execute(t.conn.db);
    const officer = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
    for (const [code, p18] of [[BA_DINH, 40_000], [NGOC_HA, 25_000]] as const) {
      const res = await api(t, officer, 'GET', '/api/areas/01');
      expect(res.statusCode).toBe(200);
      const put = await t.app.inject({ method: 'PUT', url: `/api/areas/${code}/population`, headers: { cookie: officer }, payload: { population: 60_000, population18Plus: p18, population50Plus: 12_000 } });
      expect(put.statusCode).toBe(204);
    }
    // Doses already given where the plan is made: pfizer first and second doses (counted), a booster and a
    // moderna dose (not counted for a pfizer plan).
    const person = async (commune: string) => {
      const id = uuidv7();
      await sql`INSERT INTO people (id, full_name, search_name, commune_code, area_path, birth_date) SELECT ${id}, 'Nguyễn Văn A', 'nguyen van a', code, path, '1980-01-01' FROM areas WHERE code = ${commune}`.execute(t.conn.db);
      return id;
    };
    const dose = async (commune: string, vaccine: string, kind: string, n: number) => {
      await sql`INSERT INTO doses (id, person_id, administered_at, administered_on, area_path, person_area_path, product, vaccine_code, dose_kind, dose_number, completes_series, catalog_version, request_hash)
        SELECT ${uuidv7()}, ${await person(commune)}, '2021-09-01 10:00+07', '2021-09-01', path, path, 'EU/x', ${vaccine}, ${kind}, ${n}, ${n === 2}, '1', 'h' FROM areas WHERE code = ${commune}`.execute(t.conn.db);
    };
    for (let i = 0; i < 7; i++) await dose(BA_DINH, 'pfizer', 'primary', 1 + (i % 2));
    for (let i = 0; i < 3; i++) await dose(NGOC_HA, 'pfizer', 'primary', 1);
    await dose(NGOC_HA, 'pfizer', 'booster', 3);
    await dose(NGOC_HA, 'moderna', 'primary', 1);
    given[BA_DINH] = 7;
    given[NGOC_HA] = 3;
  });

  const body = (extra: Record<string, unknown> = {}) => ({ areaCode: '01', vaccineCode: 'pfizer', periodFrom: '2030-01-01', periodTo: '2030-01-31', coverageGoalPct: 70, ...extra });
  interface Plan { id: string | null; status: string | null; targetPopulation: number; dosesGiven: number; dosesNeeded: number; dosesToAllocate: number; seriesDoses: number; lines: { areaCode: string; targetPopulation: number; dosesGiven: number; dosesNeeded: number; dosesToAllocate: number }[] }

  it('proposes the province\'s need split among its communes by their own needs, and stores nothing', async () => {
    const before = await countRows(t, 'stock_events');
    const plans = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM allocation_plans`.execute(t.conn.db)).rows[0]!.n;
    const p = await ok<Plan>(api(t, staffHN, 'POST', '/api/vaccination/allocation-plans/propose', body()), 200);
    expect(p).toMatchObject({ id: null, status: null, seriesDoses: 2 });
    // Expected from the raw figures with the domain rules.
    const pops = new Map((await sql<{ code: string; p: number }>`SELECT code, population_18_plus AS p FROM areas WHERE parent_code = '01'`.execute(t.conn.db)).rows.map((r) => [r.code, r.p]));
    const total18 = [...pops.values()].reduce((s, x) => s + x, 0);
    expect(p.targetPopulation).toBe(total18);
    expect(p.dosesGiven).toBe(10);
    expect(p.dosesNeeded).toBe(Math.ceil(total18 * 0.7 * 2) - 10);
    expect(p.dosesToAllocate).toBe(p.dosesNeeded);
    expect(p.lines.map((l) => l.areaCode)).toEqual(communes.map((c) => c.code));
    const shares = splitLargestRemainder(p.dosesNeeded, p.lines.map((l) => l.dosesNeeded));
    expect(p.lines.map((l) => l.dosesToAllocate)).toEqual(shares);
    expect(p.lines.every((l) => l.dosesToAllocate <= l.dosesNeeded)).toBe(true);
    expect(p.lines.reduce((s, l) => s + l.dosesToAllocate, 0)).toBe(p.dosesToAllocate);
    const baDinh = p.lines.find((l) => l.areaCode === BA_DINH)!;
    expect(baDinh).toMatchObject({ targetPopulation: 40_000, dosesGiven: 7, dosesNeeded: 40_000 * 0.7 * 2 - 7 });
    expect(p.lines.find((l) => l.areaCode === NGOC_HA)).toMatchObject({ dosesGiven: 3, dosesNeeded: dosesNeeded({ targetPopulation: 25_000, coverageGoalPct: 70, seriesDoses: 2, dosesGiven: 3 }) });
    expect(await countRows(t, 'stock_events')).toBe(before);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM allocation_plans`.execute(t.conn.db)).rows[0]!.n).toBe(plans);
  });

  it('caps a plan by the doses available, splits over-50s by their own populations, and uses the series of the vaccine', async () => {
    const capped = await ok<Plan>(api(t, staffHN, 'POST', '/api/vaccination/allocation-plans/propose', body({ dosesAvailable: 12_345 })), 200);
    expect(capped.dosesToAllocate).toBe(12_345);
    expect(capped.lines.reduce((s, l) => s + l.dosesToAllocate, 0)).toBe(12_345);
    const over50 = await ok<Plan>(api(t, staffHN, 'POST', '/api/vaccination/allocation-plans/propose', body({ targetGroup: 'over_50', coverageGoalPct: 80, vaccineCode: 'janssen' })), 200);
    expect(over50.seriesDoses).toBe(1);
    expect(over50.lines.find((l) => l.areaCode === BA_DINH)).toMatchObject({ targetPopulation: 12_000, dosesGiven: 0, dosesNeeded: 9600 });
    const odd = await ok<Plan>(api(t, staffHN, 'POST', '/api/vaccination/allocation-plans/propose', body({ coverageGoalPct: 33.33 })), 200);
    expect(odd.lines.find((l) => l.areaCode === BA_DINH)!.dosesNeeded).toBe(dosesNeeded({ targetPopulation: 40_000, coverageGoalPct: 33.33, seriesDoses: 2, dosesGiven: 7 }));
  });

  it('stores a plan as proposed, approves it, and supersedes the one approved before', async () => {
    const first = await ok<Plan>(api(t, staffHN, 'POST', '/api/vaccination/allocation-plans', body({ note: 'Đợt 1' })));
    expect(first).toMatchObject({ status: 'proposed' });
    const proposal = await ok<Plan>(api(t, staffHN, 'POST', '/api/vaccination/allocation-plans/propose', body()), 200);
    expect(first.lines).toEqual(proposal.lines);
    const stored = await sql<{ n: number; total: number }>`SELECT count(*)::int AS n, sum(doses_to_allocate)::int AS total FROM allocation_plan_lines WHERE plan_id = ${first.id}`.execute(t.conn.db);
    expect(stored.rows[0]).toEqual({ n: communes.length, total: first.dosesToAllocate });
    const approved = await ok<Plan>(api(t, staffHN, 'POST', `/api/vaccination/allocation-plans/${first.id}/approve`), 200);
    expect(approved.status).toBe('approved');
    expect((await api(t, staffHN, 'POST', `/api/vaccination/allocation-plans/${first.id}/approve`)).json().code).toBe('plan_not_proposed');
    const second = await ok<Plan>(api(t, national, 'POST', '/api/vaccination/allocation-plans', body({ coverageGoalPct: 80 })));
    await ok(api(t, national, 'POST', `/api/vaccination/allocation-plans/${second.id}/approve`), 200);
    expect((await ok<Plan>(api(t, staffHN, 'GET', `/api/vaccination/allocation-plans/${first.id}`), 200)).status).toBe('superseded');
    const listed = await ok<{ items: Plan[] }>(api(t, staffHN, 'GET', '/api/vaccination/allocation-plans?area=01&status=approved'), 200);
    expect(listed.items.map((p) => p.id)).toEqual([second.id]);
    expect(listed.items[0]!.lines).toEqual([]);
    const audit = await t.conn.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', 'like', 'allocation_plan.%').orderBy('at').execute();
    expect(audit.map((a) => [a.action, a.entity_id])).toEqual([
      ['allocation_plan.create', first.id], ['allocation_plan.approve', first.id], ['allocation_plan.create', second.id], ['allocation_plan.approve', second.id],
    ]);
  });

  it('refuses areas without children or without target populations, unknown vaccines and bad goals, storing nothing', async () => {
    const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM allocation_plans`.execute(t.conn.db)).rows[0]!.n;
    const missing = await api(t, national, 'POST', '/api/vaccination/allocation-plans', body({ areaCode: 'VN' }));
    expect(missing.statusCode).toBe(409);
    expect(missing.json()).toMatchObject({ code: 'target_population_missing', field: 'areaCode' });
    expect(missing.json().areas).toHaveLength(33); // every province but Hà Nội, whose communes have figures
    for (const [extra, status, field] of [
      [{ areaCode: BA_DINH }, 400, 'areaCode'],
      [{ areaCode: '99' }, 404, 'areaCode'],
      [{ vaccineCode: 'sinovac' }, 400, 'vaccineCode'],
      [{ coverageGoalPct: 0 }, 400, 'body.coverageGoalPct'],
      [{ coverageGoalPct: 100.5 }, 400, 'body.coverageGoalPct'],
      [{ coverageGoalPct: 70.005 }, 400, 'body.coverageGoalPct'],
      [{ periodTo: '2029-12-31' }, 400, 'body.periodTo'],
      [{ periodFrom: '2030-02-30' }, 400, 'body.periodFrom'],
      [{ targetGroup: 'children' }, 400, 'body.targetGroup'],
      [{ dosesAvailable: -1 }, 400, 'body.dosesAvailable'],
      [{ extra: true }, 400, 'body'],
    ] as const) {
      const res = await api(t, national, 'POST', '/api/vaccination/allocation-plans', body(extra));
      expect(res.statusCode, JSON.stringify(extra)).toBe(status);
      const problem = res.json() as { field?: string; errors?: { field: string }[] };
      expect([problem.field, ...(problem.errors ?? []).map((e) => e.field)], JSON.stringify(problem)).toContain(field);
    }
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM allocation_plans`.execute(t.conn.db)).rows[0]!.n).toBe(before);
    expect((await api(t, national, 'POST', `/api/vaccination/allocation-plans/${uuidv7()}/approve`)).statusCode).toBe(404);
  });
});
