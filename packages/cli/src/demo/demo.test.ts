import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@sen/db';
import { ageOn, checkNationalId, parsePartialDate, ROLES, searchForm, vnToday } from '@sen/domain';
import { createTestConnection } from '../../../../apps/server/src/testing/test-db';
import { DEMO_MODULES, runDemo } from './index';
import { cleanCounts, isCleanName } from './names';
import { generatePopulation, readCommunes, type DemoCommune, type GeneratedHousehold } from './population';

const COMMUNES: DemoCommune[] = [
  { code: '00004', path: 'VN.01.00004', name: 'Phường Ba Đình', unitType: 'Phường', provinceCode: '01' },
  { code: '00100', path: 'VN.01.00100', name: 'Xã Sóc Sơn', unitType: 'Xã', provinceCode: '01' },
  { code: '26734', path: 'VN.79.26734', name: 'Phường Sài Gòn', unitType: 'Phường', provinceCode: '79' },
  { code: '30000', path: 'VN.91.30000', name: 'Xã Mỹ Hoà', unitType: 'Xã', provinceCode: '91' },
];
const REF = new Date(Date.UTC(2026, 0, 1));

function collect(size: number, seed: number | string): GeneratedHousehold[] {
  return [...generatePopulation({ size, seed, communes: COMMUNES, referenceDate: REF, duplicateRate: 0.01 })];
}

describe('names', () => {
  it('drops mojibake and folds spellings that differ only in marks', () => {
    expect(isCleanName('Nguyễn')).toBe(true);
    expect(isCleanName('Buøi')).toBe(false);
    expect(isCleanName('Vuõ')).toBe(false);
    expect(isCleanName('Doãn')).toBe(true);
    expect(cleanCounts([['Lê', 10], ['Le', 2], ['Tuaán', 3], ['Hùynh', 1], ['Huỳnh', 5]])).toEqual([
      { name: 'Lê', weight: 12 },
      { name: 'Huỳnh', weight: 6 },
    ]);
  });
});

describe('generatePopulation', () => {
  const households = collect(5_000, 7);
  const people = households.flatMap((h) => h.people);

  it('is deterministic for a seed', () => {
    const again = collect(5_000, 7).flatMap((h) => h.people);
    expect(again).toEqual(people);
    const other = collect(200, 8).flatMap((h) => h.people);
    expect(other.slice(0, 20).map((p) => p.full_name)).not.toEqual(people.slice(0, 20).map((p) => p.full_name));
  });

  it('makes exactly the asked number of people, in households of 1 to 7', () => {
    expect(people).toHaveLength(5_000);
    for (const h of households) {
      const members = h.people.filter((p) => p.household_id === h.household.id);
      expect(members.length).toBeGreaterThanOrEqual(1);
      expect(members.length).toBeLessThanOrEqual(7);
      expect(members[0]!.household_role).toBe('head');
    }
  });

  it('makes valid rows', () => {
    for (const p of people) {
      expect(p.full_name).toBe(p.full_name.normalize('NFC'));
      expect(p.search_name).toBe(searchForm(p.full_name));
      expect(p.full_name.split(' ').length).toBeGreaterThanOrEqual(2);
      expect(parsePartialDate(p.birth_date, REF)).not.toBeNull();
      if (p.phone) expect(p.phone).toMatch(/^0[35789]\d{8}$/);
    }
  });

  it('gives CCCD numbers that agree with birth year and sex, each one once', () => {
    const byId = new Map(people.map((p) => [p.id, p]));
    const seen = new Set<string>();
    const ids = households.flatMap((h) => h.identifiers);
    expect(ids.filter((i) => i.kind === 'cccd').length).toBeGreaterThan(3_000);
    for (const id of ids) {
      expect(seen.has(`${id.kind}:${id.value}`)).toBe(false);
      seen.add(`${id.kind}:${id.value}`);
      const p = byId.get(id.person_id)!;
      const check = checkNationalId(id.kind, id.value, { birthYear: Number(p.birth_date.slice(0, 4)), sex: p.sex });
      expect(check).toEqual({ ok: true, value: id.value });
    }
  });

  it('plants known duplicates without their ID', () => {
    const dups = households.flatMap((h) => h.duplicates);
    expect(dups.length).toBeGreaterThan(10);
    const withIds = new Set(households.flatMap((h) => h.identifiers.map((i) => i.person_id)));
    for (const d of dups) expect(withIds.has(d.duplicateId)).toBe(false);
    expect(new Set(dups.map((d) => d.kind)).size).toBe(3);
  });
});

describe('loadDemoPopulation and runDemo', () => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await createTestConnection();
  });
  afterAll(async () => {
    await conn?.close();
  });

  it('loads people into the registry and creates one account per role, once', async () => {
    const communes = await readCommunes(conn);
    expect(communes.length).toBeGreaterThan(3_000);
    const first = await runDemo(conn, { people: 3_000, seed: 1 });
    expect(first.existingPeople).toBe(0);
    expect(first.loaded?.people).toBe(3_000);
    const counts = await conn.pool.query(`SELECT
      (SELECT count(*)::int FROM people) AS people,
      (SELECT count(*)::int FROM households) AS households,
      (SELECT count(*)::int FROM person_identifiers) AS ids,
      (SELECT count(*)::int FROM duplicate_candidates) AS dups,
      (SELECT population FROM areas WHERE code = 'VN') AS country,
      (SELECT count(*)::int FROM areas WHERE kind = 'commune' AND population IS NULL) AS without_population,
      (SELECT count(*)::int FROM areas WHERE kind = 'commune' AND (population_18_plus IS NULL OR population_50_plus IS NULL)) AS without_targets`);
    expect(counts.rows[0]).toMatchObject({ people: 3_000, households: first.loaded!.households, ids: first.loaded!.identifiers, without_population: 0, without_targets: 0 });
    // Target populations follow the synthetic people's ages: each province's shares of people aged 18+ and 50+
    // today (ages by the domain's ageOn) give its total, split among its communes by population (each within a
    // dose of its exact share); larger areas sum.
    const today = new Date(`${vnToday()}T00:00:00Z`);
    const mix = new Map<string, { n: number; a18: number; a50: number }>();
    for (const p of (await conn.pool.query<{ province: string; birth_date: string }>(`SELECT subpath(area_path, 0, 2)::text AS province, birth_date FROM people WHERE birth_date IS NOT NULL AND area_path IS NOT NULL`)).rows) {
      const age = ageOn(parsePartialDate(p.birth_date, new Date(8.64e15))!, today);
      const m = mix.get(p.province) ?? { n: 0, a18: 0, a50: 0 };
      mix.set(p.province, { n: m.n + 1, a18: m.a18 + (age >= 18 ? 1 : 0), a50: m.a50 + (age >= 50 ? 1 : 0) });
    }
    const all = [...mix.values()].reduce((s, m) => ({ n: s.n + m.n, a18: s.a18 + m.a18, a50: s.a50 + m.a50 }), { n: 0, a18: 0, a50: 0 });
    const areas = (await conn.pool.query<{ province: string; population: number; p18: number; p50: number }>(`
      SELECT subpath(path, 0, 2)::text AS province, population, population_18_plus AS p18, population_50_plus AS p50 FROM areas WHERE kind = 'commune'`)).rows;
    const provinces = new Map<string, { population: number; p18: number; p50: number }>();
    for (const a of areas) {
      const p = provinces.get(a.province) ?? { population: 0, p18: 0, p50: 0 };
      provinces.set(a.province, { population: p.population + a.population, p18: p.p18 + a.p18, p50: p.p50 + a.p50 });
    }
    for (const a of areas) {
      const m = mix.get(a.province) ?? all;
      // Within one of the commune's share of its province's rounded total (which is within half of the exact one).
      expect(Math.abs(a.p18 - (a.population * m.a18) / m.n)).toBeLessThan(1 + (0.5 * a.population) / provinces.get(a.province)!.population);
      expect(a.p50).toBeLessThanOrEqual(a.p18);
    }
    for (const [province, p] of provinces) {
      const m = mix.get(province) ?? all;
      expect([p.p18, p.p50], province).toEqual([Math.round((p.population * m.a18) / m.n), Math.round((p.population * m.a50) / m.n)]);
    }
    const country = (await conn.pool.query<{ p18: number; p50: number; pop: number }>(`SELECT population_18_plus AS p18, population_50_plus AS p50, population AS pop FROM areas WHERE code = 'VN'`)).rows[0]!;
    expect([country.p18, country.p50]).toEqual([areas.reduce((s, a) => s + a.p18, 0), areas.reduce((s, a) => s + a.p50, 0)]);
    expect(country.p50).toBeLessThan(country.p18);
    expect(country.p18).toBeLessThan(country.pop);
    expect(counts.rows[0].dups).toBeGreaterThan(0);
    expect(counts.rows[0].country).toBeGreaterThanOrEqual(3_000);

    expect(first.users.map((u) => u.role)).toEqual(ROLES.map((r) => r.code));
    expect(first.users.every((u) => u.created)).toBe(true);
    const byRole = new Map(first.users.map((u) => [u.role, u]));
    expect(byRole.get('national_admin')).toMatchObject({ username: 'admin', area: 'VN' });
    expect(byRole.get('province_officer')).toMatchObject({ username: 'tinh.hanoi', area: '01' });
    expect(byRole.get('commune_officer')).toMatchObject({ username: 'xa.badinh', area: '00004' });
    const citizen = await conn.pool.query(`SELECT u.person_id FROM users u WHERE u.username = 'nguoidan'`);
    expect(citizen.rows[0].person_id).toBeTruthy();
    // Every module's demo data comes after, in order; the campaign fits the stock even at this small size.
    expect(Object.keys(first.modules)).toEqual([...DEMO_MODULES]);
    expect(first.modules.vaccination).toMatchObject({ created: true });
    const doses = await conn.pool.query(`SELECT count(*)::int AS n FROM doses`);
    expect(doses.rows[0].n).toBeGreaterThan(1_000);

    const second = await runDemo(conn, { people: 3_000, seed: 1 });
    expect(second.loaded).toBeNull();
    expect(second.users.some((u) => u.created)).toBe(false);
    expect(second.modules.vaccination).toMatchObject({ created: false });
    expect((await conn.pool.query(`SELECT count(*)::int AS n FROM doses`)).rows[0].n).toBe(doses.rows[0].n);

    const more = await runDemo(conn, { people: 1_000, seed: 1, add: true });
    expect(more.loaded?.people).toBe(1_000);
    const total = await conn.pool.query(`SELECT count(*)::int AS n FROM people`);
    expect(total.rows[0].n).toBe(4_000);
  });
});
