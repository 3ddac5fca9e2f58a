import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, uuidv7 } from '@sen/db';
import { ageOn, parsePartialDate } from '@sen/domain';
import type { RequestContext } from '../../context';
import { NO_JOBS } from '../../jobs';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { actorFromToken } from '../access/sessions';
import { createSite } from '../vaccination/sites.fixtures';
import { BA_DINH, createLot, NGOC_HA, THU_DAU_MOT } from '../vaccination/vaccination.fixtures';
import { exportLotDoses } from './export-lot-doses';
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

/**
 * Birth dates cycled over the people: every age band, partial dates, an unknown one, and people who turn 18 or 50
 * during the days of the doses (2021-08-03 and 2021-08-04), so a band is the person's age on the day of the dose.
 */
const BIRTHS = ['1950-06-15', '1990', '2005-12-31', '1971-03-08', null, '2003-08-03', '1985-11', '1971-08-04', '1999-08-05', '1960-02-29'];

async function person(commune: string): Promise<string> {
  const id = uuidv7();
  serial += 1;
  await sql`INSERT INTO people (id, full_name, search_name, commune_code, area_path, birth_date)
    VALUES (${id}, ${`Nguyễn Văn ${serial}`}, ${`nguyen van ${serial}`}, ${commune}, ${paths[commune]}::ltree, ${BIRTHS[serial % BIRTHS.length]})`.execute(t.conn.db);
  return id;
}

/** The age band of a birth date on a day, by the domain's ageOn (the reference the SQL must agree with). */
function band(birth: string | null, day: string): 'under_18' | '18_49' | '50_plus' | 'unknown' {
  const parsed = birth ? parsePartialDate(birth, new Date(8.64e15)) : null;
  if (!parsed) return 'unknown';
  const age = ageOn(parsed, new Date(`${day}T00:00:00Z`));
  return age < 18 ? 'under_18' : age < 50 ? '18_49' : '50_plus';
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
  /**
   * Coverage per child area of `prefix` by residence, from the raw doses and people: all ages, adults (18+ on the
   * day of the dose) and over-50s; a booster counts the person once, in the band of their first booster.
   */
  coverage: async (prefix: string, until = '9999-12-31') => {
    const rows = await raw(sql<{ code: string; person_id: string; kind: string; n: number; full: boolean; day: string; birth: string | null }>`
      SELECT a.code, d.person_id, d.dose_kind AS kind, d.dose_number AS n, d.completes_series AS full, d.administered_on::text AS day, p.birth_date AS birth
        FROM doses d JOIN people p ON p.id = d.person_id JOIN areas a ON a.path = subpath(d.person_area_path, 0, nlevel(${prefix}::ltree) + 1)
       WHERE d.review_status <> 'rejected' AND d.person_area_path <@ ${prefix}::ltree`);
    const out = new Map<string, Record<string, number>>();
    const add = (code: string, stage: string, b: string) => {
      const c = out.get(code) ?? {};
      for (const [group, inIt] of [['all', true], ['adults', b === '18_49' || b === '50_plus'], ['over50', b === '50_plus']] as const) {
        if (inIt) c[`${group}.${stage}`] = (c[`${group}.${stage}`] ?? 0) + 1;
      }
      out.set(code, c);
    };
    const firstBooster = new Map<string, (typeof rows)[number]>();
    // Which booster is a person's first is decided over all their doses; the date then decides whether it counts yet.
    for (const r of rows) {
      if (r.kind === 'booster' && (!firstBooster.has(r.person_id) || firstBooster.get(r.person_id)!.n > r.n)) firstBooster.set(r.person_id, r);
      if (r.day > until) continue;
      if (r.kind === 'primary' && r.n === 1) add(r.code, 'first', band(r.birth, r.day));
      if (r.full) add(r.code, 'full', band(r.birth, r.day));
    }
    for (const r of firstBooster.values()) if (r.day <= until) add(r.code, 'booster', band(r.birth, r.day));
    return out;
  },
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

  it('splits the day series by site, dose, vaccine or area, and filters it by site, dose kind and dose number, from the rollups', async () => {
    await foldReports(t.conn.db);
    // Pending doses too: a booster at the site, a second dose elsewhere.
    await dose({ commune: BA_DINH, day: DAYS[2]!, vaccine: 'moderna', site: siteBD, kind: 'booster', n: 3 });
    await dose({ commune: NGOC_HA, day: DAYS[2]!, vaccine: 'moderna', n: 2, full: true });
    const rowsOf = async (query: string) => (await json<{ report: string; columns: { key: string }[]; rows: Record<string, unknown>[] }>(national, `/api/reports/doses?${query}`));
    const want = async (key: string, where = sql`true`) => asMap(await raw(sql<{ k: string; n: number }>`
      SELECT ${sql.raw(key)} AS k, count(*)::int AS n FROM doses d JOIN areas a ON a.path = subpath(d.area_path, 0, 2)
       WHERE d.review_status <> 'rejected' AND ${where} GROUP BY 1`), 'k', 'n');
    const keyed = (rows: Record<string, unknown>[], ...keys: string[]) => asMap(rows.map((r) => ({ ...r, k: keys.map((k) => r[k]).join('|') })), 'k', 'doses');

    const bySite = await rowsOf('by=day&split=site');
    expect(bySite.report).toBe('doses-by-day-and-site');
    expect(bySite.columns.map((c) => c.key)).toEqual(['day', 'siteId', 'site', 'areaCode', 'area', 'doses']);
    expect(keyed(bySite.rows, 'day', 'siteId')).toEqual(await want(`d.administered_on::text || '|' || d.site_id`, sql`d.site_id IS NOT NULL`));
    const byDose = await rowsOf('by=day&split=dose');
    expect(keyed(byDose.rows, 'day', 'doseKind', 'doseNumber')).toEqual(await want(`d.administered_on::text || '|' || d.dose_kind || '|' || d.dose_number`));
    expect(byDose.rows.map((r) => `${r.day}`)).toEqual([...byDose.rows.map((r) => `${r.day}`)].sort());
    expect(keyed((await rowsOf('by=day&split=vaccine')).rows, 'day', 'vaccine')).toEqual(await want(`d.administered_on::text || '|' || d.vaccine_code`));
    expect(keyed((await rowsOf('by=day&split=area')).rows, 'day', 'areaCode')).toEqual(await want(`d.administered_on::text || '|' || a.code`));

    // Filters on the day series, alone and together, with and without the site.
    const day = async (query: string) => keyed((await rowsOf(`by=day&${query}`)).rows, 'day');
    const byDay = (where: ReturnType<typeof sql>) => want('d.administered_on::text', where);
    expect(await day(`siteId=${siteBD}`)).toEqual(await byDay(sql`d.site_id = ${siteBD}`));
    expect(await day('doseKind=booster')).toEqual(await byDay(sql`d.dose_kind = 'booster'`));
    expect(await day('doseNumber=2')).toEqual(await byDay(sql`d.dose_number = 2`));
    expect(await day('doseKind=primary&doseNumber=1&vaccine=pfizer')).toEqual(await byDay(sql`d.dose_kind = 'primary' AND d.dose_number = 1 AND d.vaccine_code = 'pfizer'`));
    expect(await day(`siteId=${siteBD}&doseKind=booster`)).toEqual(await byDay(sql`d.site_id = ${siteBD} AND d.dose_kind = 'booster'`));
    expect(await day(`siteId=${siteBD}&doseNumber=1`)).toEqual(await byDay(sql`d.site_id = ${siteBD} AND d.dose_number = 1`));
    expect(await day(`siteId=${siteBD}&doseKind=primary&doseNumber=2&vaccine=astrazeneca`)).toEqual(await byDay(sql`d.site_id = ${siteBD} AND d.dose_kind = 'primary' AND d.dose_number = 2 AND d.vaccine_code = 'astrazeneca'`));
    expect(Object.keys(await day(`siteId=${siteBD}&doseKind=booster`)).length).toBeGreaterThan(0);
    const siteDose = await rowsOf(`by=day&split=dose&siteId=${siteBD}&doseKind=booster`);
    expect(keyed(siteDose.rows, 'day', 'doseKind', 'doseNumber')).toEqual(await want(`d.administered_on::text || '|' || d.dose_kind || '|' || d.dose_number`, sql`d.site_id = ${siteBD} AND d.dose_kind = 'booster'`));
    // Filters apply to the other breakdowns as well.
    expect(keyed((await rowsOf(`by=vaccine&siteId=${siteBD}&doseNumber=1`)).rows, 'vaccine')).toEqual(await want('d.vaccine_code', sql`d.site_id = ${siteBD} AND d.dose_number = 1`));
    // Nothing there: no rows, not an error.
    expect((await rowsOf(`by=day&siteId=${uuidv7()}`)).rows).toEqual([]);
    // Only a day series splits; malformed filters name themselves.
    for (const [query, field] of [['by=vaccine&split=site', 'querystring.split'], ['split=month', 'querystring.split'], ['siteId=site-1', 'querystring.siteId'], ['doseNumber=0', 'querystring.doseNumber'], ['doseKind=third', 'querystring.doseKind']]) {
      const res = await get(national, `/api/reports/doses?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect((res.json() as { errors: { field: string }[] }).errors[0]!.field).toBe(field);
    }
  });

  it('computes ages in SQL as the domain does, partial dates and leap days included', async () => {
    const births = ['2000-02-29', '2000-03-01', '2000-02', '2000', '1999-12-31', '2003-08-03', '1971-08-04'];
    const days = ['2021-02-28', '2021-03-01', '2021-08-02', '2021-08-03', '2021-08-04', '2020-02-29', '2000-01-01', '2021-12-31'];
    const got = await raw(sql<{ birth: string; day: string; age: number }>`
      SELECT b AS birth, d::text AS day, sen_age_on(b, d) AS age FROM unnest(${births}::text[]) b CROSS JOIN unnest(${days}::date[]) d`);
    expect(got).toHaveLength(births.length * days.length);
    for (const r of got) expect(r.age, `${r.birth} on ${r.day}`).toBe(ageOn(parsePartialDate(r.birth, new Date(8.64e15))!, new Date(`${r.day}T00:00:00Z`)));
  });

  it('counts coverage by residence and age band against the target populations, and follows rejections and deletions', async () => {
    const put = (code: string, body: unknown) => t.app.inject({ method: 'PUT', url: `/api/areas/${code}/population`, headers: { cookie: provinceHN }, payload: body as object });
    for (const code of [BA_DINH, NGOC_HA]) expect((await put(code, { population: 1000, population18Plus: 800, population50Plus: 250 })).statusCode).toBe(204);
    const check = async () => {
      const rows = (await json(provinceHN, '/api/reports/coverage')).rows;
      const want = await expected.coverage(paths[BA_DINH]!.split('.').slice(0, 2).join('.'));
      expect(want.size).toBeGreaterThan(0);
      for (const [code, w] of want) {
        expect(rows.find((r) => r.areaCode === code), code).toMatchObject({
          atLeastOneDose: w['all.first'] ?? 0, fullSeries: w['all.full'] ?? 0, booster: w['all.booster'] ?? 0,
          adults18PlusAtLeastOneDose: w['adults.first'] ?? 0, adults18PlusFullSeries: w['adults.full'] ?? 0, adults18PlusBooster: w['adults.booster'] ?? 0,
          over50AtLeastOneDose: w['over50.first'] ?? 0, over50FullSeries: w['over50.full'] ?? 0,
        });
      }
      return { rows, want };
    };
    const { rows, want } = await check();
    // The bands are not trivial: children, adults, over-50s and unknown ages are all there.
    const ngocHaWant = want.get(NGOC_HA)!;
    expect(ngocHaWant['all.first']!).toBeGreaterThan(ngocHaWant['adults.first']!);
    expect(ngocHaWant['adults.first']!).toBeGreaterThan(ngocHaWant['over50.first']!);
    expect(ngocHaWant['over50.first']!).toBeGreaterThan(0);
    const ngocHa = rows.find((r) => r.areaCode === NGOC_HA)!;
    expect(ngocHa).toMatchObject({ population: 1000, population18Plus: 800, population50Plus: 250 });
    expect(ngocHa.adults18PlusAtLeastOneDosePct).toBe(Math.round((Number(ngocHa.adults18PlusAtLeastOneDose) / 800) * 10_000) / 100);
    expect(ngocHa.over50FullSeriesPct).toBe(Math.round((Number(ngocHa.over50FullSeries) / 250) * 10_000) / 100);
    expect(ngocHa).not.toHaveProperty('atLeastOneDosePct');
    // The dashboard: the same figures per commune, and for the province against the sum of its communes' targets.
    const dash = await json<{ totals: Record<string, number | null>; coverageByArea: Record<string, unknown>[] }>(provinceHN, '/api/reports/dashboard');
    const total = (k: string) => [...want.values()].reduce((n, w) => n + (w[k] ?? 0), 0);
    expect(dash.totals).toMatchObject({
      population18Plus: 1600, population50Plus: 500, adults18PlusAtLeastOneDose: total('adults.first'), adults18PlusFullSeries: total('adults.full'),
      over50FullSeries: total('over50.full'), atLeastOneDose: total('all.first'),
      adults18PlusAtLeastOneDosePct: Math.round((total('adults.first') / 1600) * 10_000) / 100,
      over50FullSeriesPct: Math.round((total('over50.full') / 500) * 10_000) / 100,
    });
    expect(dash.coverageByArea.find((c) => c.areaCode === NGOC_HA)).toMatchObject({ population18Plus: 800, adults18PlusAtLeastOneDose: ngocHa.adults18PlusAtLeastOneDose, adults18PlusAtLeastOneDosePct: ngocHa.adults18PlusAtLeastOneDosePct });
    // No target population: no rate, never a rate of the whole population.
    const thuDauMot = (await json(national, `/api/reports/coverage?area=${paths[THU_DAU_MOT]!.split('.')[1]}`)).rows.find((r) => r.areaCode === THU_DAU_MOT)!;
    expect(thuDauMot.adults18PlusAtLeastOneDose).toBeGreaterThan(0);
    expect(thuDauMot.adults18PlusAtLeastOneDosePct).toBeNull();
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

  it('answers coverage as of a past day from the running totals less the days after it, folded or not', async () => {
    const province = paths[BA_DINH]!.split('.').slice(0, 2).join('.');
    const asOf = async (to: string) => {
      const rows = (await json(provinceHN, `/api/reports/coverage?to=${to}`)).rows;
      const want = await expected.coverage(province, to);
      for (const code of [BA_DINH, NGOC_HA]) {
        const w = want.get(code) ?? {};
        expect(rows.find((r) => r.areaCode === code), `${code} as of ${to}`).toMatchObject({
          atLeastOneDose: w['all.first'] ?? 0, fullSeries: w['all.full'] ?? 0, booster: w['all.booster'] ?? 0, adults18PlusAtLeastOneDose: w['adults.first'] ?? 0,
        });
      }
      return rows;
    };
    await foldReports(t.conn.db);
    const early = await asOf(DAYS[1]!);
    const late = await asOf(DAYS[3]!);
    // The days matter: later is more.
    expect(Number(late.find((r) => r.areaCode === NGOC_HA)!.atLeastOneDose)).toBeGreaterThan(Number(early.find((r) => r.areaCode === NGOC_HA)!.atLeastOneDose));
    // A dose not folded yet, on a day between: counted as of that day and after, not before.
    await dose({ commune: NGOC_HA, day: DAYS[2]!, vaccine: 'pfizer' });
    for (const day of [DAYS[1]!, DAYS[2]!, DAYS[3]!]) await asOf(day);
    await foldReports(t.conn.db);
    for (const day of [DAYS[1]!, DAYS[2]!, DAYS[3]!, '2030-01-01']) await asOf(day);
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

  describe('the full export of a lot (recall)', () => {
    const url = () => `/api/reports/lots/${lotId}/doses/export`;
    const exports = () => raw(sql<{ actor_user_id: string; details: { rows: number; lastDoseId: string | null } }>`
      SELECT actor_user_id, details FROM audit_log WHERE action = 'lot.export_people' AND entity_id = ${lotId} ORDER BY at, id`);
    const idsOf = (csv: string) => csv.split('\r\n').slice(1, -1).map((line) => line.split(',')[0]);
    const ctxOf = async (cookie: string): Promise<RequestContext> => ({ actor: await actorFromToken(t.conn.db, cookie.split('=')[1]!, 8), ip: null, requestId: null });
    const deps = () => ({ db: t.conn.db, config: t.config, jobs: NO_JOBS });

    it("is the lot's whole list as one CSV, the same bytes as the pages, audited once with the row count", async () => {
      const all = await raw(sql<{ id: string }>`SELECT id FROM doses WHERE lot_id = ${lotId} ORDER BY id`);
      const before = (await exports()).length;
      const res = await get(national, url());
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="sen-lot-doses-[\w.-]+\.csv"$/);
      expect(res.headers['x-row-count']).toBe(String(all.length));
      expect(res.body.charCodeAt(0)).toBe(0xfeff);
      expect(idsOf(res.body)).toEqual(all.map((d) => d.id));
      // The byte order mark, the header and each row exactly as the paged CSV writes them.
      expect(res.body).toBe((await get(national, `/api/reports/lots/${lotId}/doses?format=csv&limit=1000`)).body);
      const audit = (await exports()).slice(before);
      expect(audit).toHaveLength(1);
      expect(audit[0]!.details).toEqual({ rows: all.length, lastDoseId: all.at(-1)!.id });
    });

    it('reads the database a chunk at a time and holds to the doses stored when it began', async () => {
      const ctx = await ctxOf(national);
      const all = await raw(sql<{ id: string }>`SELECT id FROM doses WHERE lot_id = ${lotId} ORDER BY id`);
      const whole = (await get(national, url())).body;
      expect(all.length).toBeGreaterThan(2);
      // Chunks of 3: full ones and a shorter last one, the same file as one read.
      const pieces: string[] = [];
      for await (const piece of (await exportLotDoses(deps(), ctx, lotId, { chunkSize: 3 })).csv) pieces.push(piece);
      expect(pieces).toHaveLength(1 + Math.ceil(all.length / 3));
      expect(pieces.join('')).toBe(whole);
      // Chunks of 2, with a dose from the lot stored between two reads: it is not in this file, whose count stays true.
      const file = await exportLotDoses(deps(), ctx, lotId, { chunkSize: 2 });
      expect(file.rows).toBe(all.length);
      const reader = file.csv[Symbol.asyncIterator]();
      const read = [(await reader.next()).value as string, (await reader.next()).value as string];
      expect(read[0]).toBe(whole.slice(0, read[0]!.length));
      const late = await dose({ commune: NGOC_HA, day: '2021-08-05', vaccine: 'pfizer', kind: 'booster', n: 3, lot: lotId });
      for (let next = await reader.next(); !next.done; next = await reader.next()) read.push(next.value);
      expect(read).toHaveLength(1 + Math.ceil(all.length / 2));
      for (const piece of read.slice(1, -1)) expect(piece.split('\r\n').filter(Boolean)).toHaveLength(2);
      expect(read.join('')).toBe(whole);
      expect(idsOf(read.join(''))).not.toContain(late);
      expect(idsOf((await get(national, url())).body).at(-1)).toBe(late);
    });

    it('holds only what the reader may see, and is refused like the pages (nothing audited)', async () => {
      const mine = await raw(sql<{ id: string }>`SELECT d.id FROM doses d JOIN people p ON p.id = d.person_id
        WHERE d.lot_id = ${lotId} AND d.area_path <@ 'VN.01'::ltree AND p.area_path <@ 'VN.01'::ltree ORDER BY d.id`);
      const everyone = await raw(sql<{ id: string }>`SELECT id FROM doses WHERE lot_id = ${lotId}`);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.length).toBeLessThan(everyone.length);
      const res = await get(provinceHN, url());
      expect(res.statusCode).toBe(200);
      expect(idsOf(res.body)).toEqual(mine.map((d) => d.id));
      expect((await exports()).at(-1)!.details.rows).toBe(mine.length);

      const before = (await exports()).length;
      expect((await get(null, url())).statusCode).toBe(401);
      const tracer = (await signInAs(t, [{ role: 'tracer', areaCode: '01' }])).cookie; // people:read only
      expect((await get(tracer, url())).statusCode).toBe(403);
      expect((await get(national, `/api/reports/lots/${uuidv7()}/doses/export`)).statusCode).toBe(404);
      const bad = await get(national, '/api/reports/lots/not-a-lot/doses/export');
      expect(bad.statusCode).toBe(400);
      expect((bad.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('params.id');
      expect(await exports()).toHaveLength(before);
    });
  });
});
