import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { shiftDay, vnToday } from '@sen/domain';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { activeCatalog, catalogByVersion } from './catalog-store';
import { PRIORITY_GROUPS_2021 } from './priority-groups-seed';
import { api, BA_DINH, ok } from './vaccination.fixtures';

let t: TestApp;
let national: string;
let staff: string;
let province: string;
let citizen: string;

const put = (cookie: string | null, payload: unknown) => t.app.inject({ method: 'PUT', url: '/api/vaccination/priority-groups', headers: cookie ? { cookie } : {}, payload: payload as object });

/** Viet Nam days from today: a new catalog version may not start in the past. */
const dayFromToday = (n: number) => shiftDay(vnToday(), n);

interface VersionT { version: number; validFrom: string; vaccines: { code: string; minAgeYears: number; minIntervalDays: number }[]; booster: { maxBoosters: number } | null }

beforeAll(async () => {
  t = await createTestApp();
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  staff = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
  province = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
  citizen = (await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }])).cookie;
});
afterAll(async () => {
  await t?.close();
});

describe('catalog versions', () => {
  it('are seeded from the domain and readable by staff and citizens', async () => {
    const list = await ok<{ items: VersionT[] }>(api(t, staff, 'GET', '/api/vaccination/catalog/versions'), 200);
    expect(list.items.map((v) => [v.version, v.validFrom])).toEqual([[1, '2021-03-08'], [2, '2021-11-30']]);
    expect((await api(t, citizen, 'GET', '/api/vaccination/catalog/versions/2')).statusCode).toBe(200);
    expect((await api(t, null, 'GET', '/api/vaccination/catalog/versions')).statusCode).toBe(401);
    const hotline = (await signInAs(t, [{ role: 'hotline_operator', areaCode: '01' }])).cookie;
    expect((await api(t, hotline, 'GET', '/api/vaccination/catalog/versions')).statusCode).toBe(403);
    expect((await api(t, staff, 'GET', '/api/vaccination/catalog/versions/9')).statusCode).toBe(404);
    expect((await catalogByVersion(t.conn.db, '2'))?.booster?.maxBoosters).toBe(1);
    expect(await catalogByVersion(t.conn.db, 'x')).toBeNull();
  });

  it('lets only a national administrator add a version; earlier versions never change', async () => {
    const body = { validFrom: dayFromToday(0), source: 'Quyết định thử nghiệm', vaccineChanges: [{ code: 'pfizer', minAgeYears: 5 }], booster: { minIntervalDays: 120, recommendedIntervalDays: 120, products: ['pfizer', 'moderna'], minAgeYears: 18, maxBoosters: 2 } };
    for (const cookie of [staff, province, citizen]) expect((await api(t, cookie, 'POST', '/api/vaccination/catalog/versions', body)).statusCode).toBe(403);
    expect((await api(t, null, 'POST', '/api/vaccination/catalog/versions', body)).statusCode).toBe(401);
    const v3 = await ok<VersionT>(api(t, national, 'POST', '/api/vaccination/catalog/versions', body));
    expect(v3.version).toBe(3);
    expect(v3.vaccines.find((v) => v.code === 'pfizer')!.minAgeYears).toBe(5);
    expect(v3.vaccines.find((v) => v.code === 'astrazeneca')!.minIntervalDays).toBe(28);
    expect(v3.booster!.maxBoosters).toBe(2);
    const v2 = await ok<VersionT>(api(t, staff, 'GET', '/api/vaccination/catalog/versions/2'), 200);
    expect(v2.vaccines.find((v) => v.code === 'pfizer')!.minAgeYears).toBe(12);
    expect(v2.booster!.maxBoosters).toBe(1);
    // In force from today (Viet Nam), not a day earlier.
    expect((await activeCatalog(t.conn.db, new Date(`${dayFromToday(-1)}T12:00:00+07:00`))).version).toBe(2);
    expect((await activeCatalog(t.conn.db, new Date(`${dayFromToday(0)}T00:00:00+07:00`))).version).toBe(3);
    // Not even SQL can change a stored version.
    await expect(sql`UPDATE vaccine_catalog_versions SET source = 'edited' WHERE version = '2'`.execute(t.conn.db)).rejects.toThrow(/never change/);
    await expect(sql`DELETE FROM vaccine_catalog_versions WHERE version = '1'`.execute(t.conn.db)).rejects.toThrow(/never change/);
    const audit = await t.conn.db.selectFrom('audit_log').select('details').where('action', '=', 'catalog.version.create').execute();
    expect(audit).toHaveLength(1);
  });

  it.each([
    ['a start in the past (yesterday)', { validFrom: dayFromToday(-1) }, 'validFrom'],
    ['a start long past', { validFrom: '2022-06-01' }, 'validFrom'],
    ['a start on the day of the latest version', { validFrom: dayFromToday(0) }, 'validFrom'],
    ['a recommended interval below the minimum', { vaccineChanges: [{ code: 'astrazeneca', recommendedIntervalDays: 10 }] }, 'vaccines.0.recommendedIntervalDays'],
    ['a maximum age below the minimum', { vaccineChanges: [{ code: 'abdala', maxAgeYears: 10 }] }, 'vaccines.7.maxAgeYears'],
    ['components not matching the series', { vaccineChanges: [{ code: 'sputnikv', seriesDoses: 3 }] }, 'vaccines.4.components'],
    ['a change to an unknown vaccine', { vaccineChanges: [{ code: 'covaxin', minAgeYears: 18 }] }, 'vaccineChanges.0.code'],
    ['a booster product not in the catalog', { booster: { minIntervalDays: 90, recommendedIntervalDays: 90, products: ['covaxin'], minAgeYears: 18, maxBoosters: 1 } }, 'booster.products.0'],
    ['a mixed schedule naming an unknown vaccine', { mixedSchedules: [{ first: 'astrazeneca', then: ['covaxin'] }] }, 'mixedSchedules.0.then.0'],
    ['a vaccine added twice', { addVaccines: [{ code: 'pfizer', nameVi: 'P', nameEn: 'P', platform: 'mrna', dcc: { mp: 'X1', ma: 'Y', vp: 'Z' }, seriesDoses: 1, minIntervalDays: 0, recommendedIntervalDays: 0, recommendedIntervalMaxDays: 0, minAgeYears: 18, maxAgeYears: null, defaultDosesPerVial: 1, components: null }] }, 'vaccines.8.code'],
    ['negative days', { vaccineChanges: [{ code: 'pfizer', minIntervalDays: -1 }] }, 'body.vaccineChanges.0.minIntervalDays'],
    ['an unknown field', { deleteEverything: true }, 'body'],
    ['a huge source', { source: 'x'.repeat(501) }, 'body.source'],
    ['an impossible date', { validFrom: '2022-02-30' }, 'body.validFrom'],
  ])('refuses %s with 400, storing nothing', async (_label, extra, field) => {
    const before = (await t.conn.db.selectFrom('vaccine_catalog_versions').select('version').execute()).length;
    const res = await api(t, national, 'POST', '/api/vaccination/catalog/versions', { validFrom: dayFromToday(60), source: 'Thử', ...extra });
    expect(res.statusCode).toBe(400);
    const problem = res.json() as { errors?: { field: string }[]; field?: string };
    expect([problem.field, ...(problem.errors ?? []).map((e) => e.field)].some((f) => f?.startsWith(field))).toBe(true);
    expect((await t.conn.db.selectFrom('vaccine_catalog_versions').select('version').execute()).length).toBe(before);
  });
});

describe('priority groups', () => {
  it('are the 16 groups of Resolution 21/NQ-CP, in order, for anyone signed in', async () => {
    const res = await ok<{ items: { code: string; rank: number; nameVi: string }[] }>(api(t, citizen, 'GET', '/api/vaccination/priority-groups'), 200);
    expect(res.items).toHaveLength(16);
    expect(res.items.map((g) => g.rank)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(res.items[0]).toMatchObject({ code: 'G01', nameVi: PRIORITY_GROUPS_2021[0]!.nameVi });
    expect((await api(t, null, 'GET', '/api/vaccination/priority-groups')).statusCode).toBe(401);
  });

  it('can be reordered and renamed by a national administrator only, listing every group', async () => {
    const current = (await ok<{ items: { code: string; nameVi: string; nameEn: string; active: boolean }[] }>(api(t, staff, 'GET', '/api/vaccination/priority-groups'), 200)).items;
    const reordered = [current[7]!, ...current.filter((_, i) => i !== 7)].map((g) => ({ code: g.code, nameVi: g.nameVi, nameEn: g.nameEn, active: g.active }));
    reordered[0] = { ...reordered[0]!, nameVi: 'Người trên 65 tuổi và người có bệnh nền' };
    for (const cookie of [staff, province, citizen]) expect((await put(cookie, { groups: reordered })).statusCode).toBe(403);
    const res = await ok<{ items: { code: string; rank: number; nameVi: string }[] }>(put(national, { groups: reordered }), 200);
    expect(res.items.slice(0, 2).map((g) => [g.code, g.rank])).toEqual([['G08', 1], ['G01', 2]]);
    expect(res.items[0]!.nameVi).toBe('Người trên 65 tuổi và người có bệnh nền');
    const missing = await put(national, { groups: reordered.slice(1) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().missing).toEqual(['G08']);
    const twice = await put(national, { groups: [...reordered, reordered[0]] });
    expect(twice.statusCode).toBe(400);
    expect((await put(national, { groups: [{ code: 'bad code!', nameVi: 'x', nameEn: 'x' }] })).statusCode).toBe(400);
    // Unchanged by the refused requests; a restart's seed does not overwrite the edits.
    const { seedVaccinationReference } = await import('./seed-reference');
    await seedVaccinationReference(t.conn.db);
    const after = (await ok<{ items: { code: string; nameVi: string }[] }>(api(t, staff, 'GET', '/api/vaccination/priority-groups'), 200)).items;
    expect(after.slice(0, 2).map((g) => g.code)).toEqual(['G08', 'G01']);
    expect(after[0]!.nameVi).toBe('Người trên 65 tuổi và người có bệnh nền');
  });
});

describe('target lists', () => {
  it('are created in the jurisdiction and listed by it', async () => {
    const created = await api(t, staff, 'POST', '/api/vaccination/target-lists', { name: 'Danh sách', areaCode: BA_DINH });
    expect(created.statusCode).toBe(201);
    expect((await api(t, staff, 'POST', '/api/vaccination/target-lists', { name: 'Danh sách', areaCode: '00008' })).statusCode).toBe(403);
    expect((await api(t, province, 'POST', '/api/vaccination/target-lists', { name: 'Danh sách', areaCode: BA_DINH })).statusCode).toBe(403);
    expect((await api(t, staff, 'POST', '/api/vaccination/target-lists', { name: '\u0007', areaCode: BA_DINH })).statusCode).toBe(400);
    expect((await api(t, staff, 'POST', '/api/vaccination/target-lists', { name: 'x', areaCode: '99999' })).statusCode).toBe(400);
    const ids = async (cookie: string) => (await ok<{ items: { id: string }[] }>(api(t, cookie, 'GET', '/api/vaccination/target-lists'), 200)).items.map((l) => l.id);
    expect(await ids(province)).toContain(created.json().id);
    const other = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: '00008' }])).cookie;
    expect(await ids(other)).not.toContain(created.json().id);
    expect((await api(t, other, 'GET', `/api/vaccination/target-lists/${created.json().id}/entries`)).statusCode).toBe(404);
    expect((await api(t, citizen, 'GET', '/api/vaccination/target-lists')).statusCode).toBe(403);
  });
});
