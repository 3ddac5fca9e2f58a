import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { addStaff, call, createPerson, createShift, createSite, siteBody, siteRows, type ShiftOutT, type SiteOutT } from './sites.fixtures';
import { BA_DINH, createStore, NGOC_HA, ok } from './vaccination.fixtures';

let t: TestApp;
let national: string;
let staffA: string; // vaccination staff of Ba Đình

beforeAll(async () => {
  t = await createTestApp();
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  staffA = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
});
afterAll(async () => {
  await t?.close();
});

const audit = async (entityId: string) => (await t.conn.db.selectFrom('audit_log').select('action').where('entity_id', '=', entityId).orderBy('at').execute()).map((a) => a.action);

describe('sites', () => {
  it('creates, reads, lists with filters and edits a site with optimistic concurrency', async () => {
    const store = await createStore(t, staffA, 'site', BA_DINH);
    const site = await createSite(t, staffA, BA_DINH, { name: '  Điểm tiêm Trường THCS  ', openingDays: [6, 1, 3], storeId: store.id });
    expect(site).toMatchObject({ kind: 'fixed', name: 'Điểm tiêm Trường THCS', areaCode: BA_DINH, openingDays: [1, 3, 6], opensAt: '07:30', closesAt: '17:00', capacityPerHour: 60, storeId: store.id, active: true, version: 1 });
    expect(await ok(call(t, staffA, 'GET', `/api/vaccination/sites/${site.id}`), 200)).toEqual(site);
    const mobile = await createSite(t, national, NGOC_HA, { kind: 'mobile', active: false });

    const ids = async (query: string) => (await ok<{ items: { id: string }[] }>(call(t, national, 'GET', `/api/vaccination/sites${query}`), 200)).items.map((s) => s.id);
    expect(await ids(`?area=${BA_DINH}`)).toContain(site.id);
    expect(await ids(`?area=${BA_DINH}`)).not.toContain(mobile.id);
    expect(await ids('?kind=mobile')).toEqual([mobile.id]);
    expect(await ids('?active=false')).toEqual([mobile.id]);
    expect(await ids('?active=true')).not.toContain(mobile.id);
    // Staff of Ba Đình see only their commune's sites.
    const theirs = (await ok<{ items: { id: string }[] }>(call(t, staffA, 'GET', '/api/vaccination/sites'), 200)).items.map((s) => s.id);
    expect(theirs).toContain(site.id);
    expect(theirs).not.toContain(mobile.id);

    const edited = await ok<SiteOutT>(call(t, staffA, 'PATCH', `/api/vaccination/sites/${site.id}`, { version: 1, capacityPerHour: 120, kind: 'hospital', active: false }), 200);
    expect(edited).toMatchObject({ capacityPerHour: 120, kind: 'hospital', active: false, version: 2, openingDays: [1, 3, 6] });
    const stale = await call(t, national, 'PATCH', `/api/vaccination/sites/${site.id}`, { version: 1, capacityPerHour: 5 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    expect((await ok<SiteOutT>(call(t, staffA, 'GET', `/api/vaccination/sites/${site.id}`), 200)).capacityPerHour).toBe(120);
    expect(await audit(site.id)).toEqual(['site.create', 'site.update']);
  });

  it.each([
    ['a province, not a commune', { areaCode: '01' }, 'areaCode'],
    ['an unknown area', { areaCode: '99999' }, 'areaCode'],
    ['capacity 0', { capacityPerHour: 0 }, 'body.capacityPerHour'],
    ['capacity above 10,000', { capacityPerHour: 10_001 }, 'body.capacityPerHour'],
    ['weekday 0', { openingDays: [0, 1] }, 'body.openingDays.0'],
    ['weekday 8', { openingDays: [8] }, 'body.openingDays.0'],
    ['a weekday twice', { openingDays: [1, 1] }, 'body.openingDays'],
    ['no opening day', { openingDays: [] }, 'body.openingDays'],
    ['hour 25', { opensAt: '25:00' }, 'body.opensAt'],
    ['closing before opening', { opensAt: '17:00', closesAt: '07:00' }, 'closesAt'],
    ['an empty name', { name: '   ' }, 'name'],
    ['an unknown field', { capacity: 3 }, 'body'],
  ])('refuses %s with a 400 naming the field, storing nothing', async (_label, extra, field) => {
    const before = await siteRows(t);
    const res = await call(t, national, 'POST', '/api/vaccination/sites', siteBody(BA_DINH, extra));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors[0].field).toBe(field);
    expect(await siteRows(t)).toEqual(before);
  });

  it("links only a site-level store of the site's commune", async () => {
    const communeStore = await createStore(t, national, 'commune', BA_DINH);
    const otherCommune = await createStore(t, national, 'site', NGOC_HA);
    for (const storeId of [communeStore.id, otherCommune.id]) {
      const res = await call(t, national, 'POST', '/api/vaccination/sites', siteBody(BA_DINH, { storeId }));
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('storeId');
    }
    const site = await createSite(t, national, BA_DINH);
    const bad = await call(t, national, 'PATCH', `/api/vaccination/sites/${site.id}`, { version: 1, opensAt: '18:00' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('closesAt');
  });
});

describe('shifts', () => {
  let siteA: SiteOutT;
  let siteB: SiteOutT;
  const people: Record<string, string> = {};

  beforeAll(async () => {
    siteA = await createSite(t, national, BA_DINH);
    siteB = await createSite(t, national, NGOC_HA);
    for (const [key, role] of [['vacc', 'vaccinator'], ['screen', 'screener'], ['obs', 'observer'], ['p', 'vaccinator'], ['q', 'recorder']] as const) {
      people[key] = await createPerson(t, national, BA_DINH);
      await addStaff(t, national, siteA.id, people[key]!, role);
      await addStaff(t, national, siteB.id, people[key]!, role);
    }
  });

  it('reports completeness: a vaccinator and a screener are needed, and says what is missing', async () => {
    const full = await createShift(t, national, siteA.id, '2026-03-02T07:00', '2026-03-02T11:00', [{ personId: people.vacc! }, { personId: people.screen! }, { personId: people.obs! }]);
    expect(full).toMatchObject({ complete: true, missing: [], date: '2026-03-02', localStart: '2026-03-02T07:00', localEnd: '2026-03-02T11:00', startsAt: '2026-03-02T00:00:00.000Z' });
    expect(full.members.map((m) => [m.personId, m.role])).toEqual([[people.vacc, 'vaccinator'], [people.screen, 'screener'], [people.obs, 'observer']]);
    const noScreener = await createShift(t, national, siteA.id, '2026-03-03T07:00', '2026-03-03T11:00', [{ personId: people.vacc! }]);
    expect(noScreener).toMatchObject({ complete: false, missing: ['screener'] });
    const asScreener = await createShift(t, national, siteA.id, '2026-03-04T07:00', '2026-03-04T11:00', [{ personId: people.vacc!, role: 'screener' }]);
    expect(asScreener).toMatchObject({ complete: false, missing: ['vaccinator'] });
    const empty = await createShift(t, national, siteA.id, '2026-03-05T07:00', '2026-03-05T11:00');
    expect(empty).toMatchObject({ complete: false, missing: ['vaccinator', 'screener'] });
    expect(await audit(full.id)).toEqual(['shift.create']);
  });

  it('refuses bad windows and members who are not staff, naming the field', async () => {
    const stranger = await createPerson(t, national, BA_DINH);
    const cases: [Record<string, unknown>, string][] = [
      [{ startsAt: '2026-04-01T12:00', endsAt: '2026-04-01T12:00' }, 'endsAt'],
      [{ startsAt: '2026-04-01T12:00', endsAt: '2026-04-01T08:00' }, 'endsAt'],
      [{ startsAt: '2026-04-01T08:00', endsAt: '2026-04-02T08:01' }, 'endsAt'],
      [{ startsAt: '2026-02-30T08:00', endsAt: '2026-03-01T08:00' }, 'startsAt'],
      [{ startsAt: '2026-04-01 08:00', endsAt: '2026-04-01T12:00' }, 'body.startsAt'],
      [{ startsAt: '2026-04-01T08:00', endsAt: '2026-04-01T12:00', members: [{ personId: stranger }] }, 'members.0.personId'],
      [{ startsAt: '2026-04-01T08:00', endsAt: '2026-04-01T12:00', members: [{ personId: people.q }, { personId: people.q }] }, 'members.1.personId'],
      [{ startsAt: '2026-04-01T08:00', endsAt: '2026-04-01T12:00', members: [{ personId: people.q, role: 'boss' }] }, 'body.members.0.role'],
    ];
    const before = await siteRows(t);
    for (const [body, field] of cases) {
      const res = await call(t, national, 'POST', `/api/vaccination/sites/${siteA.id}/shifts`, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].field).toBe(field);
    }
    expect(await siteRows(t)).toEqual(before);
    // 24 hours exactly, across midnight: allowed, dated by its start in Viet Nam.
    const night = await createShift(t, national, siteA.id, '2026-04-01T22:00', '2026-04-02T22:00');
    expect(night).toMatchObject({ date: '2026-04-01', startsAt: '2026-04-01T15:00:00.000Z', endsAt: '2026-04-02T15:00:00.000Z' });
  });

  it('refuses one person in two overlapping shifts at two sites (409 naming the other shift); touching windows are fine', async () => {
    const first = await createShift(t, national, siteA.id, '2026-05-01T08:00', '2026-05-01T12:00', [{ personId: people.p! }, { personId: people.screen! }]);
    const before = await siteRows(t);
    const clash = await call(t, national, 'POST', `/api/vaccination/sites/${siteB.id}/shifts`, { startsAt: '2026-05-01T11:00', endsAt: '2026-05-01T13:00', members: [{ personId: people.q }, { personId: people.p }] });
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'shift_conflict', otherShiftId: first.id, personId: people.p });
    expect(await siteRows(t)).toEqual(before);
    // Same site too.
    const sameSite = await call(t, national, 'POST', `/api/vaccination/sites/${siteA.id}/shifts`, { startsAt: '2026-05-01T07:00', endsAt: '2026-05-01T08:30', members: [{ personId: people.p }] });
    expect(sameSite.json()).toMatchObject({ code: 'shift_conflict', otherShiftId: first.id });
    // Touching: one ends at 12:00, the next starts at 12:00; and one ending at 08:00.
    const after = await createShift(t, national, siteB.id, '2026-05-01T12:00', '2026-05-01T16:00', [{ personId: people.p! }]);
    const earlier = await createShift(t, national, siteB.id, '2026-05-01T06:00', '2026-05-01T08:00', [{ personId: people.p! }]);
    // Adding to an existing shift that overlaps: 409 naming it; the team is unchanged.
    const later = await createShift(t, national, siteA.id, '2026-05-01T15:00', '2026-05-01T18:00');
    const add = await call(t, national, 'POST', `/api/vaccination/shifts/${later.id}/members`, { personId: people.p });
    expect(add.statusCode).toBe(409);
    expect(add.json()).toMatchObject({ code: 'shift_conflict', otherShiftId: after.id });
    expect((await ok<ShiftOutT>(call(t, national, 'GET', `/api/vaccination/shifts/${later.id}`), 200)).members).toEqual([]);

    const mine = await ok<{ items: ShiftOutT[] }>(call(t, national, 'GET', `/api/vaccination/people/${people.p}/shifts?from=2026-05-01&to=2026-05-01`), 200);
    expect(mine.items.map((s) => s.id)).toEqual([earlier.id, first.id, after.id]);
    const atB = await ok<{ items: ShiftOutT[] }>(call(t, staffA, 'GET', `/api/vaccination/people/${people.p}/shifts?from=2026-05-01&to=2026-05-01`), 200);
    expect(atB.items.map((s) => s.id)).toEqual([first.id]); // staff of Ba Đình do not see Ngọc Hà's shifts
  });

  it('the database itself refuses an overlapping member row (exclusion constraint, 23P01)', async () => {
    const s1 = await createShift(t, national, siteA.id, '2026-06-01T08:00', '2026-06-01T12:00', [{ personId: people.q! }]);
    const s2 = await createShift(t, national, siteB.id, '2026-06-01T09:00', '2026-06-01T10:00');
    const insert = sql`INSERT INTO shift_members (shift_id, person_id, role, starts_at, ends_at) VALUES (${s2.id}, ${people.q}, 'recorder', ${s2.startsAt}::timestamptz, ${s2.endsAt}::timestamptz)`;
    await expect(insert.execute(t.conn.db)).rejects.toMatchObject({ code: '23P01' });
    expect(s1.members).toHaveLength(1);
  });

  it('concurrent assignments of one person to two overlapping shifts: exactly one wins', async () => {
    const x = await createShift(t, national, siteA.id, '2026-07-01T08:00', '2026-07-01T12:00');
    const y = await createShift(t, national, siteB.id, '2026-07-01T10:00', '2026-07-01T14:00');
    const adds = await Promise.all([x, y].map((s) => call(t, national, 'POST', `/api/vaccination/shifts/${s.id}/members`, { personId: people.obs })));
    expect(adds.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const loser = adds.find((r) => r.statusCode === 409)!.json();
    const winner = adds.find((r) => r.statusCode === 201)!.json() as ShiftOutT;
    expect(loser).toMatchObject({ code: 'shift_conflict', otherShiftId: winner.id });

    const creates = await Promise.all(['A', 'B'].map((k) => call(t, national, 'POST', `/api/vaccination/sites/${k === 'A' ? siteA.id : siteB.id}/shifts`, {
      startsAt: '2026-07-02T08:00', endsAt: '2026-07-02T12:00', members: [{ personId: people.q }],
    })));
    expect(creates.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const rows = await t.conn.db.selectFrom('shift_members').select('shift_id').where('person_id', '=', people.q!).where('starts_at', '=', new Date('2026-07-02T01:00:00Z')).execute();
    expect(rows).toHaveLength(1);
  });

  it('removing a member frees the slot, and the removal is audited', async () => {
    const a = await createShift(t, national, siteA.id, '2026-08-01T08:00', '2026-08-01T12:00', [{ personId: people.vacc! }, { personId: people.screen! }]);
    const b = await createShift(t, national, siteB.id, '2026-08-01T09:00', '2026-08-01T11:00', [{ personId: people.q!, role: 'screener' }]);
    expect((await call(t, national, 'POST', `/api/vaccination/shifts/${b.id}/members`, { personId: people.vacc })).statusCode).toBe(409);
    const removed = await ok<ShiftOutT>(call(t, national, 'DELETE', `/api/vaccination/shifts/${a.id}/members/${people.vacc}`), 200);
    expect(removed).toMatchObject({ complete: false, missing: ['vaccinator'] });
    const added = await ok<ShiftOutT>(call(t, national, 'POST', `/api/vaccination/shifts/${b.id}/members`, { personId: people.vacc }));
    expect(added).toMatchObject({ complete: true, missing: [] });
    expect((await call(t, national, 'DELETE', `/api/vaccination/shifts/${a.id}/members/${people.vacc}`)).statusCode).toBe(404);
    expect(await audit(a.id)).toEqual(['shift.create', 'shift.member.remove']);
    expect(await audit(b.id)).toEqual(['shift.create', 'shift.member.add']);
  });

  it('lists the shifts of a site by Viet Nam day', async () => {
    const site = await createSite(t, national, BA_DINH);
    const d1 = await createShift(t, national, site.id, '2026-09-01T07:00', '2026-09-01T11:00');
    const d2night = await createShift(t, national, site.id, '2026-09-02T23:00', '2026-09-03T03:00');
    const d3 = await createShift(t, national, site.id, '2026-09-03T07:00', '2026-09-03T11:00');
    const list = async (q: string) => (await ok<{ items: ShiftOutT[] }>(call(t, staffA, 'GET', `/api/vaccination/sites/${site.id}/shifts${q}`), 200)).items.map((s) => s.id);
    expect(await list('')).toEqual([d1.id, d2night.id, d3.id]);
    expect(await list('?from=2026-09-02&to=2026-09-02')).toEqual([d2night.id]);
    expect(await list('?from=2026-09-02')).toEqual([d2night.id, d3.id]);
    expect(await list('?to=2026-09-01')).toEqual([d1.id]);
  });
});

describe('staff', () => {
  it('adds people with roles, links their account, changes a role on a second add', async () => {
    const site = await createSite(t, staffA, BA_DINH);
    const person = await createPerson(t, national, BA_DINH);
    const account = await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }], { personId: person });
    const added = await ok<{ userId: string | null; role: string }>(call(t, staffA, 'POST', `/api/vaccination/sites/${site.id}/staff`, { personId: person, role: 'screener' }));
    expect(added).toMatchObject({ userId: account.userId, role: 'screener' });
    await ok(call(t, staffA, 'POST', `/api/vaccination/sites/${site.id}/staff`, { personId: person, role: 'site_lead', userId: null }));
    const list = await ok<{ items: { personId: string; role: string; userId: string | null }[] }>(call(t, staffA, 'GET', `/api/vaccination/sites/${site.id}/staff`), 200);
    expect(list.items).toEqual([expect.objectContaining({ personId: person, role: 'site_lead', userId: null })]);
    const wrongUser = await call(t, staffA, 'POST', `/api/vaccination/sites/${site.id}/staff`, { personId: person, role: 'screener', userId: (await signInAs(t, [])).userId });
    expect(wrongUser.statusCode).toBe(400);
    expect(wrongUser.json().errors[0].field).toBe('userId');
    // A person staff of Ba Đình cannot read (registered in Ngọc Hà) is not found.
    const elsewhere = await createPerson(t, national, NGOC_HA);
    const hidden = await call(t, staffA, 'POST', `/api/vaccination/sites/${site.id}/staff`, { personId: elsewhere, role: 'screener' });
    expect(hidden.statusCode).toBe(404);
  });
});
