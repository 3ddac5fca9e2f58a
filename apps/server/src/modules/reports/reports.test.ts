import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, uuidv7 } from '@sen/db';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { createSite } from '../vaccination/sites.fixtures';
import { BA_DINH, createLot, NGOC_HA, THU_DAU_MOT } from '../vaccination/vaccination.fixtures';
import { foldReports } from './fold';

/*
 * Doses are inserted straight into the doses table (the contract of migration 0011) rather than through the dose
 * API: the rollups are fed by triggers on the table, so every path that stores a dose (site, sync, backfill,
 * review) is covered the same way. Each expectation is compared with a GROUP BY over the raw rows.
 */
let t: TestApp;
let national: string;
let provinceHN: string; // province officer of Hà Nội (01)
let communeBD: string; // commune officer of Ba Đình
let staffBD: string; // vaccination staff of Ba Đình: no reports:read
const paths: Record<string, string> = {};
let siteBD: string;
let lotId: string;

const VACCINES = ['astrazeneca', 'pfizer', 'moderna', 'verocell'];
const DAYS = ['2021-08-01', '2021-08-02', '2021-08-03', '2021-08-05'];
let serial = 0;

async function person(commune: string): Promise<string> {
  const id = uuidv7();
  serial += 1;
  await sql`INSERT INTO people (id, full_name, search_name, commune_code, area_path) VALUES (${id}, ${`Nguyễn Văn ${serial}`}, ${`nguyen van ${serial}`}, ${commune}, ${paths[commune]}::ltree)`.execute(t.conn.db);
  return id;
}

interface DoseSpec { commune: string; home?: string; day: string; vaccine: string; kind?: 'primary' | 'booster'; n?: number; full?: boolean; site?: string | null; lot?: string | null; personId?: string }

async function dose(d: DoseSpec): Promise<string> {
  const id = uuidv7();
  const pid = d.personId ?? (await person(d.home ?? d.commune));
  await sql`INSERT INTO doses (id, person_id, administered_at, administered_on, site_id, area_path, person_area_path, product, vaccine_code, dose_kind, dose_number,
      completes_series, catalog_version, request_hash, lot_id)
    VALUES (${id}, ${pid}, ${`${d.day} 10:00+07`}::timestamptz, ${d.day}::date, ${d.site ?? null}, ${paths[d.commune]}::ltree, ${paths[d.home ?? d.commune]}::ltree,
      ${`EU/${d.vaccine}`}, ${d.vaccine}, ${d.kind ?? 'primary'}, ${d.n ?? 1}, ${d.full ?? false}, '1', 'h', ${d.lot ?? null})`.execute(t.conn.db);
  return id;
}

const get = (cookie: string | null, url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { ...(cookie ? { cookie } : {}), ...headers } });
async function json<T = { rows: Record<string, unknown>[] }>(cookie: string, url: string): Promise<T> {
  const res = await get(cookie, url);
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}
const raw = async <R>(q: ReturnType<typeof sql<R>>) => (await q.execute(t.conn.db)).rows;
const asMap = (rows: Record<string, unknown>[], key: string, value: string) => Object.fromEntries(rows.map((r) => [String(r[key]), Number(r[value])]));

beforeAll(async () => {
  t = await createTestApp();
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  provinceHN = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
  communeBD = (await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }])).cookie;
  staffBD = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
  for (const r of await raw(sql<{ code: string; path: string }>`SELECT code, path::text AS path FROM areas WHERE code IN (${BA_DINH}, ${NGOC_HA}, ${THU_DAU_MOT})`)) paths[r.code] = r.path;
  siteBD = (await createSite(t, national, BA_DINH)).id;
  lotId = (await createLot(t, national, { vaccineCode: 'pfizer' })).id;
  // A spread of doses: three communes in two provinces, four days, four vaccines, primary 1-2 and boosters,
  // some given away from home (coverage counts by residence).
  let i = 0;
  for (const commune of [BA_DINH, NGOC_HA, THU_DAU_MOT]) {
    for (const day of DAYS) {
      for (const vaccine of VACCINES) {
        i += 1;
        await dose({ commune, day, vaccine, n: 1 + (i % 2), full: i % 2 === 1, site: commune === BA_DINH ? siteBD : null });
        if (i % 3 === 0) {
          // Boosters number on from the series (3 after two doses); every sixth person takes a second one, counted once.
          const boosted = await dose({ commune, home: commune === BA_DINH ? NGOC_HA : commune, day, vaccine, kind: 'booster', n: 3, lot: vaccine === 'pfizer' ? lotId : null });
          if (i % 6 === 0) {
            const personId = (await raw(sql<{ person_id: string }>`SELECT person_id FROM doses WHERE id = ${boosted}`))[0]!.person_id;
            const later = DAYS[(DAYS.indexOf(day) + 1) % DAYS.length]!;
            await dose({ commune, home: commune === BA_DINH ? NGOC_HA : commune, day: later, vaccine, kind: 'booster', n: 4, personId });
          }
        }
      }
    }
  }
});
afterAll(async () => {
  await t?.close();
});

/** The same answers computed from raw doses. */
const expected = {
  byDay: async (prefix: string, from = '2021-01-01', to = '2030-01-01') => asMap(await raw(sql<{ day: string; n: number }>`
    SELECT administered_on::text AS day, count(*)::int AS n FROM doses WHERE review_status <> 'rejected' AND area_path <@ ${prefix}::ltree
      AND administered_on BETWEEN ${from}::date AND ${to}::date GROUP BY 1`), 'day', 'n'),
  byVaccine: async (prefix: string) => asMap(await raw(sql<{ v: string; n: number }>`SELECT vaccine_code AS v, count(*)::int AS n FROM doses WHERE review_status <> 'rejected' AND area_path <@ ${prefix}::ltree GROUP BY 1`), 'v', 'n'),
  coverage: async (prefix: string) => (await raw(sql<{ code: string; first: number; full: number; booster: number }>`
    SELECT a.code, count(*) FILTER (WHERE dose_kind = 'primary' AND dose_number = 1)::int AS first, count(*) FILTER (WHERE completes_series)::int AS full,
           count(DISTINCT d.person_id) FILTER (WHERE dose_kind = 'booster')::int AS booster
      FROM doses d JOIN areas a ON a.path = subpath(d.person_area_path, 0, nlevel(${prefix}::ltree) + 1)
     WHERE review_status <> 'rejected' AND d.person_area_path <@ ${prefix}::ltree GROUP BY 1`)),
};
const reportByDay = async (cookie: string, query = '') => asMap((await json(cookie, `/api/reports/doses?by=day${query}`)).rows, 'day', 'doses');

describe('rollups', () => {
  it('answer exactly before folding, after folding, and after folding twice', async () => {
    const want = await expected.byDay('VN');
    expect(Object.values(want).reduce((a, b) => a + b, 0)).toBeGreaterThan(40);
    expect(await reportByDay(national)).toEqual(want); // nothing folded yet: all from the deltas
    expect(await foldReports(t.conn.db)).toBeGreaterThan(0);
    expect(Number((await raw(sql<{ n: number }>`SELECT count(*)::int AS n FROM report_dose_deltas`))[0]!.n)).toBe(0);
    expect(await reportByDay(national)).toEqual(want);
    expect(await foldReports(t.conn.db)).toBe(0);
    expect(await reportByDay(national)).toEqual(want);
    // More doses after a fold: part folded, part pending, still exact.
    await dose({ commune: NGOC_HA, day: DAYS[0]!, vaccine: 'pfizer' });
    await dose({ commune: THU_DAU_MOT, day: '2021-08-09', vaccine: 'moderna', n: 2, full: true });
    const after = await expected.byDay('VN');
    expect(after).not.toEqual(want);
    expect(await reportByDay(national)).toEqual(after);
    await foldReports(t.conn.db);
    expect(await reportByDay(national)).toEqual(after);
  });

  it('refuses to fold outside a REPEATABLE READ transaction (it could delete deltas it never read)', async () => {
    await dose({ commune: NGOC_HA, day: DAYS[2]!, vaccine: 'verocell' });
    await expect(sql`SELECT report_fold()`.execute(t.conn.db)).rejects.toThrow(/REPEATABLE READ/);
    expect(await reportByDay(national)).toEqual(await expected.byDay('VN'));
  });

  it('breaks doses down by area, vaccine, dose and site, with the period and vaccine filters', async () => {
    await foldReports(t.conn.db);
    await dose({ commune: BA_DINH, day: DAYS[1]!, vaccine: 'pfizer', site: siteBD }); // pending
    const byArea = (await json(national, '/api/reports/doses?by=area')).rows;
    const wantProvinces = asMap(await raw(sql<{ code: string; n: number }>`SELECT a.code, count(*)::int AS n FROM doses d JOIN areas a ON a.path = subpath(d.area_path, 0, 2) GROUP BY 1`), 'code', 'n');
    expect(asMap(byArea, 'areaCode', 'doses')).toEqual(wantProvinces);
    expect(asMap((await json(national, '/api/reports/doses?by=vaccine')).rows, 'vaccine', 'doses')).toEqual(await expected.byVaccine('VN'));
    const byDose = (await json(national, '/api/reports/doses?by=dose')).rows;
    const wantDose = await raw(sql<{ k: string; n: number; c: number }>`SELECT dose_kind AS k, dose_number AS n, count(*)::int AS c FROM doses GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(byDose.map((r) => [r.doseKind, r.doseNumber, r.doses])).toEqual(wantDose.map((r) => [r.k, r.n, r.c]));
    const bySite = (await json(national, '/api/reports/doses?by=site')).rows;
    const siteCount = (await raw(sql<{ n: number }>`SELECT count(*)::int AS n FROM doses WHERE site_id = ${siteBD}`))[0]!.n;
    expect(bySite).toEqual([expect.objectContaining({ siteId: siteBD, areaCode: BA_DINH, doses: siteCount })]);
    // Period and vaccine filters.
    expect(await reportByDay(national, `&from=${DAYS[1]}&to=${DAYS[2]}`)).toEqual(await expected.byDay('VN', DAYS[1], DAYS[2]));
    const pfizerDays = asMap(await raw(sql<{ day: string; n: number }>`SELECT administered_on::text AS day, count(*)::int AS n FROM doses WHERE vaccine_code = 'pfizer' GROUP BY 1`), 'day', 'n');
    expect(await reportByDay(national, '&vaccine=pfizer')).toEqual(pfizerDays);
  });

  it('counts coverage by residence against the population, and follows rejections and deletions', async () => {
    await sql`UPDATE areas SET population = 1000 WHERE code IN (${BA_DINH}, ${NGOC_HA})`.execute(t.conn.db);
    const check = async () => {
      const rows = (await json(provinceHN, '/api/reports/coverage')).rows;
      const want = await expected.coverage(paths[BA_DINH]!.split('.').slice(0, 2).join('.'));
      for (const w of want) expect(rows.find((r) => r.areaCode === w.code)).toMatchObject({ atLeastOneDose: w.first, fullSeries: w.full, booster: w.booster });
      return rows;
    };
    const rows = await check();
    const ngocHa = rows.find((r) => r.areaCode === NGOC_HA)!;
    expect(ngocHa.population).toBe(1000);
    expect(ngocHa.atLeastOneDosePct).toBe(Math.round((Number(ngocHa.atLeastOneDose) / 1000) * 10_000) / 100);
    // A backfill rejected by a reviewer stops counting; a deleted dose too.
    const backfill = await dose({ commune: NGOC_HA, day: DAYS[3]!, vaccine: 'astrazeneca' });
    await check();
    await foldReports(t.conn.db);
    await sql`UPDATE doses SET source = 'backfill', verified = false, review_status = 'rejected' WHERE id = ${backfill}`.execute(t.conn.db);
    await check();
    expect(await reportByDay(national)).toEqual(await expected.byDay('VN'));
    await foldReports(t.conn.db);
    await check();
    expect(await reportByDay(national)).toEqual(await expected.byDay('VN'));
  });

  it('counts concurrent inserts once, with folds running at the same time', async () => {
    const before = await expected.byDay('VN');
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      jobs.push(dose({ commune: [BA_DINH, NGOC_HA, THU_DAU_MOT][i % 3]!, day: DAYS[i % 4]!, vaccine: VACCINES[i % 4]!, n: 1 }));
      if (i % 8 === 0) jobs.push(foldReports(t.conn.db));
    }
    await Promise.all(jobs);
    const want = await expected.byDay('VN');
    expect(Object.values(want).reduce((a, b) => a + b, 0) - Object.values(before).reduce((a, b) => a + b, 0)).toBe(40);
    expect(await reportByDay(national)).toEqual(want);
    await Promise.all([foldReports(t.conn.db), foldReports(t.conn.db), foldReports(t.conn.db)]);
    expect(await reportByDay(national)).toEqual(want);
  });

  it('reports screenings not eligible by reason and adverse events per vaccine', async () => {
    const pid = await person(BA_DINH);
    const screen = (outcome: string, reasons: string[]) => sql`INSERT INTO screenings (id, person_id, area_path, screened_at, rule_set_version, outcome, reasons, request_hash)
      VALUES (${uuidv7()}, ${pid}, ${paths[BA_DINH]}::ltree, '2021-08-02 09:00+07', '1', ${outcome}, ${reasons}, 'h')`.execute(t.conn.db);
    await screen('eligible', []);
    await screen('defer', ['fever', 'high_bp']);
    await screen('defer', ['fever']);
    await screen('contraindicated', ['anaphylaxis']);
    await foldReports(t.conn.db);
    await screen('caution', ['fever']);
    const rows = (await json(communeBD, '/api/reports/screenings')).rows;
    expect(rows).toEqual([
      { outcome: 'eligible', reason: null, screenings: 1 },
      { outcome: 'caution', reason: null, screenings: 1 }, { outcome: 'caution', reason: 'fever', screenings: 1 },
      { outcome: 'defer', reason: null, screenings: 2 }, { outcome: 'defer', reason: 'fever', screenings: 2 }, { outcome: 'defer', reason: 'high_bp', screenings: 1 },
      { outcome: 'contraindicated', reason: null, screenings: 1 }, { outcome: 'contraindicated', reason: 'anaphylaxis', screenings: 1 },
    ]);
    const doseId = await dose({ commune: BA_DINH, day: DAYS[0]!, vaccine: 'moderna' });
    const aefi = (symptoms: string[], serious: boolean, severity: string) => sql`INSERT INTO adverse_events (id, dose_id, person_id, product, vaccine_code, area_path, onset_at, symptoms, serious, severity, outcome, request_hash)
      SELECT ${uuidv7()}, id, person_id, product, vaccine_code, area_path, '2021-08-01 11:00+07', ${symptoms}, ${serious}, ${severity}, 'recovered', 'h' FROM doses WHERE id = ${doseId}`.execute(t.conn.db);
    await aefi(['fever', 'headache'], false, 'mild');
    await aefi(['fever'], true, 'severe');
    await aefi(['rash', 'fever'], false, 'moderate');
    expect((await json(national, '/api/reports/adverse-events')).rows).toEqual([{ vaccine: 'moderna', events: 3, serious: 1, severe: 1, topSymptoms: 'fever 3; headache 1; rash 1' }]);
    expect((await json(national, '/api/reports/adverse-events?vaccine=pfizer')).rows).toEqual([]);
  });
});

describe('exports and access', () => {
  it('exports every table as CSV with a BOM and Vietnamese headers, by ?format=csv or Accept', async () => {
    for (const url of ['/api/reports/doses?by=area', '/api/reports/coverage', '/api/reports/screenings', '/api/reports/adverse-events', '/api/reports/attendance', '/api/reports/stock']) {
      const res = await get(national, `${url}${url.includes('?') ? '&' : '?'}format=csv`);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="sen-/);
      expect(res.body.charCodeAt(0)).toBe(0xfeff);
    }
    const res = await get(national, '/api/reports/doses?by=area', { accept: 'text/csv' });
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('Mã địa bàn (Area code),Địa bàn (Area),Số mũi tiêm (Doses)');
    const json = (await get(national, '/api/reports/doses?by=area')).json() as { rows: { areaCode: string; area: string; doses: number }[] };
    expect(lines.slice(1)).toEqual(json.rows.map((r) => `${r.areaCode},${r.area.includes(',') ? `"${r.area}"` : r.area},${r.doses}`));
  });

  it('limits every report to the caller\'s jurisdiction, both ways', async () => {
    // Commune officer of Ba Đình: their commune only.
    expect(await reportByDay(communeBD)).toEqual(await expected.byDay(paths[BA_DINH]!));
    expect((await get(communeBD, `/api/reports/doses?area=${NGOC_HA}`)).statusCode).toBe(404);
    expect((await get(communeBD, '/api/reports/coverage?area=01')).statusCode).toBe(404);
    // Province officer of Hà Nội: its communes, not Hồ Chí Minh.
    const hn = paths[BA_DINH]!.split('.').slice(0, 2).join('.');
    expect(await reportByDay(provinceHN)).toEqual(await expected.byDay(hn));
    const areas = (await json(provinceHN, '/api/reports/doses?by=area')).rows.map((r) => r.areaCode);
    expect(areas.sort()).toEqual([BA_DINH, NGOC_HA].sort());
    expect(await reportByDay(provinceHN, `&area=${NGOC_HA}`)).toEqual(await expected.byDay(paths[NGOC_HA]!));
    expect((await get(provinceHN, `/api/reports/doses?area=${THU_DAU_MOT}`)).statusCode).toBe(404);
    const dash = await json<{ totals: { doses: number }; coverageByArea: { areaCode: string }[] }>(provinceHN, '/api/reports/dashboard');
    expect(dash.totals.doses).toBe(Object.values(await expected.byDay(hn)).reduce((a, b) => a + b, 0));
    expect(dash.coverageByArea.map((c) => c.areaCode)).not.toContain(THU_DAU_MOT);
    // National: the whole country, coverage for every province on the map.
    const nat = await json<{ totals: { doses: number; atLeastOneDose: number }; coverageByArea: { areaCode: string }[]; dosesByDay: { day: string; primary: number; booster: number }[] }>(national, '/api/reports/dashboard');
    expect(nat.totals.doses).toBe(Object.values(await expected.byDay('VN')).reduce((a, b) => a + b, 0));
    expect(Object.fromEntries(nat.dosesByDay.map((d) => [d.day, d.primary + d.booster]))).toEqual(await expected.byDay('VN'));
    // No reports:read, or no session.
    expect((await get(staffBD, '/api/reports/doses')).statusCode).toBe(403);
    expect((await get(staffBD, '/api/reports/dashboard')).statusCode).toBe(403);
    expect((await get(null, '/api/reports/coverage')).statusCode).toBe(401);
  });

  it.each([
    ['from=2021-13-01', 'querystring.from'],
    ['to=yesterday', 'querystring.to'],
    ['from=2021-09-01&to=2021-08-01', 'querystring.from'],
    ['from=2000-01-01&to=2026-01-01', 'querystring.to'],
    ['vaccine=sinovac', 'querystring.vaccine'],
    ['area=VN.01;DROP', 'querystring.area'],
    ['format=xml', 'querystring.format'],
    ['by=province', 'querystring.by'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const res = await get(national, `/api/reports/doses?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect((res.json() as { errors: { field: string }[] }).errors[0]!.field).toBe(field);
  });

  it('traces a lot to the people who received it, paged and audited, within jurisdiction', async () => {
    const url = `/api/reports/lots/${lotId}/doses`;
    const all = (await raw(sql<{ id: string; person_id: string; area_path: string }>`SELECT id, person_id, area_path::text AS area_path FROM doses WHERE lot_id = ${lotId} ORDER BY id`));
    expect(all.length).toBeGreaterThan(2);
    const first = await get(national, `${url}?limit=2`);
    expect(first.statusCode).toBe(200);
    const page1 = first.json() as { rows: { doseId: string; personId: string; fullName: string }[]; nextAfter: string };
    expect(page1.rows.map((r) => r.doseId)).toEqual(all.slice(0, 2).map((d) => d.id));
    expect(page1.rows[0]!.fullName).toMatch(/^Nguyễn Văn/);
    const page2 = (await json<{ rows: { doseId: string }[] }>(national, `${url}?limit=1000&after=${page1.nextAfter}`)).rows;
    expect(page2.map((r) => r.doseId)).toEqual(all.slice(2).map((d) => d.id));
    const audit = await raw(sql<{ details: { personIds: string[] } }>`SELECT details FROM audit_log WHERE action = 'lot.trace_people' AND entity_id = ${lotId} ORDER BY at`);
    expect(audit[0]!.details.personIds).toEqual(all.slice(0, 2).map((d) => d.person_id));
    // Ba Đình staff (people:read + vaccination:read there) see Ba Đình's doses given to Ba Đình residents only.
    const theirs = (await json<{ rows: { doseId: string }[] }>(staffBD, url)).rows.map((r) => r.doseId);
    expect(theirs.length).toBeLessThan(all.length);
    for (const id of theirs) expect(all.find((d) => d.id === id)!.area_path).toBe(paths[BA_DINH]);
    expect((await get(staffBD, `${url}?format=csv`)).body.charCodeAt(0)).toBe(0xfeff);
    // A province officer has no... people:read and vaccination:read are both required; a commune officer has them.
    expect((await get(null, url)).statusCode).toBe(401);
    const tracer = (await signInAs(t, [{ role: 'tracer', areaCode: '01' }])).cookie; // people:read only
    expect((await get(tracer, url)).statusCode).toBe(403);
    expect((await get(national, `/api/reports/lots/${uuidv7()}/doses`)).statusCode).toBe(404);
    expect((await get(national, `${url}?limit=0`)).statusCode).toBe(400);
  });
});
