import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { BODY_LIMIT } from '../../app';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { MAX_BATCH } from './record-checkins';
import { api, auditRows, BA_DINH, cccd, countRows, createPerson, createVenue, NGOC_HA, uuid, vnDay, vnTime } from './venues.fixtures';

let t: TestApp;
const who: Record<string, { cookie: string; userId: string }> = {};
const people: Record<string, { id: string; cccd: string }> = {};

beforeAll(async () => {
  t = await createTestApp();
  who.national = await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }]);
  who.officer = await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }]);
  who.bizA = await signInAs(t, [{ role: 'business_admin', areaCode: BA_DINH }]);
  who.bizB = await signInAs(t, [{ role: 'business_admin', areaCode: BA_DINH }]);
  for (const [key, fullName, sex] of [['minh', 'Nguyễn Văn Minh', 'male'], ['hoa', 'Trần Thị Hoa', 'female'], ['lan', 'Lê Ngọc Lan', 'female']] as const) {
    const id = cccd(1990, sex);
    const p = await createPerson(t, who.national.cookie, { fullName, birthDate: '1990-05-01', sex, communeCode: BA_DINH, identifiers: [{ kind: 'cccd', value: id }] });
    people[key] = { id: p.id, cccd: id };
  }
  who.citizen = await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }], { personId: people.lan!.id });
  who.unlinked = await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }]);
});
afterAll(async () => {
  await t?.close();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
async function storedByClient(clientIds: string[]) {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM checkins WHERE client_id = ANY(${clientIds}::text[])`.execute(t.conn.db);
  return r.rows[0]!.n;
}

describe('registering venues', () => {
  it('a business administrator registers their own venue, audited', async () => {
    const v = await createVenue(t, who.bizA!.cookie, { name: '  Chợ   Ngọc Hà ', type: 'market', address: 'Số 1 Hoàng Hoa Thám', openingHours: '06:00-18:00' });
    expect(v).toMatchObject({ name: 'Chợ Ngọc Hà', type: 'market', communeCode: BA_DINH, ownerUserId: who.bizA!.userId, defaultVisitMinutes: 60, active: true, version: 1 });
    expect(await auditRows(t, 'venue.create', v.id)).toHaveLength(1);
  });

  it('commune staff register a venue for its owner, and must name the owner', async () => {
    const v = await createVenue(t, who.officer!.cookie, { name: 'Trường THCS Ba Đình', type: 'school', ownerUserId: who.bizB!.userId, defaultVisitMinutes: 480 });
    expect(v).toMatchObject({ ownerUserId: who.bizB!.userId, defaultVisitMinutes: 480 });
    const res = await api(t, who.officer!.cookie, 'POST', '/api/venues', { name: 'X', type: 'agency', communeCode: BA_DINH });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('ownerUserId');
    const unknown = await api(t, who.officer!.cookie, 'POST', '/api/venues', { name: 'X', type: 'agency', communeCode: BA_DINH, ownerUserId: uuid() });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().field).toBe('ownerUserId');
  });

  it('a business administrator cannot make a venue for another account, nor outside their commune', async () => {
    const before = await countRows(t, 'venues');
    expect((await api(t, who.bizA!.cookie, 'POST', '/api/venues', { name: 'X', type: 'business', communeCode: BA_DINH, ownerUserId: who.bizB!.userId })).statusCode).toBe(403);
    expect((await api(t, who.bizA!.cookie, 'POST', '/api/venues', { name: 'X', type: 'business', communeCode: NGOC_HA })).statusCode).toBe(403);
    expect(await countRows(t, 'venues')).toBe(before);
  });

  it.each([
    [{ communeCode: '01' }, 'communeCode', 'not_a_commune'],
    [{ communeCode: '99999' }, 'communeCode', 'unknown_commune'],
    [{ type: 'casino' }, 'body.type', 'invalid_request'],
    [{ defaultVisitMinutes: 721 }, 'body.defaultVisitMinutes', 'invalid_request'],
    [{ defaultVisitMinutes: 4 }, 'body.defaultVisitMinutes', 'invalid_request'],
    [{ name: '   ' }, 'name', 'invalid_name'],
    [{ surprise: 1 }, 'body', 'invalid_request'],
    [{ latitude: 48.85, longitude: 2.35 }, 'latitude', 'point_outside_vietnam'],
    [{ latitude: 21.03, longitude: 100.5 }, 'longitude', 'point_outside_vietnam'],
    [{ latitude: 105.85, longitude: 21.03 }, 'body.latitude', 'invalid_request'],
    [{ latitude: 21.03 }, 'longitude', 'point_incomplete'],
    [{ latitude: null, longitude: 105.85 }, 'latitude', 'point_incomplete'],
    [{ latitude: '21.03', longitude: 105.85 }, 'body.latitude', 'invalid_request'],
  ])('refuses %j with a 400 naming %s', async (over, field, code) => {
    const before = await countRows(t, 'venues');
    const res = await api(t, who.bizA!.cookie, 'POST', '/api/venues', { name: 'Tiệm', type: 'business', communeCode: BA_DINH, ...over });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(code);
    const fields = [res.json().field, ...(res.json().errors ?? []).map((e: { field: string }) => e.field)].filter(Boolean);
    expect(fields.some((f: string) => f.startsWith(field))).toBe(true);
    expect(await countRows(t, 'venues')).toBe(before);
  });

  it('edits with the version read; a stale version is a 409', async () => {
    const v = await createVenue(t, who.bizA!.cookie, { name: 'Siêu thị' });
    const ok = await api(t, who.bizA!.cookie, 'PATCH', `/api/venues/${v.id}`, { version: 1, defaultVisitMinutes: 30, openingHours: '08:00-22:00' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ version: 2, defaultVisitMinutes: 30, openingHours: '08:00-22:00' });
    const stale = await api(t, who.officer!.cookie, 'PATCH', `/api/venues/${v.id}`, { version: 1, name: 'Khác' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('version_conflict');
    expect((await api(t, who.bizA!.cookie, 'PATCH', `/api/venues/${v.id}`, { version: 2, ownerUserId: who.bizB!.userId })).statusCode).toBe(403);
    expect((await api(t, who.bizA!.cookie, 'PATCH', `/api/venues/${v.id}`, { version: 2, defaultVisitMinutes: 0 })).statusCode).toBe(400);
    expect(await auditRows(t, 'venue.update', v.id)).toHaveLength(1);
  });

  it('keeps an optional point inside Viet Nam: set at registration, moved or removed by an edit (both or neither)', async () => {
    const plain = await createVenue(t, who.bizA!.cookie, { name: 'Quán không toạ độ' });
    expect(plain).toMatchObject({ latitude: null, longitude: null });
    const v = await createVenue(t, who.bizA!.cookie, { name: 'Quán có toạ độ', latitude: 21.0341, longitude: 105.8372 });
    expect(v).toMatchObject({ latitude: 21.0341, longitude: 105.8372 });
    expect((await api(t, who.officer!.cookie, 'GET', `/api/venues/${v.id}`)).json()).toMatchObject({ latitude: 21.0341, longitude: 105.8372 });
    // Moving only the latitude keeps the longitude; a point outside the bounds changes nothing.
    const moved = await api(t, who.bizA!.cookie, 'PATCH', `/api/venues/${v.id}`, { version: 1, latitude: 21.04 });
    expect(moved.json()).toMatchObject({ version: 2, latitude: 21.04, longitude: 105.8372 });
    const outside = await api(t, who.bizA!.cookie, 'PATCH', `/api/venues/${v.id}`, { version: 2, longitude: 120 });
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toMatchObject({ code: 'point_outside_vietnam', field: 'longitude' });
    const half = await api(t, who.bizA!.cookie, 'PATCH', `/api/venues/${v.id}`, { version: 2, latitude: null });
    expect(half.json()).toMatchObject({ code: 'point_incomplete', field: 'latitude' });
    const removed = await api(t, who.bizA!.cookie, 'PATCH', `/api/venues/${v.id}`, { version: 2, latitude: null, longitude: null });
    expect(removed.json()).toMatchObject({ version: 3, latitude: null, longitude: null });
    const audit = await auditRows(t, 'venue.update', v.id);
    expect(audit).toHaveLength(2);
    // The database holds the same bounds, whoever writes.
    await expect(sql`UPDATE venues SET latitude = 30, longitude = 105 WHERE id = ${v.id}::uuid`.execute(t.conn.db)).rejects.toThrow(/venues_point_in_vietnam/);
  });

  it('lists my venues; staff see their jurisdiction', async () => {
    const mine = (await api(t, who.bizA!.cookie, 'GET', '/api/venues')).json();
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((v: { ownerUserId: string }) => v.ownerUserId === who.bizA!.userId)).toBe(true);
    const staff = (await api(t, who.officer!.cookie, 'GET', '/api/venues?limit=200')).json();
    expect(new Set(staff.items.map((v: { ownerUserId: string }) => v.ownerUserId))).toEqual(new Set([who.bizA!.userId, who.bizB!.userId]));
  });
});

describe('check-ins', () => {
  let venue: { id: string };
  beforeAll(async () => {
    venue = await createVenue(t, who.bizA!.cookie, { name: 'Cà phê Giảng', type: 'business' });
  });

  it('the owner checks a person in by ID number and learns only the masked name; a retry stores nothing', async () => {
    const clientId = uuid();
    const body = { idNumber: `${people.minh!.cccd.slice(0, 6)} ${people.minh!.cccd.slice(6)}`, checkedInAt: minutesAgo(10), clientId };
    const res = await api(t, who.bizA!.cookie, 'POST', `/api/venues/${venue.id}/checkins`, body);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ clientId, duplicate: false, maskedName: 'Nguyễn V. M.' });
    expect(res.body).not.toContain('Văn Minh');
    expect(res.body).not.toContain(people.minh!.id);
    const row = await t.conn.db.selectFrom('checkins').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ venue_id: venue.id, person_id: people.minh!.id, source: 'venue_scan', checked_out_at: null });
    const again = await api(t, who.bizA!.cookie, 'POST', `/api/venues/${venue.id}/checkins`, body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true, id: null });
    expect(await storedByClient([clientId])).toBe(1);
    expect(await auditRows(t, 'checkin.venue', venue.id)).toHaveLength(2);
  });

  it('the offline batch synced twice stores once', async () => {
    const items = [
      { personId: people.minh!.id, clientId: uuid(), checkedInAt: minutesAgo(50), checkedOutAt: minutesAgo(20) },
      { idNumber: people.hoa!.cccd, idKind: 'cccd', clientId: uuid(), checkedInAt: minutesAgo(40) },
      { personId: people.lan!.id, clientId: uuid(), checkedInAt: minutesAgo(30) },
    ];
    const first = await api(t, who.bizA!.cookie, 'POST', `/api/venues/${venue.id}/checkins/batch`, { checkins: items });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ inserted: 3, duplicates: 0 });
    expect(first.json().items.map((i: { maskedName: string }) => i.maskedName)).toEqual(['Nguyễn V. M.', 'Trần T. H.', 'Lê N. L.']);
    const second = await api(t, who.bizA!.cookie, 'POST', `/api/venues/${venue.id}/checkins/batch`, { checkins: items });
    expect(second.json()).toMatchObject({ inserted: 0, duplicates: 3 });
    expect(await storedByClient(items.map((i) => i.clientId))).toBe(3);
    const fresh = { personId: people.hoa!.id, clientId: uuid(), checkedInAt: minutesAgo(15) };
    const mixed = await api(t, who.bizA!.cookie, 'POST', `/api/venues/${venue.id}/checkins/batch`, { checkins: [items[0], fresh, fresh] });
    expect(mixed.json()).toMatchObject({ inserted: 1, duplicates: 2 });
    expect(mixed.json().items.map((i: { duplicate: boolean }) => i.duplicate)).toEqual([true, false, true]);
    expect(mixed.json().items[1].id).toEqual(expect.any(String));
    expect(await storedByClient([fresh.clientId])).toBe(1);
  });

  it('a citizen checks themselves in; an unlinked account cannot', async () => {
    const clientId = uuid();
    const res = await api(t, who.citizen!.cookie, 'POST', '/api/me/checkins', { venueId: venue.id, checkedInAt: minutesAgo(1), clientId });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ duplicate: false, venueId: venue.id, venueName: 'Cà phê Giảng' });
    const row = await t.conn.db.selectFrom('checkins').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ person_id: people.lan!.id, source: 'self_scan' });
    expect((await api(t, who.citizen!.cookie, 'POST', '/api/me/checkins', { venueId: venue.id, checkedInAt: res.json().id ? row.checked_in_at.toISOString() : '', clientId })).json().duplicate).toBe(true);
    const unlinked = await api(t, who.unlinked!.cookie, 'POST', '/api/me/checkins', { venueId: venue.id, checkedInAt: minutesAgo(1), clientId: uuid() });
    expect(unlinked.statusCode).toBe(404);
    expect(unlinked.json().code).toBe('not_linked');
    expect(await auditRows(t, 'checkin.self', venue.id)).toHaveLength(2);

    // The citizen's own list: this visit, with the venue's name; nobody else's; audited; bad limits refused.
    const mine = await api(t, who.citizen!.cookie, 'GET', '/api/me/checkins');
    expect(mine.statusCode).toBe(200);
    const items = mine.json().items as { id: string }[];
    expect(items).toContainEqual(expect.objectContaining({ id: row.id, venueId: venue.id, venueName: 'Cà phê Giảng' }));
    const owners = await t.conn.db.selectFrom('checkins').select('person_id').where('id', 'in', items.map((i) => i.id)).execute();
    expect(new Set(owners.map((o) => o.person_id))).toEqual(new Set([people.lan!.id]));
    expect(await auditRows(t, 'checkins.read_own', people.lan!.id)).toHaveLength(1);
    expect((await api(t, who.unlinked!.cookie, 'GET', '/api/me/checkins')).statusCode).toBe(404);
    expect((await api(t, who.bizA!.cookie, 'GET', '/api/me/checkins')).statusCode).toBe(403);
    expect((await api(t, who.citizen!.cookie, 'GET', '/api/me/checkins?limit=100000')).statusCode).toBe(400);
  });

  it('refuses bad input clearly and stores nothing', async () => {
    const before = await countRows(t, 'checkins');
    const post = (url: string, body: unknown, cookie = who.bizA!.cookie) => api(t, cookie, 'POST', url, body);
    const future = await post(`/api/venues/${venue.id}/checkins`, { personId: people.minh!.id, checkedInAt: new Date(Date.now() + 3_600_000).toISOString(), clientId: uuid() });
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ code: 'checkin_in_future', field: 'checkedInAt' });
    const noOffset = await post(`/api/venues/${venue.id}/checkins`, { personId: people.minh!.id, checkedInAt: '2026-01-01T10:00:00', clientId: uuid() });
    expect(noOffset.json().field).toBe('checkedInAt');
    const selfFuture = await post('/api/me/checkins', { venueId: venue.id, checkedInAt: new Date(Date.now() + 3_600_000).toISOString(), clientId: uuid() }, who.citizen!.cookie);
    expect(selfFuture.statusCode).toBe(400);
    expect(selfFuture.json().field).toBe('checkedInAt');
    expect((await post(`/api/venues/${uuid()}/checkins`, { personId: people.minh!.id, checkedInAt: minutesAgo(5), clientId: uuid() })).statusCode).toBe(404);
    const selfUnknown = await post('/api/me/checkins', { venueId: uuid(), checkedInAt: minutesAgo(5), clientId: uuid() }, who.citizen!.cookie);
    expect(selfUnknown.statusCode).toBe(404);
    const unknownId = await post(`/api/venues/${venue.id}/checkins`, { idNumber: '079099000001', checkedInAt: minutesAgo(5), clientId: uuid() });
    expect(unknownId.statusCode).toBe(400);
    expect(unknownId.json()).toMatchObject({ code: 'unknown_person', field: 'idNumber' });
    const unknownPerson = await post(`/api/venues/${venue.id}/checkins`, { personId: uuid(), checkedInAt: minutesAgo(5), clientId: uuid() });
    expect(unknownPerson.json()).toMatchObject({ code: 'unknown_person', field: 'personId' });
    const both = await post(`/api/venues/${venue.id}/checkins`, { personId: people.minh!.id, idNumber: people.minh!.cccd, checkedInAt: minutesAgo(5), clientId: uuid() });
    expect(both.statusCode).toBe(400);
    const oneBad = await post(`/api/venues/${venue.id}/checkins/batch`, {
      checkins: [{ personId: people.minh!.id, checkedInAt: minutesAgo(5), clientId: uuid() }, { idNumber: '079099000002', checkedInAt: minutesAgo(5), clientId: uuid() }],
    });
    expect(oneBad.statusCode).toBe(400);
    expect(oneBad.json().field).toBe('checkins.1.idNumber');
    const badTime = await post(`/api/venues/${venue.id}/checkins/batch`, {
      checkins: [{ personId: people.minh!.id, checkedInAt: minutesAgo(5), clientId: uuid() }, { personId: people.hoa!.id, checkedInAt: minutesAgo(5), checkedOutAt: minutesAgo(10), clientId: uuid() }],
    });
    expect(badTime.json()).toMatchObject({ code: 'checkout_before_checkin', field: 'checkins.1.checkedOutAt' });
    const huge = Array.from({ length: MAX_BATCH + 1 }, () => ({ personId: people.minh!.id, checkedInAt: minutesAgo(5), clientId: uuid() }));
    const tooMany = await post(`/api/venues/${venue.id}/checkins/batch`, { checkins: huge });
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().code).toBe('batch_too_large');
    const monster = await t.app.inject({ method: 'POST', url: `/api/venues/${venue.id}/checkins/batch`, headers: { cookie: who.bizA!.cookie, 'content-type': 'application/json' }, payload: `{"checkins":[${'"x",'.repeat(2_000_000)}"x"]}` });
    expect(monster.statusCode).toBe(413);
    expect(monster.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(monster.json()).toMatchObject({ status: 413, code: 'body_too_large', limit: BODY_LIMIT });
    expect(monster.json().detail).toBe(`The request body is larger than ${BODY_LIMIT} bytes`);
    expect(await countRows(t, 'checkins')).toBe(before);
  });

  it('the owner checks a visitor out once; a retry with the same time is accepted', async () => {
    const r = await api(t, who.bizA!.cookie, 'POST', `/api/venues/${venue.id}/checkins`, { personId: people.hoa!.id, checkedInAt: minutesAgo(90), clientId: uuid() });
    const id = r.json().id as string;
    const url = `/api/venues/${venue.id}/checkins/${id}/checkout`;
    expect((await api(t, who.bizA!.cookie, 'POST', url, { checkedOutAt: minutesAgo(100) })).json().code).toBe('checkout_before_checkin');
    expect((await api(t, who.bizA!.cookie, 'POST', url, { checkedOutAt: new Date(Date.now() + 3_600_000).toISOString() })).statusCode).toBe(400);
    const out = minutesAgo(5);
    const ok = await api(t, who.bizA!.cookie, 'POST', url, { checkedOutAt: out });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id, checkedOutAt: out });
    expect((await api(t, who.bizA!.cookie, 'POST', url, { checkedOutAt: out })).statusCode).toBe(200);
    expect((await api(t, who.bizA!.cookie, 'POST', url, {})).statusCode).toBe(409);
    const row = await t.conn.db.selectFrom('checkins').select('checked_out_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(new Date(row.checked_out_at!).toISOString()).toBe(out);
    expect((await api(t, who.bizA!.cookie, 'POST', `/api/venues/${venue.id}/checkins/${uuid()}/checkout`, {})).statusCode).toBe(404);
    const elsewhere = await createVenue(t, who.bizA!.cookie, { name: 'Chi nhánh 2' });
    expect((await api(t, who.bizA!.cookie, 'POST', `/api/venues/${elsewhere.id}/checkins/${id}/checkout`, {})).statusCode).toBe(404);
    expect(await auditRows(t, 'checkin.checkout', venue.id)).toHaveLength(1);
  });

  it('a citizen checks out of their own open visit (the poster\'s "Rời địa điểm"), never anyone else\'s', async () => {
    const mine = await api(t, who.citizen!.cookie, 'POST', '/api/me/checkins', { venueId: venue.id, checkedInAt: minutesAgo(40), clientId: uuid() });
    const id = mine.json().id as string;
    const theirs = (await api(t, who.bizA!.cookie, 'POST', `/api/venues/${venue.id}/checkins`, { personId: people.minh!.id, checkedInAt: minutesAgo(40), clientId: uuid() })).json().id as string;
    const url = (checkinId: string) => `/api/me/checkins/${checkinId}/checkout`;
    expect((await api(t, who.citizen!.cookie, 'POST', url(theirs), {})).statusCode).toBe(404);
    expect((await api(t, who.citizen!.cookie, 'POST', url(uuid()), {})).statusCode).toBe(404);
    expect((await api(t, who.citizen!.cookie, 'POST', url('not-a-uuid'), {})).statusCode).toBe(400);
    expect((await api(t, who.citizen!.cookie, 'POST', url(id), { checkedOutAt: minutesAgo(50) })).json()).toMatchObject({ code: 'checkout_before_checkin', field: 'checkedOutAt' });
    const left = await api(t, who.citizen!.cookie, 'POST', url(id), {});
    expect(left.statusCode).toBe(200);
    expect(left.json()).toMatchObject({ id, venueId: venue.id });
    expect(Math.abs(Date.parse(left.json().checkedOutAt) - Date.now())).toBeLessThan(60_000);
    expect((await api(t, who.citizen!.cookie, 'POST', url(id), {})).json().code).toBe('already_checked_out');
    const listed = (await api(t, who.citizen!.cookie, 'GET', '/api/me/checkins')).json().items.find((c: { id: string }) => c.id === id);
    expect(listed.checkedOutAt).toBe(left.json().checkedOutAt);
    const other = await t.conn.db.selectFrom('checkins').select('checked_out_at').where('id', '=', theirs).executeTakeFirstOrThrow();
    expect(other.checked_out_at).toBeNull();
    const audit = await auditRows(t, 'checkin.checkout_self', people.lan!.id);
    expect(audit).toHaveLength(1);
  });

  it('refuses check-ins at a closed venue', async () => {
    const v = await createVenue(t, who.bizA!.cookie, { name: 'Đóng cửa' });
    await api(t, who.bizA!.cookie, 'PATCH', `/api/venues/${v.id}`, { version: 1, active: false });
    const res = await api(t, who.bizA!.cookie, 'POST', `/api/venues/${v.id}/checkins`, { personId: people.minh!.id, checkedInAt: minutesAgo(5), clientId: uuid() });
    expect(res.statusCode).toBe(409);
    expect((await api(t, who.citizen!.cookie, 'POST', '/api/me/checkins', { venueId: v.id, checkedInAt: minutesAgo(5), clientId: uuid() })).statusCode).toBe(409);
  });
});

describe('the venue view', () => {
  let venue: { id: string };
  let other: { id: string };
  const day = vnDay(1);
  const next = vnDay(0);
  beforeAll(async () => {
    venue = await createVenue(t, who.bizA!.cookie, { name: 'Nhà sách', defaultVisitMinutes: 45 });
    other = await createVenue(t, who.bizB!.cookie, { name: 'Tiệm bánh' });
    const items = [
      { personId: people.minh!.id, checkedInAt: vnTime(day, '00:00'), checkedOutAt: vnTime(day, '00:30') },
      { personId: people.hoa!.id, checkedInAt: vnTime(day, '08:10') },
      { personId: people.lan!.id, checkedInAt: vnTime(day, '08:59'), checkedOutAt: vnTime(day, '09:30') },
      { personId: people.minh!.id, checkedInAt: vnTime(day, '14:05') },
      { personId: people.hoa!.id, checkedInAt: vnTime(day, '23:59') },
      { personId: people.lan!.id, checkedInAt: vnTime(next, '00:00') },
    ].map((i) => ({ ...i, clientId: uuid() }));
    // The last one is today: only if today has begun far enough (it is 00:00 +07 today, always in the past).
    const res = await api(t, who.bizA!.cookie, 'POST', `/api/venues/${venue.id}/checkins/batch`, { checkins: items });
    if (res.statusCode !== 200) throw new Error(res.body);
  });

  it('shows the owner masked names, times and arrivals by Viet Nam hour; audited', async () => {
    const res = await api(t, who.bizA!.cookie, 'GET', `/api/venues/${venue.id}/visitors?date=${day}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(5);
    expect(body.visitors.map((v: { maskedName: string }) => v.maskedName)).toEqual(['Nguyễn V. M.', 'Trần T. H.', 'Lê N. L.', 'Nguyễn V. M.', 'Trần T. H.']);
    for (const name of ['Nguyễn Văn Minh', 'Trần Thị Hoa', 'Lê Ngọc Lan', 'Văn', 'Ngọc Lan', people.minh!.id, people.minh!.cccd]) expect(res.body).not.toContain(name);
    const counts = Object.fromEntries(body.countsByHour.filter((c: { count: number }) => c.count > 0).map((c: { hour: number; count: number }) => [c.hour, c.count]));
    expect(counts).toEqual({ 0: 1, 8: 2, 14: 1, 23: 1 });
    expect(body.countsByHour).toHaveLength(24);
    expect(body.visitors[1].leftAt).toBe(new Date(new Date(vnTime(day, '08:10')).getTime() + 45 * 60_000).toISOString());
    expect(body.visitors[2].checkedOutAt).toBe(new Date(vnTime(day, '09:30')).toISOString());
    expect(await auditRows(t, 'venue.visitors.read', venue.id)).toHaveLength(1);
    // Status colour: nobody has a dose yet; Hoa gets a verified dose 30 days ago (green), Minh one 3 days ago (still black).
    expect(body.visitors.map((v: { colour: string }) => v.colour)).toEqual(['black', 'black', 'black', 'black', 'black']);
    const dose = (personId: string, daysAgo: number) => {
      const at = new Date(Date.now() - daysAgo * 86_400_000);
      return t.conn.db.insertInto('doses').values({
        id: uuid(), person_id: personId, administered_at: at, administered_on: vnDay(daysAgo), area_path: 'VN.01.00004', product: 'EU/1/21/1529',
        vaccine_code: 'astrazeneca', dose_kind: 'primary', dose_number: 1, catalog_version: '2', request_hash: uuid(),
      } as never).execute();
    };
    await dose(people.hoa!.id, 30);
    await dose(people.minh!.id, 3);
    const coloured = (await api(t, who.bizA!.cookie, 'GET', `/api/venues/${venue.id}/visitors?date=${day}`)).json();
    expect(coloured.visitors.map((v: { colour: string }) => v.colour)).toEqual(['black', 'green', 'black', 'black', 'green']);
    const today = (await api(t, who.bizA!.cookie, 'GET', `/api/venues/${venue.id}/visitors`)).json();
    expect(today).toMatchObject({ date: next, total: 1 });
  });

  it("an owner cannot read another venue's visitors; staff see the venue but not its visitors", async () => {
    const res = await api(t, who.bizB!.cookie, 'GET', `/api/venues/${venue.id}/visitors?date=${day}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('Nguyễn');
    expect((await api(t, who.bizA!.cookie, 'GET', `/api/venues/${other.id}/visitors`)).statusCode).toBe(404);
    const both = await signInAs(t, [{ role: 'business_admin', areaCode: BA_DINH }, { role: 'commune_officer', areaCode: BA_DINH }]);
    expect((await api(t, both.cookie, 'GET', `/api/venues/${venue.id}/visitors?date=${day}`)).statusCode).toBe(403);
    expect((await api(t, both.cookie, 'GET', `/api/venues/${venue.id}`)).statusCode).toBe(200);
    expect((await api(t, who.national!.cookie, 'GET', `/api/venues/${venue.id}/visitors?date=${day}`)).json().total).toBe(5);
    expect((await api(t, who.bizA!.cookie, 'GET', `/api/venues/${venue.id}/visitors?date=2026-02-30`)).statusCode).toBe(400);
  });
});
