import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { shiftDay, vnToday } from '@sen/domain';
import { BODY_LIMIT } from '../../app';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, auditRows, BA_DINH, createPerson, NGOC_HA, THU_DAU_MOT } from '../people/people.fixtures';
import type { OutboxItem } from '../notifications/adapter';
import { deliverPendingNotifications } from '../notifications/deliver-notifications';
import { renderNotification } from '../notifications/templates';

/**
 * Health declarations: citizens for themselves, staff for a person; alerts only when the rules warn, seen by the
 * tracing team of the person's commune and no other; every route refused to the wrong people; hostile input
 * refused, naming the field, storing nothing.
 */
let t: TestApp;
const c: Record<string, string> = {};
const id: Record<string, string> = {};
const uuid = () => crypto.randomUUID();
const day = (offset: number) => shiftDay(vnToday(), offset);

beforeAll(async () => {
  t = await createTestApp();
  const sign = async (k: string, roles: { role: string; areaCode: string }[], personId?: string) => {
    c[k] = (await signInAs(t, roles, personId ? { personId } : {})).cookie;
  };
  await sign('national', [{ role: 'national_admin', areaCode: 'VN' }]);
  await sign('officer', [{ role: 'commune_officer', areaCode: BA_DINH }]);
  await sign('officerElsewhere', [{ role: 'commune_officer', areaCode: THU_DAU_MOT }]);
  await sign('vaccinator', [{ role: 'vaccination_staff', areaCode: BA_DINH }]);
  await sign('business', [{ role: 'business_admin', areaCode: BA_DINH }]);
  await sign('tracerBaDinh', [{ role: 'tracer', areaCode: BA_DINH }]);
  await sign('tracerNgocHa', [{ role: 'tracer', areaCode: NGOC_HA }]);
  await sign('tracerHanoi', [{ role: 'tracer', areaCode: '01' }]);
  await sign('tracerTdm', [{ role: 'tracer', areaCode: THU_DAU_MOT }]);
  id.p1 = (await createPerson(t, c.national!, { fullName: 'Lê Thị Mai', sex: 'female', communeCode: BA_DINH })).id;
  id.p2 = (await createPerson(t, c.national!, { fullName: 'Đỗ Văn Nam', sex: 'male', communeCode: BA_DINH })).id;
  id.p3 = (await createPerson(t, c.national!, { fullName: 'Phan Thị Thu', sex: 'female', communeCode: THU_DAU_MOT })).id;
  await sign('citizen1', [{ role: 'citizen', areaCode: 'VN' }], id.p1);
  await sign('citizen3', [{ role: 'citizen', areaCode: 'VN' }], id.p3);
});
afterAll(async () => {
  await t?.close();
});

const daily = (over: Record<string, unknown> = {}) => ({ kind: 'daily', id: uuid(), symptoms: [], exposures: [], ...over });
const declareSelf = (cookie: string, body: unknown) => api(t, cookie, 'POST', '/api/me/declarations', body);
async function count(table: 'health_declarations' | 'declaration_alerts'): Promise<number> {
  return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.conn.db)).rows[0]!.n;
}
async function alertIds(cookie: string): Promise<string[]> {
  const res = await api(t, cookie, 'GET', '/api/declaration-alerts');
  expect(res.statusCode).toBe(200);
  return res.json().items.map((a: { id: string }) => a.id);
}

describe('declarations raise alerts only when the rules warn', () => {
  it('no symptoms, or only non-warning symptoms: stored, no alert', async () => {
    const before = await count('declaration_alerts');
    for (const symptoms of [[], ['headache', 'fatigue']]) {
      const res = await declareSelf(c.citizen1!, daily({ symptoms }));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ personId: id.p1, kind: 'daily', warnings: [], alertId: null, onBehalf: false, declaredFor: vnToday() });
    }
    expect(await count('declaration_alerts')).toBe(before);
  });

  it('a warning symptom raises an alert for the tracing team of the commune, not another commune', async () => {
    const res = await declareSelf(c.citizen1!, daily({ symptoms: ['fever', 'headache'] }));
    expect(res.statusCode).toBe(201);
    expect(res.json().warnings).toEqual(['warning_symptoms']);
    const alertId = res.json().alertId;
    expect(alertId).toBeTruthy();
    expect(await alertIds(c.tracerBaDinh!)).toContain(alertId);
    expect(await alertIds(c.tracerHanoi!)).toContain(alertId);
    expect(await alertIds(c.tracerNgocHa!)).not.toContain(alertId);
    expect(await alertIds(c.tracerTdm!)).not.toContain(alertId);
    const listed = (await api(t, c.tracerBaDinh!, 'GET', '/api/declaration-alerts?status=open')).json().items.find((a: { id: string }) => a.id === alertId);
    expect(listed).toMatchObject({ personId: id.p1, fullName: 'Lê Thị Mai', reasons: ['warning_symptoms'], symptoms: ['fever', 'headache'], status: 'open', communeCode: BA_DINH });
    expect((await auditRows(t, 'declaration_alert.list')).length).toBeGreaterThan(0);
  });

  it('staff declare for a person: exposure to an F0 raises an alert; audited as on behalf', async () => {
    const res = await api(t, c.officer!, 'POST', `/api/people/${id.p2}/declarations`, daily({ exposures: ['f0_contact'] }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ personId: id.p2, warnings: ['exposure_f0'], onBehalf: true });
    const audit = await auditRows(t, 'declaration.create', id.p2);
    expect(audit.at(-1)!.details).toMatchObject({ declarationId: res.json().id, onBehalf: true, alertId: res.json().alertId });
    const other = await api(t, c.officer!, 'POST', `/api/people/${id.p2}/declarations`, daily({ exposures: ['symptomatic_contact'] }));
    expect(other.json().alertId).toBeNull();
  });

  it('travel from an area on the risk list (on a listed day) raises an alert at the home commune', async () => {
    const set = await t.app.inject({ method: 'PUT', url: '/api/risk-areas', headers: { cookie: c.tracerHanoi! }, payload: { areaCode: NGOC_HA, since: day(-10), until: day(-2) } });
    expect(set.statusCode).toBe(200);
    const travel = (from: string, travelDate: string) => ({ kind: 'domestic_travel', id: uuid(), fromAreaCode: from, toAreaCode: THU_DAU_MOT, vehicle: 'plane', vehicleNumber: 'VN 207', travelDate });
    const fromRisk = await declareSelf(c.citizen3!, travel(NGOC_HA, day(-3)));
    expect(fromRisk.statusCode).toBe(201);
    expect(fromRisk.json().warnings).toEqual(['travel_from_risk_area']);
    expect(await alertIds(c.tracerTdm!)).toContain(fromRisk.json().alertId);
    expect(await alertIds(c.tracerHanoi!)).not.toContain(fromRisk.json().alertId);
    // after the window, and from a neighbouring commune: no alert
    expect((await declareSelf(c.citizen3!, travel(NGOC_HA, day(-1)))).json().warnings).toEqual([]);
    expect((await declareSelf(c.citizen3!, travel(BA_DINH, day(-3)))).json().warnings).toEqual([]);
    // the daily form's "travelled from" is checked the same way
    const viaDaily = await declareSelf(c.citizen3!, daily({ travelledFrom: [{ areaCode: NGOC_HA, on: day(-4) }] }));
    expect(viaDaily.json().warnings).toEqual(['travel_from_risk_area']);
    // a tracer cannot list an area outside their jurisdiction
    const outside = await t.app.inject({ method: 'PUT', url: '/api/risk-areas', headers: { cookie: c.tracerTdm! }, payload: { areaCode: BA_DINH, since: day(-1) } });
    expect(outside.statusCode).toBe(403);
    const list = await api(t, c.citizen1!, 'GET', '/api/risk-areas');
    expect(list.json().items).toEqual([expect.objectContaining({ areaCode: NGOC_HA, since: day(-10), until: day(-2) })]);
  });

  it("each alert queues one message to the commune's tracing team, naming no one and no symptom", async () => {
    const outbox = () => t.conn.db.selectFrom('notification_outbox').select(['person_id', 'team', sql<string>`team_area_path::text`.as('team_area_path'), 'channel', 'template', 'params', 'dedupe_key']).where('template', '=', 'declarations.alert').execute();
    const before = (await outbox()).length;
    // No warning: no message.
    expect((await declareSelf(c.citizen1!, daily({ symptoms: ['headache'] }))).json().alertId).toBeNull();
    expect(await outbox()).toHaveLength(before);
    const body = daily({ symptoms: ['fever', 'loss_of_taste_smell'], exposures: ['f0_contact'] });
    const res = await declareSelf(c.citizen1!, body);
    const alertId = res.json().alertId as string;
    expect(alertId).toBeTruthy();
    // A retry of the same declaration neither raises a second alert nor queues a second message.
    expect((await declareSelf(c.citizen1!, body)).json().duplicate).toBe(true);
    const messages = (await outbox()).filter((m) => m.dedupe_key === `declaration-alert:${alertId}`);
    expect(messages).toHaveLength(1);
    const m = messages[0]!;
    expect(m).toMatchObject({ person_id: null, team: 'tracing', team_area_path: 'VN.01.00004', channel: 'app' });
    const text = renderNotification(m.template, (typeof m.params === 'string' ? JSON.parse(m.params) : m.params) as Record<string, string>);
    expect(text).toContain('Phường Ba Đình');
    expect(text).toContain(alertId.slice(-8));
    // Nothing about the person or their health: no name, no symptom or reason, in the text or its params.
    const stored = `${text} ${JSON.stringify(m.params)}`;
    for (const secret of ['Lê Thị Mai', 'Mai', id.p1!, 'fever', 'Sốt', 'loss_of_taste_smell', 'f0_contact', 'warning_symptoms', 'exposure_f0']) expect(stored).not.toContain(secret);
    // Another alert, another message; the delivery job hands it to the adapter addressed to the team.
    const second = await api(t, c.officer!, 'POST', `/api/people/${id.p2}/declarations`, daily({ symptoms: ['cough'] }));
    expect((await outbox()).length).toBe(before + 2);
    const delivered: OutboxItem[] = [];
    await deliverPendingNotifications(t.conn.db, { name: 'capture', deliver: async (item) => void delivered.push(item) });
    const ours = delivered.filter((d) => [alertId, second.json().alertId].includes(d.params.alertId));
    expect(ours.map((d) => [d.personId, d.team])).toEqual([
      [null, { name: 'tracing', areaPath: 'VN.01.00004' }],
      [null, { name: 'tracing', areaPath: 'VN.01.00004' }],
    ]);
  });

  it('entry declarations: no symptoms no alert; a cough raises one', async () => {
    const entry = (symptoms: string[]) => ({ kind: 'entry', id: uuid(), symptoms, country: 'KR', transport: 'flight', flightOrVehicle: 'VJ 963', arrivalDate: day(0), destinationCommuneCode: BA_DINH, countriesVisited: ['KR', 'JP'] });
    const quiet = await declareSelf(c.citizen1!, entry([]));
    expect(quiet.statusCode).toBe(201);
    expect(quiet.json()).toMatchObject({ alertId: null, answers: { country: 'KR', flightOrVehicle: 'VJ 963' } });
    expect((await declareSelf(c.citizen1!, entry(['cough']))).json().warnings).toEqual(['warning_symptoms']);
  });

  it('a retried declaration is stored once; a reused id for someone else is refused', async () => {
    const body = daily({ symptoms: ['cough'] });
    const first = await declareSelf(c.citizen1!, body);
    const [decls, alerts] = [await count('health_declarations'), await count('declaration_alerts')];
    const again = await declareSelf(c.citizen1!, body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, duplicate: true, alertId: first.json().alertId });
    expect([await count('health_declarations'), await count('declaration_alerts')]).toEqual([decls, alerts]);
    const stolen = await declareSelf(c.citizen3!, body);
    expect(stolen.statusCode).toBe(409);
    expect(stolen.json().code).toBe('id_in_use');
  });
});

describe('alerts: acknowledge and close', () => {
  it('forward only, with the version read; other communes and other roles refused', async () => {
    const res = await declareSelf(c.citizen1!, daily({ symptoms: ['breathlessness'] }));
    const alertId = res.json().alertId as string;
    const url = `/api/declaration-alerts/${alertId}`;
    expect((await api(t, c.tracerTdm!, 'PATCH', url, { version: 1, status: 'acknowledged' })).statusCode).toBe(404);
    expect((await api(t, c.tracerNgocHa!, 'PATCH', url, { version: 1, status: 'acknowledged' })).statusCode).toBe(404);
    expect((await api(t, c.officer!, 'PATCH', url, { version: 1, status: 'acknowledged' })).statusCode).toBe(403);
    expect((await api(t, c.citizen1!, 'PATCH', url, { version: 1, status: 'acknowledged' })).statusCode).toBe(403);
    expect((await api(t, null, 'PATCH', url, { version: 1, status: 'acknowledged' })).statusCode).toBe(401);
    const ack = await api(t, c.tracerBaDinh!, 'PATCH', url, { version: 1, status: 'acknowledged', note: 'Đã gọi điện, hẹn xét nghiệm' });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', version: 2, note: 'Đã gọi điện, hẹn xét nghiệm' });
    expect(ack.json().acknowledgedAt).toBeTruthy();
    const stale = await api(t, c.tracerBaDinh!, 'PATCH', url, { version: 1, status: 'closed' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('version_conflict');
    const closed = await api(t, c.tracerHanoi!, 'PATCH', url, { version: 2, status: 'closed' });
    expect(closed.json()).toMatchObject({ status: 'closed', version: 3 });
    const back = await api(t, c.tracerBaDinh!, 'PATCH', url, { version: 3, status: 'acknowledged' });
    expect(back.statusCode).toBe(409);
    expect(back.json().code).toBe('invalid_transition');
    expect((await api(t, c.tracerBaDinh!, 'PATCH', url, { version: 3, status: 'open' })).statusCode).toBe(400);
    expect((await api(t, c.tracerBaDinh!, 'GET', '/api/declaration-alerts?status=closed')).json().items.map((a: { id: string }) => a.id)).toContain(alertId);
    expect((await auditRows(t, 'declaration_alert.close', alertId)).length).toBe(1);
  });
});

describe('authorisation of every route', () => {
  it('reading declarations: the citizen their own, staff where the person lives (404 elsewhere); audited', async () => {
    expect((await api(t, c.citizen1!, 'GET', '/api/me/declarations')).json().items.length).toBeGreaterThan(0);
    const staff = await api(t, c.officer!, 'GET', `/api/people/${id.p1}/declarations`);
    expect(staff.statusCode).toBe(200);
    expect(staff.json().items.every((d: { personId: string }) => d.personId === id.p1)).toBe(true);
    expect((await api(t, c.vaccinator!, 'GET', `/api/people/${id.p1}/declarations`)).statusCode).toBe(200);
    expect((await api(t, c.officerElsewhere!, 'GET', `/api/people/${id.p1}/declarations`)).statusCode).toBe(404);
    expect((await api(t, c.business!, 'GET', `/api/people/${id.p1}/declarations`)).statusCode).toBe(403);
    expect((await api(t, c.citizen1!, 'GET', `/api/people/${id.p3}/declarations`)).statusCode).toBe(403);
    expect((await api(t, c.officer!, 'GET', '/api/me/declarations')).statusCode).toBe(403);
    expect((await api(t, null, 'GET', '/api/me/declarations')).statusCode).toBe(401);
    expect((await auditRows(t, 'declaration.read', id.p1)).length).toBeGreaterThanOrEqual(3);
  });

  it('declaring for a person needs people:write where they live', async () => {
    const before = await count('health_declarations');
    expect((await api(t, c.vaccinator!, 'POST', `/api/people/${id.p1}/declarations`, daily())).statusCode).toBe(403);
    expect((await api(t, c.officerElsewhere!, 'POST', `/api/people/${id.p1}/declarations`, daily())).statusCode).toBe(404);
    expect((await api(t, c.citizen1!, 'POST', `/api/people/${id.p1}/declarations`, daily())).statusCode).toBe(403);
    expect((await api(t, c.tracerBaDinh!, 'POST', `/api/people/${id.p1}/declarations`, daily())).statusCode).toBe(403);
    expect((await api(t, null, 'POST', `/api/people/${id.p1}/declarations`, daily())).statusCode).toBe(401);
    expect((await api(t, c.officer!, 'POST', '/api/me/declarations', daily())).statusCode).toBe(403);
    expect(await count('health_declarations')).toBe(before);
  });

  it('alerts list needs tracing:run; code lists and the risk list any signed-in user', async () => {
    expect((await api(t, c.officer!, 'GET', '/api/declaration-alerts')).statusCode).toBe(403);
    expect((await api(t, c.citizen1!, 'GET', '/api/declaration-alerts')).statusCode).toBe(403);
    expect((await api(t, null, 'GET', '/api/declaration-alerts')).statusCode).toBe(401);
    const codes = await api(t, c.citizen1!, 'GET', '/api/declarations/codes');
    expect(codes.json().symptoms).toContainEqual({ code: 'fever', vi: 'Sốt', en: 'Fever', warning: true });
    expect((await api(t, null, 'GET', '/api/declarations/codes')).statusCode).toBe(401);
    expect((await api(t, null, 'GET', '/api/risk-areas')).statusCode).toBe(401);
    const put = (cookie: string) => t.app.inject({ method: 'PUT', url: '/api/risk-areas', headers: { cookie }, payload: { areaCode: BA_DINH, since: day(-1) } });
    expect((await put(c.officer!)).statusCode).toBe(403);
    expect((await put(c.citizen1!)).statusCode).toBe(403);
  });
});

describe('hostile input', () => {
  it('is refused with the field named, storing nothing', async () => {
    const before = [await count('health_declarations'), await count('declaration_alerts')];
    const cases: [unknown, number, string, RegExp][] = [
      [daily({ symptoms: ['fever', 'zombie'] }), 400, 'invalid_request', /symptoms/],
      [daily({ symptoms: Array(25).fill('fever') }), 400, 'invalid_request', /symptoms/],
      [daily({ declaredFor: day(1) }), 400, 'date_in_future', /declaredFor/],
      [daily({ declaredFor: day(-2) }), 400, 'date_too_old', /declaredFor/],
      [daily({ declaredFor: '2026-02-30' }), 400, 'invalid_date', /declaredFor/],
      [daily({ travelledFrom: [{ areaCode: '99999', on: day(0) }] }), 400, 'unknown_area', /travelledFrom\.0\.areaCode/],
      [daily({ travelledFrom: [{ areaCode: NGOC_HA, on: day(-20) }] }), 400, 'date_too_old', /travelledFrom\.0\.on/],
      [daily({ extra: true }), 400, 'invalid_request', /extra|Unrecognized/],
      [daily({ id: 'not-a-uuid' }), 400, 'invalid_request', /id/],
      [{ kind: 'holiday', id: uuid() }, 400, 'invalid_request', /kind/],
      [{ kind: 'domestic_travel', id: uuid(), fromAreaCode: BA_DINH, toAreaCode: BA_DINH, vehicle: 'car', travelDate: day(0) }, 400, 'same_area', /toAreaCode/],
      [{ kind: 'domestic_travel', id: uuid(), fromAreaCode: BA_DINH, toAreaCode: NGOC_HA, vehicle: 'rocket', travelDate: day(0) }, 400, 'invalid_request', /vehicle/],
      [{ kind: 'domestic_travel', id: uuid(), fromAreaCode: BA_DINH, toAreaCode: NGOC_HA, vehicle: 'car', travelDate: day(60) }, 400, 'date_in_future', /travelDate/],
      [{ kind: 'entry', id: uuid(), country: 'VN', transport: 'flight', flightOrVehicle: 'VN1', arrivalDate: day(0), destinationCommuneCode: BA_DINH }, 400, 'invalid_country', /country/],
      [{ kind: 'entry', id: uuid(), country: 'KR', transport: 'flight', flightOrVehicle: 'VN1', arrivalDate: day(0), destinationCommuneCode: '01' }, 400, 'not_a_commune', /destinationCommuneCode/],
      [{ kind: 'entry', id: uuid(), country: 'kr', transport: 'flight', flightOrVehicle: 'VN1', arrivalDate: day(0), destinationCommuneCode: BA_DINH }, 400, 'invalid_request', /country/],
      [{ kind: 'entry', id: uuid(), country: 'KR', transport: 'flight', flightOrVehicle: '   ', arrivalDate: day(0), destinationCommuneCode: BA_DINH }, 400, 'invalid_flight', /flightOrVehicle/],
      [[1, 2], 400, 'invalid_request', /body|kind/],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await declareSelf(c.citizen1!, body);
      expect({ status: res.statusCode, code: res.json().code }, JSON.stringify(body).slice(0, 80)).toEqual({ status, code });
      expect(res.json().detail).toMatch(field);
    }
    const huge = await t.app.inject({ method: 'POST', url: '/api/me/declarations', headers: { cookie: c.citizen1!, 'content-type': 'application/json' }, payload: JSON.stringify(daily({ pad: 'x'.repeat(2_000_000) })) });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(huge.json()).toMatchObject({ status: 413, code: 'body_too_large', limit: BODY_LIMIT });
    expect(huge.json().detail).toBe(`The request body is larger than ${BODY_LIMIT} bytes`);
    expect((await api(t, c.tracerBaDinh!, 'GET', '/api/declaration-alerts?limit=100000')).statusCode).toBe(400);
    expect((await api(t, c.tracerBaDinh!, 'PATCH', `/api/declaration-alerts/${uuid()}`, { version: 1, status: 'closed' })).statusCode).toBe(404);
    expect([await count('health_declarations'), await count('declaration_alerts')]).toEqual(before);
  });
});
