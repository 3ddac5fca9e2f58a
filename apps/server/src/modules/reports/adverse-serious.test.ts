import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, BA_DINH, NGOC_HA, ok, THU_DAU_MOT } from '../vaccination/vaccination.fixtures';
import { makePlace, newPerson, uuid, vnDayAgo, type Place } from '../vaccination/workflow.fixtures';

/*
 * Serious adverse events through the API: recorded at sites with their seriousness criteria, then listed for an
 * area by the reports, newest first, a page at a time, without names. Compared with the raw rows.
 */
let t: TestApp;
let national: string;
let provinceHN: string;
let communeBD: string;
const places: Record<string, Place> = {};
const recorded: { id: string; commune: string; serious: boolean; criteria: string[]; onsetAt: string; vaccine: string }[] = [];

async function aefi(commune: string, i: number, serious: boolean, criteria: string[], outcome = 'recovering') {
  const place = places[commune]!;
  const personId = await newPerson(t, national, commune);
  const vaccine = i % 2 ? 'pfizer' : 'astrazeneca';
  const dose = await ok<{ id: string; administeredAt: string }>(api(t, national, 'POST', '/api/vaccination/doses', { id: uuid(), personId, sessionId: place.sessionId, lotId: place.lots[vaccine] }));
  // Onsets a few seconds apart after the dose, in the order of i (never ahead of now by more than the API allows).
  const onsetAt = new Date(new Date(dose.administeredAt).getTime() + 1000 + i * 1000).toISOString();
  const body = { id: uuid(), doseId: dose.id, onsetAt, symptoms: serious ? ['anaphylaxis'] : ['fever'], serious, seriousCriteria: criteria, severity: serious ? 'severe' : 'mild', outcome };
  const event = await ok<{ id: string; seriousCriteria: string[] }>(api(t, national, 'POST', '/api/vaccination/adverse-events', body));
  expect(event.seriousCriteria).toEqual(criteria);
  recorded.push({ id: event.id, commune, serious, criteria, onsetAt, vaccine });
}

beforeAll(async () => {
  t = await createTestApp();
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  provinceHN = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
  communeBD = (await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }])).cookie;
  for (const commune of [BA_DINH, NGOC_HA, THU_DAU_MOT]) places[commune] = await makePlace(t, national, national, commune);
  let i = 0;
  for (const [commune, serious, criteria, outcome] of [
    [BA_DINH, true, ['hospitalisation'], 'recovered'], [BA_DINH, false, [], 'recovered'], [NGOC_HA, true, ['life_threatening', 'hospitalisation'], 'recovering'],
    [BA_DINH, true, ['death'], 'fatal'], [THU_DAU_MOT, true, ['disability'], 'recovered_with_sequelae'], [NGOC_HA, true, [], 'unknown'], [NGOC_HA, false, [], 'recovered'],
  ] as const) {
    i += 1;
    await aefi(commune, i, serious, [...criteria], outcome);
  }
}, 120_000);
afterAll(async () => {
  await t?.close();
});

interface Page { rows: Record<string, unknown>[]; hasMore: boolean; columns: { key: string }[] }
const list = (cookie: string, query = '') => ok<Page>(api(t, cookie, 'GET', `/api/reports/adverse-events/serious${query}`), 200);
/** What the list should hold for these communes: serious events, newest onset first. */
const want = (communes: string[]) => recorded.filter((r) => r.serious && communes.includes(r.commune)).sort((a, b) => b.onsetAt.localeCompare(a.onsetAt));

describe('seriousness criteria', () => {
  it('are stored with the event and only for a serious one', async () => {
    const rows = await sql<{ id: string; serious_criteria: string[] }>`SELECT id, serious_criteria FROM adverse_events`.execute(t.conn.db);
    expect(Object.fromEntries(rows.rows.map((r) => [r.id, r.serious_criteria]))).toEqual(Object.fromEntries(recorded.map((r) => [r.id, r.criteria])));
    const dose = (await sql<{ id: string }>`SELECT dose_id AS id FROM adverse_events LIMIT 1`.execute(t.conn.db)).rows[0]!.id;
    const before = recorded.length;
    for (const [extra, field] of [
      [{ serious: false, seriousCriteria: ['hospitalisation'] }, 'seriousCriteria'],
      [{ serious: true, seriousCriteria: ['hospital'] }, 'body.seriousCriteria.0'],
      [{ serious: true, seriousCriteria: ['death', 'death'] }, 'body.seriousCriteria'],
    ] as const) {
      const res = await api(t, national, 'POST', '/api/vaccination/adverse-events', { id: uuid(), doseId: dose, onsetAt: new Date().toISOString(), symptoms: ['fever'], severity: 'mild', outcome: 'recovered', ...extra });
      expect(res.statusCode, JSON.stringify(extra)).toBe(400);
      const problem = res.json() as { field?: string; errors?: { field: string }[] };
      expect([problem.field, ...(problem.errors ?? []).map((e) => e.field)]).toContain(field);
    }
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM adverse_events`.execute(t.conn.db)).rows[0]!.n).toBe(before);
  });
});

describe('the list of serious events', () => {
  it('lists the province\'s serious events newest first, with lot, criteria, outcome and commune, and no name', async () => {
    const page = await list(provinceHN);
    expect(page.rows.map((r) => r.eventId)).toEqual(want([BA_DINH, NGOC_HA]).map((r) => r.id));
    expect(page.hasMore).toBe(false);
    const lots = await sql<{ id: string; lot_number: string; code: string }>`
      SELECT e.id, d.lot_number, a.code FROM adverse_events e JOIN doses d ON d.id = e.dose_id JOIN areas a ON a.path = e.area_path`.execute(t.conn.db);
    const byId = new Map(lots.rows.map((r) => [r.id, r]));
    for (const row of page.rows) {
      const r = recorded.find((x) => x.id === row.eventId)!;
      expect(row).toMatchObject({
        vaccine: r.vaccine, seriousCriteria: r.criteria.join('; '), lotNumber: byId.get(r.id)!.lot_number, areaCode: r.commune, onsetDay: vnDayAgo(0), severity: 'severe',
      });
    }
    expect(page.rows.find((r) => r.seriousCriteria === 'death')).toMatchObject({ outcome: 'fatal' });
    // No one is named: no person id, name or birth date in the columns or the rows.
    const keys = [...page.columns.map((c) => c.key), ...page.rows.flatMap((r) => Object.keys(r))];
    expect(keys.filter((k) => /person|name|birth|phone/i.test(k))).toEqual([]);
  });

  it('pages with limit and offset, and is audited', async () => {
    const all = want([BA_DINH, NGOC_HA]).map((r) => r.id);
    const first = await list(provinceHN, '?limit=2');
    const second = await list(provinceHN, '?limit=2&offset=2');
    expect(first.hasMore).toBe(true);
    expect(second.hasMore).toBe(false);
    expect([...first.rows, ...second.rows].map((r) => r.eventId)).toEqual(all);
    const audit = await sql<{ details: { eventIds: string[]; offset: number } }>`SELECT details FROM audit_log WHERE action = 'report.serious_adverse_events' ORDER BY at DESC LIMIT 2`.execute(t.conn.db);
    expect(audit.rows.map((a) => a.details.eventIds)).toEqual([second.rows.map((r) => r.eventId), first.rows.map((r) => r.eventId)]);
  });

  it('keeps to the area, the period and the vaccine asked for', async () => {
    expect((await list(communeBD)).rows.map((r) => r.eventId)).toEqual(want([BA_DINH]).map((r) => r.id));
    expect((await list(national)).rows.map((r) => r.eventId)).toEqual(want([BA_DINH, NGOC_HA, THU_DAU_MOT]).map((r) => r.id));
    expect((await list(national, `?area=${NGOC_HA}`)).rows.map((r) => r.eventId)).toEqual(want([NGOC_HA]).map((r) => r.id));
    expect((await list(national, '?vaccine=pfizer')).rows.map((r) => r.eventId)).toEqual(want([BA_DINH, NGOC_HA, THU_DAU_MOT]).filter((r) => r.vaccine === 'pfizer').map((r) => r.id));
    expect((await list(national, `?to=${vnDayAgo(1)}`)).rows).toEqual([]);
    expect((await api(t, communeBD, 'GET', `/api/reports/adverse-events/serious?area=${NGOC_HA}`)).statusCode).toBe(404);
    expect((await api(t, national, 'GET', '/api/reports/adverse-events/serious?limit=0')).statusCode).toBe(400);
    const csv = await api(t, provinceHN, 'GET', '/api/reports/adverse-events/serious?format=csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.trimEnd().split('\r\n')).toHaveLength(1 + want([BA_DINH, NGOC_HA]).length);
  });
});
