import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { createTestApp, type TestApp } from '../../testing/test-app';
import { api, BA_DINH, ok } from './vaccination.fixtures';
import { backfillBody, buildWorld, createLotRow, doseBody, doseCount, local, newPerson, openSession, receive, uuid, type World } from './workflow.fixtures';

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const post = (cookie: string, url: string, body?: unknown) => api(t, cookie, 'POST', url, body);
const get = (cookie: string, url: string) => api(t, cookie, 'GET', url);
interface DoseT { id: string; doseNumber: number; doseKind: string; completesSeries: boolean; overrideReason: string | null; overriddenProblems: string[]; observationEndsAt: string; administeredAt: string; replayed: boolean; verified: boolean; reviewStatus: string }
const dose = (body: unknown, cookie = w.staff) => post(cookie, '/api/vaccination/doses', body);
const problemCodes = (res: { json(): unknown }) => ((res.json() as { problems?: { code: string }[] }).problems ?? []).map((p) => p.code);
const audit = async (action: string, entityId: string) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = ${action} AND entity_id = ${entityId}`.execute(t.conn.db)).rows[0]!.n;

describe('the site workflow end to end', () => {
  it('checks a person in, screens them, injects, observes and reports an adverse event', async () => {
    const personId = await newPerson(t, w.national);
    const arrivalId = uuid();
    const arrival = await ok<{ id: string; personId: string; replayed: boolean }>(post(w.staff, `/api/vaccination/sessions/${w.sessionId}/arrivals`, { id: arrivalId, personId, method: 'qr' }));
    expect(arrival).toMatchObject({ id: arrivalId, personId, replayed: false });
    // The same person again (another device, another id) answers the first arrival.
    expect(await ok(post(w.staff, `/api/vaccination/sessions/${w.sessionId}/arrivals`, { id: uuid(), personId }), 200)).toMatchObject({ id: arrivalId, replayed: true });

    const screening = await ok<{ id: string; outcome: string; ruleSetVersion: string; reasons: { code: string }[] }>(post(w.staff, '/api/vaccination/screenings', {
      id: uuid(), personId, sessionId: w.sessionId, vitals: { temperatureC: 36.8, pulse: 80, systolic: 120, diastolic: 80 }, answers: { allergyHistory: true },
    }));
    expect(screening).toMatchObject({ outcome: 'caution', ruleSetVersion: 'byt-3445-2021' });
    expect(screening.reasons.map((r) => r.code)).toEqual(['allergy_history']);

    const given = await ok<DoseT>(dose(doseBody(w, personId, 'astrazeneca', { screeningId: screening.id })));
    expect(given).toMatchObject({ doseNumber: 1, doseKind: 'primary', completesSeries: false, verified: true });
    expect(new Date(given.observationEndsAt).getTime() - new Date(given.administeredAt).getTime()).toBe(30 * 60_000);
    expect(await audit('dose.create', personId)).toBe(1);

    const board = await ok<{ items: { doseId: string; state: string; remainingSeconds: number }[] }>(get(w.staff, `/api/vaccination/observation?sessionId=${w.sessionId}`), 200);
    const item = board.items.find((i) => i.doseId === given.id)!;
    expect(item.state).toBe('running');
    expect(item.remainingSeconds).toBeGreaterThan(29 * 60);

    const eventId = uuid();
    const done = await ok<{ outcome: string; adverseEvent: { id: string; symptoms: string[]; causality: string | null } }>(post(w.staff, `/api/vaccination/doses/${given.id}/observation`, {
      outcome: 'reaction',
      adverseEvent: { id: eventId, onsetAt: new Date().toISOString(), symptoms: ['fever', 'headache'], serious: false, severity: 'mild', outcome: 'recovering' },
    }), 200);
    expect(done.outcome).toBe('reaction');
    expect(done.adverseEvent).toMatchObject({ id: eventId, symptoms: ['fever', 'headache'], causality: null });
    const after = await ok<{ items: { doseId: string }[] }>(get(w.staff, `/api/vaccination/observation?sessionId=${w.sessionId}`), 200);
    expect(after.items.map((i) => i.doseId)).not.toContain(given.id);

    const classed = await ok<{ causality: string }>(post(w.staff2, `/api/vaccination/adverse-events/${eventId}/causality`, { causality: 'B1', note: 'Đang điều tra' }), 200);
    expect(classed.causality).toBe('B1');
    const events = await ok<{ items: { id: string }[] }>(get(w.officer, '/api/vaccination/adverse-events?pendingCausality=false'), 200);
    expect(events.items.map((e) => e.id)).toContain(eventId);

    const history = await ok<{ doses: { id: string }[]; status: { dosesReceived: number; primaryComplete: boolean }; nextDue: { earliest: string } | null }>(get(w.staff, `/api/vaccination/people/${personId}/history`), 200);
    expect(history.doses.map((d) => d.id)).toEqual([given.id]);
    expect(history.status).toMatchObject({ dosesReceived: 1, primaryComplete: false });
    expect(history.nextDue?.earliest).toBeTruthy();

    const session = await ok<{ arrivals: number; doses: number }>(get(w.officer, `/api/vaccination/sessions/${w.sessionId}`), 200);
    expect(session.arrivals).toBeGreaterThanOrEqual(1);
    expect(session.doses).toBeGreaterThanOrEqual(1);
  });

  it('finds a person by ID number at check-in', async () => {
    const personId = await newPerson(t, w.national, BA_DINH, '1980-05-01', { identifiers: [{ kind: 'passport', value: 'B1234567' }] });
    const res = await ok<{ personId: string; method: string }>(post(w.staff, `/api/vaccination/sessions/${w.sessionId}/arrivals`, { id: uuid(), idNumber: 'b1234567' }));
    expect(res).toMatchObject({ personId, method: 'id_number' });
    expect((await post(w.staff, `/api/vaccination/sessions/${w.sessionId}/arrivals`, { id: uuid(), idNumber: 'C9999999' })).statusCode).toBe(404);
  });

  it("checks a person in by scanning their signed QR, and refuses an altered one naming it", async () => {
    const personId = await newPerson(t, w.national);
    const qr = await ok<{ token: string }>(get(w.national, `/api/people/${personId}/qr`), 200);
    const res = await ok<{ personId: string; method: string }>(post(w.staff, `/api/vaccination/sessions/${w.sessionId}/arrivals`, { id: uuid(), personToken: qr.token }));
    expect(res).toMatchObject({ personId, method: 'qr' });
    const [head, body, sig] = qr.token.split('.');
    const altered = `${head}.${body}.${sig!.startsWith('A') ? 'B' : 'A'}${sig!.slice(1)}`;
    const refused = await post(w.staff, `/api/vaccination/sessions/${w.sessionId}/arrivals`, { id: uuid(), personToken: altered });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().detail).toMatch(/personToken/);
    const both = await post(w.staff, `/api/vaccination/sessions/${w.sessionId}/arrivals`, { id: uuid(), personToken: qr.token, personId });
    expect(both.statusCode).toBe(400);
  });
});

describe('dose rules through the API', () => {
  it('refuses a dose far too early even with an override', async () => {
    const p = await newPerson(t, w.national);
    await ok(post(w.staff, '/api/vaccination/backfills', backfillBody(p, 'astrazeneca', 10)));
    const res = await dose(doseBody(w, p, 'astrazeneca'));
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('dose_not_allowed');
    expect(problemCodes(res)).toEqual(['too_early']);
    const forced = await dose(doseBody(w, p, 'astrazeneca', { override: { reason: 'Bác sĩ chỉ định' } }));
    expect(forced.statusCode).toBe(409);
    expect(forced.json().overridable).toBe(false);
    expect(await doseCount(t, p)).toBe(1);
  });

  it('accepts a slightly early dose only with an override reason, and stores the reason', async () => {
    const p = await newPerson(t, w.national);
    await ok(post(w.staff, '/api/vaccination/backfills', backfillBody(p, 'astrazeneca', 26)));
    const refused = await dose(doseBody(w, p, 'astrazeneca'));
    expect(refused.statusCode).toBe(409);
    expect(problemCodes(refused)).toEqual(['too_early']);
    expect(refused.json().overridable).toBe(true);
    const given = await ok<DoseT>(dose(doseBody(w, p, 'astrazeneca', { override: { reason: 'Đi công tác dài ngày' } })));
    expect(given).toMatchObject({ doseNumber: 2, completesSeries: true, overrideReason: 'Đi công tác dài ngày', overriddenProblems: ['too_early'] });
  });

  it('completes Janssen with one dose', async () => {
    const p = await newPerson(t, w.national);
    expect(await ok<DoseT>(dose(doseBody(w, p, 'janssen')))).toMatchObject({ doseNumber: 1, doseKind: 'primary', completesSeries: true });
    const h = await ok<{ status: { primaryComplete: boolean; seriesLength: number } }>(get(w.staff, `/api/vaccination/people/${p}/history`), 200);
    expect(h.status).toMatchObject({ primaryComplete: true, seriesLength: 1 });
  });

  it('gives Abdala a third dose 14 days after the second', async () => {
    const p = await newPerson(t, w.national);
    await ok(post(w.staff, '/api/vaccination/backfills', backfillBody(p, 'abdala', 28)));
    await ok(post(w.staff, '/api/vaccination/backfills', backfillBody(p, 'abdala', 14)));
    expect(await ok<DoseT>(dose(doseBody(w, p, 'abdala')))).toMatchObject({ doseNumber: 3, doseKind: 'primary', completesSeries: true });
  });

  it('refuses an Abdala dose 13 days after the previous one without an override', async () => {
    const p = await newPerson(t, w.national);
    await ok(post(w.staff, '/api/vaccination/backfills', backfillBody(p, 'abdala', 13)));
    const res = await dose(doseBody(w, p, 'abdala'));
    expect(res.statusCode).toBe(409);
    expect(problemCodes(res)).toEqual(['too_early']);
  });

  it('allows AstraZeneca then Pfizer and refuses AstraZeneca then Vero Cell', async () => {
    const p = await newPerson(t, w.national);
    await ok(post(w.staff, '/api/vaccination/backfills', backfillBody(p, 'astrazeneca', 60)));
    expect(await ok<DoseT>(dose(doseBody(w, p, 'pfizer')))).toMatchObject({ doseNumber: 2, completesSeries: true });
    const q = await newPerson(t, w.national);
    await ok(post(w.staff, '/api/vaccination/backfills', backfillBody(q, 'astrazeneca', 60)));
    const res = await dose(doseBody(w, q, 'verocell'));
    expect(res.statusCode).toBe(409);
    expect(problemCodes(res)).toContain('mixing_not_allowed');
  });

  it('numbers a booster after a complete series', async () => {
    const p = await newPerson(t, w.national);
    await ok(post(w.staff, '/api/vaccination/backfills', backfillBody(p, 'astrazeneca', 200)));
    await ok(post(w.staff, '/api/vaccination/backfills', backfillBody(p, 'astrazeneca', 120)));
    expect(await ok<DoseT>(dose(doseBody(w, p, 'pfizer')))).toMatchObject({ doseNumber: 3, doseKind: 'booster', completesSeries: false });
  });

  it('refuses a second dose the same day, in the API and in the database', async () => {
    const p = await newPerson(t, w.national);
    await ok(dose(doseBody(w, p, 'janssen')));
    const res = await dose(doseBody(w, p, 'pfizer'));
    expect(res.statusCode).toBe(409);
    expect(problemCodes(res)).toEqual(['same_day_dose']);
    expect(await doseCount(t, p)).toBe(1);
    // With a reason it goes through, and says so.
    const repeated = await ok<DoseT>(dose(doseBody(w, p, 'pfizer', { override: { reason: 'Mũi trước bị rò kim, tiêm lại' } })));
    expect(repeated).toMatchObject({ overriddenProblems: ['same_day_dose'], overrideReason: 'Mũi trước bị rò kim, tiêm lại' });
    expect(await doseCount(t, p)).toBe(2);
    // The partial unique index holds even when the application check is bypassed.
    await expect(sql`INSERT INTO doses (id, person_id, administered_at, administered_on, area_path, product, vaccine_code, dose_kind, dose_number, catalog_version, request_hash)
      SELECT ${uuid()}, person_id, administered_at, administered_on, area_path, product, vaccine_code, dose_kind, 3, catalog_version, 'x' FROM doses WHERE person_id = ${p} AND NOT same_day_override`.execute(t.conn.db))
      .rejects.toMatchObject({ code: '23505' });
  });

  it('refuses a person too young for the vaccine', async () => {
    const child = await newPerson(t, w.national, BA_DINH, `${new Date().getUTCFullYear() - 10}-01-01`);
    const res = await dose(doseBody(w, child, 'astrazeneca'));
    expect(res.statusCode).toBe(409);
    expect(problemCodes(res)).toContain('too_young');
  });

  it('blocks a dose after a screening that defers, unless overridden', async () => {
    const p = await newPerson(t, w.national);
    const s = await ok<{ outcome: string }>(post(w.staff, '/api/vaccination/screenings', { id: uuid(), personId: p, sessionId: w.sessionId, vitals: { temperatureC: 38.5 }, answers: { acuteIllness: true } }));
    expect(s.outcome).toBe('defer');
    const res = await dose(doseBody(w, p, 'pfizer'));
    expect(res.statusCode).toBe(409);
    expect(problemCodes(res)).toEqual(['screening_defer']);
    expect(await ok<DoseT>(dose(doseBody(w, p, 'pfizer', { override: { reason: 'Bác sĩ khám lại: hết sốt' } })))).toMatchObject({ overriddenProblems: ['screening_defer'] });
  });
});

describe('lots', () => {
  it('refuses a recalled lot, an expired lot and a lot the site does not hold', async () => {
    const p = await newPerson(t, w.national);
    const recalled = await createLotRow(t, 'pfizer');
    await receive(t, w.national, w.storeId, recalled, 100);
    await ok(post(w.national, `/api/vaccination/lots/${recalled}/recall`, { reason: 'Lỗi bảo quản' }), 200);
    const r1 = await dose({ ...doseBody(w, p, 'pfizer'), lotId: recalled });
    expect(r1.statusCode).toBe(409);
    expect(r1.json().code).toBe('lot_recalled');

    const expired = await createLotRow(t, 'pfizer', '2021-01-01');
    await receive(t, w.national, w.storeId, expired, 100);
    const r2 = await dose({ ...doseBody(w, p, 'pfizer'), lotId: expired });
    expect(r2.statusCode).toBe(409);
    expect(r2.json().code).toBe('lot_expired');

    const elsewhere = await createLotRow(t, 'pfizer');
    const r3 = await dose({ ...doseBody(w, p, 'pfizer'), lotId: elsewhere });
    expect(r3.statusCode).toBe(409);
    expect(r3.json().code).toBe('lot_not_at_site');

    const r4 = await dose({ ...doseBody(w, p, 'pfizer'), lotId: uuid() });
    expect(r4.statusCode).toBe(400);
    expect(r4.json().field).toBe('lotId');
    expect(await doseCount(t, p)).toBe(0);
  });
  it("bounds a session's doses of a lot by the doses issued to it less returns; nothing issued draws on the store", async () => {
    const lot = await createLotRow(t, 'pfizer');
    await receive(t, w.national, w.storeId, lot, 100);
    const sessionId = await openSession(t, w.staff, w.siteId, ['pfizer']);
    const give = async () => dose({ id: uuid(), personId: await newPerson(t, w.national), sessionId, lotId: lot });
    // Nothing issued yet: the session draws on the store's balance.
    expect((await give()).statusCode).toBe(201);
    await ok(post(w.staff, `/api/vaccination/stores/${w.storeId}/issue`, { lotId: lot, doses: 4, sessionRef: sessionId }));
    await ok(post(w.staff, `/api/vaccination/stores/${w.storeId}/return`, { lotId: lot, doses: 1, sessionRef: sessionId }));
    // 4 issued - 1 returned = 3, and the session gave 1 already.
    expect((await give()).statusCode).toBe(201);
    expect((await give()).statusCode).toBe(201);
    const out = await give();
    expect(out.statusCode).toBe(409);
    expect(out.json()).toMatchObject({ code: 'session_out_of_doses', issued: 4 });
    await ok(post(w.staff, `/api/vaccination/stores/${w.storeId}/issue`, { lotId: lot, doses: 1, sessionRef: sessionId }));
    expect((await give()).statusCode).toBe(201);
  });
});

describe('doses arriving together', () => {
  it('stores each of many concurrent doses once, with its own audit row, and refuses a same-day twin among them', async () => {
    const people = await Promise.all(Array.from({ length: 30 }, () => newPerson(t, w.national)));
    const bodies = people.map((p) => doseBody(w, p, 'pfizer'));
    const twin = doseBody(w, people[0]!, 'pfizer');
    const results = await Promise.all([...bodies, twin].map((b) => dose(b)));
    const codes = results.map((r) => r.statusCode);
    // The twin and the first dose of that person race: exactly one of them is stored.
    expect(codes.filter((c) => c === 201)).toHaveLength(30);
    const refused = results.filter((r) => r.statusCode === 409);
    expect(refused).toHaveLength(1);
    expect(problemCodes(refused[0]!)).toContain('same_day_dose');
    for (const p of people) expect(await doseCount(t, p)).toBe(1);
    for (const p of people) expect(await audit('dose.create', p)).toBe(1);
  });
});

describe('idempotency', () => {
  it('answers a retried dose with the same dose and stores one row; another body under the same id is 409', async () => {
    const p = await newPerson(t, w.national);
    const body = doseBody(w, p, 'pfizer');
    const first = await dose(body);
    expect(first.statusCode).toBe(201);
    const again = await dose({ ...body });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: body.id, replayed: true, doseNumber: 1 });
    expect(await doseCount(t, p)).toBe(1);
    const other = await dose({ ...body, lotId: w.lots.astrazeneca });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('client_id_reused');
    expect(await audit('dose.create', p)).toBe(1);
  });

  it('stores one dose when the same request races itself', async () => {
    const p = await newPerson(t, w.national);
    const body = doseBody(w, p, 'pfizer');
    const results = await Promise.all(Array.from({ length: 8 }, () => dose(body)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.json().id))).toEqual(new Set([body.id]));
    expect(await doseCount(t, p)).toBe(1);
  });

  it('replays a screening with the same body and refuses another body under the same id', async () => {
    const p = await newPerson(t, w.national);
    const body = { id: uuid(), personId: p, sessionId: w.sessionId, vitals: { temperatureC: 36.5 }, answers: {} };
    expect((await post(w.staff, '/api/vaccination/screenings', body)).statusCode).toBe(201);
    const again = await post(w.staff, '/api/vaccination/screenings', { answers: {}, vitals: { temperatureC: 36.5 }, sessionId: w.sessionId, personId: p, id: body.id });
    expect(again.statusCode).toBe(200);
    expect(again.json().replayed).toBe(true);
    const changed = await post(w.staff, '/api/vaccination/screenings', { ...body, vitals: { temperatureC: 39 } });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().code).toBe('client_id_reused');
  });
});

describe('offline sync', () => {
  it('answers each item of a mixed batch: created, duplicate or refused, without refusing the others', async () => {
    const a = await newPerson(t, w.national);
    const b = await newPerson(t, w.national);
    const screening = { id: uuid(), personId: a, sessionId: w.sessionId, vitals: { temperatureC: 36.6 }, answers: {} };
    const doseA = doseBody(w, a, 'pfizer', { screeningId: screening.id, administeredAt: new Date(Date.now() - 3_600_000).toISOString() });
    const already = doseBody(w, b, 'pfizer');
    await ok(dose(already));
    const batch = {
      screenings: [screening, { id: 'not-a-uuid', personId: a }],
      doses: [doseA, already, doseBody(w, b, 'astrazeneca'), { ...doseBody(w, a, 'pfizer'), lotId: uuid() }, { hostile: '<script>' }],
    };
    const res = await ok<{ items: { kind: string; index: number; status: string; code: string | null }[]; created: number; duplicates: number; refused: number }>(post(w.staff, '/api/vaccination/sync', batch), 200);
    const summary = res.items.map((i) => `${i.kind}${i.index}:${i.status}:${i.code ?? ''}`);
    expect(summary).toEqual([
      'screening0:created:', 'screening1:refused:invalid_item',
      'dose0:created:', 'dose1:duplicate:', 'dose2:refused:dose_not_allowed', 'dose3:refused:unknown_lot', 'dose4:refused:invalid_item',
    ]);
    expect([res.created, res.duplicates, res.refused]).toEqual([2, 1, 4]);
    // Sent again: nothing new.
    const again = await ok<{ created: number; duplicates: number }>(post(w.staff, '/api/vaccination/sync', batch), 200);
    expect([again.created, again.duplicates]).toEqual([0, 3]);
    expect(await doseCount(t, a)).toBe(1);
    expect(await doseCount(t, b)).toBe(1);
  });

  it('refuses a batch above 500 items', async () => {
    const res = await post(w.staff, '/api/vaccination/sync', { doses: Array.from({ length: 501 }, () => ({})) });
    expect(res.statusCode).toBe(400);
  });
});

describe('backfill review', () => {
  it('stays unverified until another user confirms; the recorder cannot; rejected doses stop counting', async () => {
    const p = await newPerson(t, w.national);
    const bf = await ok<DoseT>(post(w.staff, '/api/vaccination/backfills', backfillBody(p, 'verocell', 40, { place: 'Bệnh viện Bạch Mai' })));
    expect(bf).toMatchObject({ verified: false, reviewStatus: 'pending', doseNumber: 1 });
    const queue = await ok<{ items: { id: string; personId: string; fullName: string }[] }>(get(w.officer, '/api/vaccination/backfills/unverified'), 200);
    const queued = queue.items.find((i) => i.id === bf.id);
    const person = await ok<{ fullName: string }>(get(w.national, `/api/people/${p}`), 200);
    expect(queued).toMatchObject({ personId: p, fullName: person.fullName });
    const self = await post(w.staff, `/api/vaccination/backfills/${bf.id}/review`, { decision: 'confirm' });
    expect(self.statusCode).toBe(403);
    expect(self.json().code).toBe('self_review');
    expect((await post(w.officer, `/api/vaccination/backfills/${bf.id}/review`, { decision: 'confirm' })).statusCode).toBe(403);
    expect(await ok<DoseT>(post(w.staff2, `/api/vaccination/backfills/${bf.id}/review`, { decision: 'confirm' }), 200)).toMatchObject({ verified: true, reviewStatus: 'confirmed' });
    expect((await post(w.national, `/api/vaccination/backfills/${bf.id}/review`, { decision: 'reject', note: 'x' })).statusCode).toBe(409);
    const queueAfter = await ok<{ items: { id: string }[] }>(get(w.officer, '/api/vaccination/backfills/unverified'), 200);
    expect(queueAfter.items.map((i) => i.id)).not.toContain(bf.id);

    const wrong = await ok<DoseT>(post(w.staff, '/api/vaccination/backfills', backfillBody(p, 'verocell', 10, { override: { reason: 'Theo phiếu' } })));
    await ok(post(w.staff2, `/api/vaccination/backfills/${wrong.id}/review`, { decision: 'reject', note: 'Phiếu giả' }), 200);
    // The rejected dose no longer counts: the next dose is number 2.
    expect(await ok<DoseT>(dose(doseBody(w, p, 'verocell')))).toMatchObject({ doseNumber: 2 });
  });
});

describe('sessions', () => {
  it('moves planned -> open -> closed, refuses other moves and doses outside an open session', async () => {
    const s = await ok<{ id: string; status: string; products: string[] }>(post(w.staff, '/api/vaccination/sessions', {
      siteId: w.siteId, startsAt: local(new Date(Date.now() + 86_400_000)), endsAt: local(new Date(Date.now() + 90_000_000)), vaccines: ['pfizer'], capacity: 100,
    }));
    expect(s).toMatchObject({ status: 'planned', products: ['EU/1/20/1528'] });
    const p = await newPerson(t, w.national);
    const early = await dose({ ...doseBody(w, p, 'pfizer'), sessionId: s.id });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('session_not_open');
    expect((await post(w.staff, `/api/vaccination/sessions/${s.id}/close`)).statusCode).toBe(409);
    await ok(post(w.staff, `/api/vaccination/sessions/${s.id}/open`), 200);
    const wrongVaccine = await dose({ ...doseBody(w, p, 'astrazeneca'), sessionId: s.id });
    expect(wrongVaccine.json().code).toBe('vaccine_not_in_session');
    await ok(dose({ ...doseBody(w, p, 'pfizer'), sessionId: s.id }));
    expect((await post(w.staff, `/api/vaccination/sessions/${s.id}/cancel`, { reason: 'Mưa bão' })).json().code).toBe('session_has_doses');
    expect(await ok<{ status: string }>(post(w.staff, `/api/vaccination/sessions/${s.id}/close`), 200)).toMatchObject({ status: 'closed' });
    const list = await ok<{ items: { id: string }[] }>(get(w.officer, `/api/vaccination/sessions?siteId=${w.siteId}&status=closed`), 200);
    expect(list.items.map((i) => i.id)).toEqual([s.id]);
  });

  it('replays a session created again with the same id, and links only a shift of the same site', async () => {
    const day = new Date(Date.now() + 3 * 86_400_000);
    const shift = await ok<{ id: string }>(post(w.staff, `/api/vaccination/sites/${w.siteId}/shifts`, { startsAt: local(day), endsAt: local(new Date(day.getTime() + 4 * 3_600_000)), members: [] }));
    const body = { id: uuid(), siteId: w.siteId, startsAt: local(day), endsAt: local(new Date(day.getTime() + 4 * 3_600_000)), vaccines: ['pfizer', 'moderna'], capacity: 80, shiftId: shift.id };
    const created = await ok<{ id: string; shiftId: string; vaccines: string[] }>(post(w.staff, '/api/vaccination/sessions', body));
    expect(created).toMatchObject({ id: body.id, shiftId: shift.id, vaccines: ['pfizer', 'moderna'] });
    expect(await ok(post(w.staff, '/api/vaccination/sessions', body), 200)).toMatchObject({ id: body.id });
    const other = await ok<{ id: string }>(post(w.national, '/api/vaccination/sites', {
      kind: 'mobile', name: 'Điểm tiêm lưu động', areaCode: BA_DINH, capacityPerHour: 30, openingDays: [1], opensAt: '07:00', closesAt: '11:00',
    }));
    const foreign = await post(w.staff, '/api/vaccination/sessions', { ...body, id: uuid(), siteId: other.id });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().field).toBe('shiftId');
  });

  it('cancels a planned session with a reason', async () => {
    const s = await ok<{ id: string }>(post(w.staff, '/api/vaccination/sessions', {
      siteId: w.siteId, startsAt: local(new Date(Date.now() + 86_400_000)), endsAt: local(new Date(Date.now() + 90_000_000)), vaccines: ['pfizer'], capacity: 100,
    }));
    expect((await post(w.staff, `/api/vaccination/sessions/${s.id}/cancel`, {})).statusCode).toBe(400);
    expect(await ok(post(w.staff, `/api/vaccination/sessions/${s.id}/cancel`, { reason: 'Mưa bão' }), 200)).toMatchObject({ status: 'cancelled', cancelReason: 'Mưa bão' });
  });
});

describe('the citizen', () => {
  it('reads their own history', async () => {
    await ok(dose(doseBody(w, w.citizenPersonId, 'janssen')));
    const h = await ok<{ personId: string; doses: unknown[]; status: { primaryComplete: boolean } }>(get(w.citizen, '/api/me/vaccination/history'), 200);
    expect(h).toMatchObject({ personId: w.citizenPersonId, status: { primaryComplete: true } });
    expect(h.doses).toHaveLength(1);
    expect((await get(w.citizen, `/api/vaccination/people/${w.citizenPersonId}/history`)).statusCode).toBe(403);
  });
});
