import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app';
import { api } from './vaccination.fixtures';
import { backfillBody, buildWorld, doseBody, local, newPerson, tableCounts, uuid, vnDayAgo, type World } from './workflow.fixtures';

/** Malformed, oversized and hostile requests answer a clear 4xx naming the problem and store nothing. */
let t: TestApp;
let w: World;
let personId: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t);
  personId = await newPerson(t, w.national);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const long = (n: number) => 'ả'.repeat(n);
const fieldOf = (body: Record<string, unknown>) => String(body.field ?? (body.errors as { field: string }[] | undefined)?.[0]?.field ?? '');

type Case = [label: string, url: string, body: () => unknown, status: number, field: string];
const cases: Case[] = [
  ['dose: id not a UUID', '/api/vaccination/doses', () => ({ ...doseBody(w, personId, 'pfizer'), id: "1'; DROP TABLE doses; --" }), 400, 'body.id'],
  ['dose: unknown field', '/api/vaccination/doses', () => ({ ...doseBody(w, personId, 'pfizer'), doseNumber: 5 }), 400, 'body'],
  ['dose: no session nor site', '/api/vaccination/doses', () => ({ id: uuid(), personId, lotId: w.lots.pfizer }), 400, 'body.sessionId'],
  ['dose: administered in the future', '/api/vaccination/doses', () => doseBody(w, personId, 'pfizer', { administeredAt: new Date(Date.now() + 3_600_000).toISOString() }), 400, 'administeredAt'],
  ['dose: administered a month ago', '/api/vaccination/doses', () => doseBody(w, personId, 'pfizer', { administeredAt: new Date(Date.now() - 30 * 86_400_000).toISOString() }), 400, 'administeredAt'],
  ['dose: not a date', '/api/vaccination/doses', () => doseBody(w, personId, 'pfizer', { administeredAt: 'yesterday' }), 400, 'body.administeredAt'],
  ['dose: override reason too long', '/api/vaccination/doses', () => doseBody(w, personId, 'pfizer', { override: { reason: long(1001) } }), 400, 'body.override.reason'],
  ['dose: override reason with control characters', '/api/vaccination/doses', () => doseBody(w, personId, 'pfizer', { override: { reason: 'ok\u0000\u0007' } }), 400, 'override.reason'],
  ['dose: unknown person', '/api/vaccination/doses', () => doseBody(w, uuid(), 'pfizer'), 404, 'personId'],
  ['dose: component not a code', '/api/vaccination/doses', () => doseBody(w, personId, 'pfizer', { component: '<script>' }), 400, 'body.component'],
  ['screening: temperature of 60', '/api/vaccination/screenings', () => ({ id: uuid(), personId, sessionId: w.sessionId, vitals: { temperatureC: 60 } }), 400, 'vitals.temperatureC'],
  ['screening: diastolic above systolic', '/api/vaccination/screenings', () => ({ id: uuid(), personId, sessionId: w.sessionId, vitals: { systolic: 90, diastolic: 120 } }), 400, 'vitals.diastolic'],
  ['screening: vital as text', '/api/vaccination/screenings', () => ({ id: uuid(), personId, sessionId: w.sessionId, vitals: { pulse: '80' } }), 400, 'body.vitals.pulse'],
  ['screening: unknown answer', '/api/vaccination/screenings', () => ({ id: uuid(), personId, sessionId: w.sessionId, answers: { smoker: true } }), 400, 'body.answers'],
  ['screening: COVID after the screening', '/api/vaccination/screenings', () => ({ id: uuid(), personId, sessionId: w.sessionId, answers: { lastCovidOn: '2099-01-01' } }), 400, 'lastCovidOn'],
  ['arrival: both person and ID number', `/api/vaccination/sessions/SESSION/arrivals`, () => ({ id: uuid(), personId, idNumber: '001234567890' }), 400, 'body.personId'],
  ['arrival: ID number with SQL', `/api/vaccination/sessions/SESSION/arrivals`, () => ({ id: uuid(), idNumber: "' OR 1=1 --" }), 400, 'body.idNumber'],
  ['session: unknown vaccine', '/api/vaccination/sessions', () => ({ siteId: w.siteId, startsAt: local(new Date()), endsAt: local(new Date(Date.now() + 3_600_000)), vaccines: ['sputnik'], capacity: 5 }), 400, 'vaccines.0'],
  ['session: ends before it starts', '/api/vaccination/sessions', () => ({ siteId: w.siteId, startsAt: local(new Date(Date.now() + 3_600_000)), endsAt: local(new Date()), vaccines: ['pfizer'], capacity: 5 }), 400, 'endsAt'],
  ['session: 30 February', '/api/vaccination/sessions', () => ({ siteId: w.siteId, startsAt: '2027-02-30T08:00', endsAt: '2027-02-30T11:00', vaccines: ['pfizer'], capacity: 5 }), 400, 'startsAt'],
  ['session: capacity of a million', '/api/vaccination/sessions', () => ({ siteId: w.siteId, startsAt: local(new Date()), endsAt: local(new Date(Date.now() + 3_600_000)), vaccines: ['pfizer'], capacity: 1_000_000 }), 400, 'body.capacity'],
  ['backfill: 30 February', '/api/vaccination/backfills', () => backfillBody(personId, 'pfizer', 0, { administeredOn: '2021-02-30' }), 400, 'body.administeredOn'],
  ['backfill: in the future', '/api/vaccination/backfills', () => backfillBody(personId, 'pfizer', 0, { administeredOn: '2099-01-01' }), 400, 'administeredOn'],
  ['backfill: empty evidence', '/api/vaccination/backfills', () => backfillBody(personId, 'pfizer', 30, { evidenceNote: '   ' }), 400, 'evidenceNote'],
  ['backfill: evidence too long', '/api/vaccination/backfills', () => backfillBody(personId, 'pfizer', 30, { evidenceNote: long(2001) }), 400, 'body.evidenceNote'],
  ['backfill: vaccine with capitals', '/api/vaccination/backfills', () => backfillBody(personId, 'Pfizer', 30), 400, 'body.vaccineCode'],
  ['adverse event: unknown symptom', '/api/vaccination/adverse-events', () => ({ id: uuid(), doseId: uuid(), onsetAt: new Date().toISOString(), symptoms: ['zombie'], serious: false, severity: 'mild', outcome: 'recovered' }), 400, 'body.symptoms.0'],
  ['adverse event: no symptom', '/api/vaccination/adverse-events', () => ({ id: uuid(), doseId: uuid(), onsetAt: new Date().toISOString(), symptoms: [], serious: false, severity: 'mild', outcome: 'recovered' }), 400, 'body.symptoms'],
  ['sync: not a list', '/api/vaccination/sync', () => ({ doses: 'all of them' }), 400, 'body.doses'],
  ['body is an array', '/api/vaccination/doses', () => [doseBody(w, personId, 'pfizer')], 400, 'body'],
];

describe('hostile input', () => {
  it.each(cases)('%s: a 4xx naming the field, nothing stored', async (_label, url, body, status, field) => {
    const before = await tableCounts(t);
    const res = await api(t, w.staff, 'POST', url.replace('SESSION', w.sessionId), body());
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(fieldOf(res.json())).toBe(field);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('refuses an oversized body', async () => {
    const before = await tableCounts(t);
    const res = await api(t, w.staff, 'POST', '/api/vaccination/sync', { doses: [doseBody(w, personId, 'pfizer', { pad: 'x'.repeat(1_100_000) })] });
    expect(res.statusCode).toBe(413);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('refuses a malformed id in the path', async () => {
    const res = await api(t, w.staff, 'GET', "/api/vaccination/sessions/1'%20OR%201=1");
    expect(res.statusCode).toBe(400);
  });

  it('keeps a stored dose intact when a retry under its id carries a different body', async () => {
    const body = doseBody(w, personId, 'janssen');
    expect((await api(t, w.staff, 'POST', '/api/vaccination/doses', body)).statusCode).toBe(201);
    const res = await api(t, w.staff, 'POST', '/api/vaccination/doses', { ...body, override: { reason: 'ghi đè' } });
    expect(res.statusCode).toBe(409);
    const again = await api(t, w.staff, 'POST', '/api/vaccination/doses', body);
    expect(again.json()).toMatchObject({ id: body.id, overrideReason: null, doseNumber: 1 });
    expect(vnDayAgo(0)).toBe(again.json().administeredOn);
  });
});
