import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, uuidv7 } from '@sen/db';
import { vnDayOf } from '@sen/domain';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { RecordOnlyAdapter, type NotificationAdapter } from '../notifications/adapter';
import { deliverPendingNotifications } from '../notifications/deliver-notifications';
import { enqueueNotification } from '../notifications/enqueue-notification';
import { renderNotification } from '../notifications/templates';
import { markNoShows } from './invitations';
import { api, BA_DINH, NGOC_HA, ok } from './vaccination.fixtures';

let t: TestApp;
let national: string;
let staff: string; // vaccination staff of Ba Đình
let officer: string; // commune officer of Ba Đình (vaccination:read only)
let otherStaff: string; // vaccination staff of Ngọc Hà
let citizen: string;
let citizenPerson: string;
let siteId: string;
let sessionId: string;
let sessionDay: string; // YYYY-MM-DD, 40 days ahead
let listId: string;
const P: Record<string, string> = {};

const DAY = 86_400_000;

let serial = 0;
async function person(birthDate = '1980-05-01', communeCode = BA_DINH, phone: string | null = null): Promise<string> {
  serial += 1;
  return (await ok<{ id: string }>(api(t, national, 'POST', '/api/people', { fullName: `Người Được Mời ${serial}`, sex: 'female', birthDate, communeCode, ...(phone ? { phone } : {}) }))).id;
}

/** A dose given `daysBefore` days before the session day, written straight to the table (the dose route is another helper's). */
async function dose(personId: string, vaccine: 'astrazeneca' | 'pfizer', doseNumber: number, daysBefore: number) {
  const at = new Date(Date.parse(`${sessionDay}T03:00:00Z`) - daysBefore * DAY);
  await t.conn.db.insertInto('doses').values({
    id: uuidv7(), person_id: personId, administered_at: at, administered_on: vnDayOf(at), area_path: 'VN.01.00004', product: vaccine === 'pfizer' ? 'EU/1/20/1528' : 'EU/1/21/1529',
    vaccine_code: vaccine, dose_kind: 'primary', dose_number: doseNumber, catalog_version: '2', request_hash: crypto.randomUUID(),
  } as never).execute();
}

async function entry(personId: string, group: string | null) {
  await t.conn.db.insertInto('target_list_entries').values({ id: uuidv7(), list_id: listId, person_id: personId, priority_group: group, area_path: 'VN.01.00004' } as never).execute();
}

beforeAll(async () => {
  t = await createTestApp();
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  staff = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
  officer = (await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }])).cookie;
  otherStaff = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: NGOC_HA }])).cookie;
  citizenPerson = await person();
  citizen = (await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }], { personId: citizenPerson })).cookie;
  const area = await t.conn.db.selectFrom('areas').select(sql<string>`path::text`.as('path')).where('code', '=', BA_DINH).executeTakeFirstOrThrow();
  expect(area.path).toBe('VN.01.00004');
  siteId = (await ok<{ id: string }>(api(t, national, 'POST', '/api/vaccination/sites', {
    kind: 'fixed', name: 'Trạm Y tế Ba Đình', areaCode: BA_DINH, address: '1 Phố Ba Đình', capacityPerHour: 60, openingDays: [1, 2, 3, 4, 5, 6, 7], opensAt: '07:00', closesAt: '17:00',
  }))).id;
  sessionDay = vnDayOf(new Date(Date.now() + 40 * DAY));
  sessionId = (await ok<{ id: string }>(api(t, staff, 'POST', '/api/vaccination/sessions', { siteId, startsAt: `${sessionDay}T07:30`, endsAt: `${sessionDay}T11:00`, vaccines: ['pfizer', 'astrazeneca'], capacity: 3 }))).id;
  listId = (await ok<{ id: string }>(api(t, staff, 'POST', '/api/vaccination/target-lists', { name: 'Ba Đình', areaCode: BA_DINH }))).id;
});
afterAll(async () => {
  await t?.close();
});

describe('registrations', () => {
  it('lets a citizen register themselves once, idempotently, and see and cancel it', async () => {
    const id = crypto.randomUUID();
    const body = { id, areaCode: BA_DINH, preferredDate: sessionDay, priorityGroup: 'G14' };
    const first = await api(t, citizen, 'POST', '/api/vaccination/registrations/me', body);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ id, personId: citizenPerson, areaCode: BA_DINH, source: 'self', status: 'active', priorityGroup: 'G14' });
    const again = await api(t, citizen, 'POST', '/api/vaccination/registrations/me', body);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(id);
    const second = await api(t, citizen, 'POST', '/api/vaccination/registrations/me', { ...body, id: crypto.randomUUID() });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'already_registered', registrationId: id });
    const mine = await ok<{ items: { id: string }[] }>(api(t, citizen, 'GET', '/api/vaccination/registrations/me'), 200);
    expect(mine.items.map((r) => r.id)).toEqual([id]);
    const cancelled = await ok<{ status: string }>(api(t, citizen, 'POST', `/api/vaccination/registrations/${id}/cancel`), 200);
    expect(cancelled.status).toBe('cancelled');
    expect((await api(t, citizen, 'POST', `/api/vaccination/registrations/${id}/cancel`)).statusCode).toBe(409);
  });

  it.each([
    ['a date in the past', { preferredDate: '2020-01-01' }, 'date_in_past'],
    ['a province instead of a commune', { areaCode: '01' }, 'invalid_request'],
    ['an unknown commune', { areaCode: '99999' }, 'unknown_area'],
    ['an unknown site', { siteId: crypto.randomUUID() }, 'unknown_site'],
    ['an unknown vaccine', { product: 'sputnik_light' }, 'unknown_vaccine'],
    ['an unknown group', { priorityGroup: 'G99' }, 'unknown_group'],
    ['an extra field', { admin: true }, 'invalid_request'],
    ['a note with control characters', { note: 'a\u0000b' }, 'invalid_text'],
  ])('refuses %s with 400', async (_label, extra, code) => {
    const res = await api(t, citizen, 'POST', '/api/vaccination/registrations/me', { id: crypto.randomUUID(), areaCode: BA_DINH, ...extra });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(code);
  });

  it('lets staff register people of their jurisdiction only, and lists by jurisdiction', async () => {
    const mine = await person();
    const theirs = await person('1980-01-01', NGOC_HA);
    const id = crypto.randomUUID();
    const res = await api(t, staff, 'POST', '/api/vaccination/registrations', { id, personId: mine, siteId });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ source: 'staff', siteId, areaCode: BA_DINH });
    expect((await api(t, staff, 'POST', '/api/vaccination/registrations', { id: crypto.randomUUID(), personId: theirs, areaCode: BA_DINH })).statusCode).toBe(404);
    expect((await api(t, officer, 'POST', '/api/vaccination/registrations', { id: crypto.randomUUID(), personId: mine, areaCode: BA_DINH })).statusCode).toBe(403);
    expect((await api(t, citizen, 'POST', '/api/vaccination/registrations', { id: crypto.randomUUID(), personId: mine, areaCode: BA_DINH })).statusCode).toBe(403);
    expect((await api(t, null, 'POST', '/api/vaccination/registrations', { id: crypto.randomUUID(), personId: mine, areaCode: BA_DINH })).statusCode).toBe(401);
    // Readable (province) but not writable there: 403.
    const wide = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }, { role: 'vaccination_staff', areaCode: NGOC_HA }])).cookie;
    expect((await api(t, wide, 'POST', '/api/vaccination/registrations', { id: crypto.randomUUID(), personId: mine, areaCode: BA_DINH })).statusCode).toBe(403);

    const listed = async (cookie: string) => (await ok<{ items: { id: string }[] }>(api(t, cookie, 'GET', '/api/vaccination/registrations'), 200)).items.map((r) => r.id);
    expect(await listed(staff)).toContain(id);
    expect(await listed(officer)).toContain(id);
    expect(await listed(otherStaff)).not.toContain(id);
    // One person's registrations, for their record's page.
    const ofPerson = async (personId: string) => (await ok<{ items: { id: string; personId: string }[] }>(api(t, staff, 'GET', `/api/vaccination/registrations?personId=${personId}`), 200)).items;
    expect((await ofPerson(mine)).map((r) => [r.id, r.personId])).toEqual([[id, mine]]);
    expect(await ofPerson(theirs)).toEqual([]);
    expect((await api(t, staff, 'GET', '/api/vaccination/registrations?personId=not-a-uuid')).statusCode).toBe(400);
    expect((await api(t, citizen, 'GET', '/api/vaccination/registrations')).statusCode).toBe(403);
    expect((await api(t, staff, 'GET', '/api/vaccination/registrations/me')).statusCode).toBe(403);
    expect((await api(t, staff, 'POST', '/api/vaccination/registrations/me', { id: crypto.randomUUID(), areaCode: BA_DINH })).statusCode).toBe(403);
    // A citizen account not linked to a person record: 404 not_linked.
    const unlinked = (await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }])).cookie;
    const notLinked = await api(t, unlinked, 'POST', '/api/vaccination/registrations/me', { id: crypto.randomUUID(), areaCode: BA_DINH });
    expect(notLinked.statusCode).toBe(404);
    expect(notLinked.json().code).toBe('not_linked');
    // Cancelling: staff of another commune cannot even see it; read-only staff are refused.
    expect((await api(t, otherStaff, 'POST', `/api/vaccination/registrations/${id}/cancel`)).statusCode).toBe(404);
    expect((await api(t, citizen, 'POST', `/api/vaccination/registrations/${id}/cancel`)).statusCode).toBe(404);
    await api(t, staff, 'POST', `/api/vaccination/registrations/${id}/cancel`).then((r) => expect(r.statusCode).toBe(200));
  });
});

describe('invitations', () => {
  it('invites by priority group, then due date, skipping people not yet due or not eligible, up to capacity', async () => {
    P.firstG08 = await person();
    await entry(P.firstG08, 'G08');
    P.firstG01 = await person('1980-05-01', BA_DINH, '0912345678');
    await entry(P.firstG01, 'G01');
    P.dueG08 = await person(); // registered, AstraZeneca 60 days before: due (recommended 56 days)
    await dose(P.dueG08, 'astrazeneca', 1, 60);
    await ok(api(t, staff, 'POST', '/api/vaccination/registrations', { id: crypto.randomUUID(), personId: P.dueG08, areaCode: BA_DINH, priorityGroup: 'G08' }));
    P.overdueG08 = await person(); // AstraZeneca 70 days before: more overdue
    await dose(P.overdueG08, 'astrazeneca', 1, 70);
    await entry(P.overdueG08, 'G08');
    P.notDue = await person(); // AstraZeneca 10 days before: the minimum is 28
    await dose(P.notDue, 'astrazeneca', 1, 10);
    await entry(P.notDue, 'G01');
    P.noGroup = await person();
    await entry(P.noGroup, null);
    P.child = await person(vnDayOf(new Date(Date.now() - 3 * 365 * DAY))); // too young for both vaccines
    await entry(P.child, 'G01');
    P.elsewhere = await person('1980-05-01', NGOC_HA); // on a list of another commune: not this session's
    await t.conn.db.insertInto('target_list_entries').values({ id: uuidv7(), list_id: listId, person_id: P.elsewhere, priority_group: 'G01', area_path: 'VN.01.00008' } as never).execute();

    const res = await ok<Record<string, number>>(api(t, staff, 'POST', `/api/vaccination/sessions/${sessionId}/invitations`), 200);
    expect(res).toEqual({ invited: 3, capacity: 3, alreadyInvited: 0, skippedNotDue: 1, skippedNotEligible: 1, waiting: 2 });
    const list = await ok<{ items: { personId: string; status: string; priorityRank: number | null }[] }>(api(t, staff, 'GET', `/api/vaccination/sessions/${sessionId}/invitations`), 200);
    expect(list.items.map((i) => i.personId)).toEqual([P.firstG01, P.overdueG08, P.dueG08]);

    // Again: the session is full, nobody more is invited and nothing is sent twice.
    const again = await ok<Record<string, number>>(api(t, staff, 'POST', `/api/vaccination/sessions/${sessionId}/invitations`), 200);
    expect(again).toMatchObject({ invited: 0, alreadyInvited: 3 });
    // More room: the next in order (first dose of group 8, then no group).
    await t.conn.db.updateTable('vaccination_sessions').set({ capacity: 10 }).where('id', '=', sessionId).execute();
    const more = await ok<Record<string, number>>(api(t, staff, 'POST', `/api/vaccination/sessions/${sessionId}/invitations`), 200);
    expect(more).toMatchObject({ invited: 2, alreadyInvited: 3, waiting: 0 });
    const all = await ok<{ items: { personId: string }[] }>(api(t, staff, 'GET', `/api/vaccination/sessions/${sessionId}/invitations`), 200);
    expect(all.items.map((i) => i.personId)).toEqual([P.firstG01, P.overdueG08, P.dueG08, P.firstG08, P.noGroup]);
    expect((await ok<Record<string, number>>(api(t, staff, 'POST', `/api/vaccination/sessions/${sessionId}/invitations`), 200)).invited).toBe(0);

    const outbox = await t.conn.db.selectFrom('notification_outbox').select(['person_id', 'channel', 'template', 'params', 'status']).execute();
    expect(outbox).toHaveLength(5);
    const toFirst = outbox.find((o) => o.person_id === P.firstG01)!;
    expect(toFirst).toMatchObject({ channel: 'sms', template: 'vaccination.invitation', status: 'pending' });
    const text = renderNotification('vaccination.invitation', toFirst.params as Record<string, string>);
    expect(text).toContain(`${sessionDay.slice(8, 10)}/${sessionDay.slice(5, 7)}/${sessionDay.slice(0, 4)}`);
    expect(text).toContain('07:30');
    expect(text).toContain('Trạm Y tế Ba Đình');
    expect(outbox.find((o) => o.person_id === P.noGroup)!.channel).toBe('app');

    // The citizen side: an invited person sees their invitation.
    const invitedCitizen = (await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }], { personId: P.firstG01 })).cookie;
    const mine = await ok<{ invitations: { sessionId: string; siteName: string }[] }>(api(t, invitedCitizen, 'GET', '/api/vaccination/registrations/me'), 200);
    expect(mine.invitations).toEqual([expect.objectContaining({ sessionId, siteName: 'Trạm Y tế Ba Đình' })]);
  });

  it('guards generation and listing by the session area', async () => {
    expect((await api(t, otherStaff, 'POST', `/api/vaccination/sessions/${sessionId}/invitations`)).statusCode).toBe(404);
    expect((await api(t, otherStaff, 'GET', `/api/vaccination/sessions/${sessionId}/invitations`)).statusCode).toBe(404);
    expect((await api(t, officer, 'POST', `/api/vaccination/sessions/${sessionId}/invitations`)).statusCode).toBe(403);
    expect((await api(t, officer, 'GET', `/api/vaccination/sessions/${sessionId}/invitations`)).statusCode).toBe(200);
    expect((await api(t, citizen, 'GET', `/api/vaccination/sessions/${sessionId}/invitations`)).statusCode).toBe(403);
    expect((await api(t, null, 'POST', `/api/vaccination/sessions/${sessionId}/invitations`)).statusCode).toBe(401);
    expect((await api(t, staff, 'POST', '/api/vaccination/sessions/not-a-uuid/invitations')).statusCode).toBe(400);
    expect((await api(t, staff, 'POST', `/api/vaccination/sessions/${crypto.randomUUID()}/invitations`)).statusCode).toBe(404);
  });

  it('marks invitations without an arrival as no-shows when the session closes', async () => {
    await t.conn.db.insertInto('session_arrivals').values({ id: uuidv7(), session_id: sessionId, person_id: P.firstG01!, arrived_at: new Date(), area_path: 'VN.01.00004' } as never).execute();
    // The session ran (opened on its day); closing it through the route settles the invitations.
    await t.conn.db.updateTable('vaccination_sessions').set({ status: 'open' }).where('id', '=', sessionId).execute();
    await ok(api(t, staff, 'POST', `/api/vaccination/sessions/${sessionId}/close`), 200);
    const statuses = await t.conn.db.selectFrom('vaccination_invitations').select(['person_id', 'status']).where('session_id', '=', sessionId).execute();
    expect(statuses.find((s) => s.person_id === P.firstG01)!.status).toBe('arrived');
    expect(statuses.filter((s) => s.status === 'no_show')).toHaveLength(4);
    const audit = await t.conn.db.selectFrom('audit_log').select('details').where('action', '=', 'session.close').where('entity_id', '=', sessionId).executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ arrived: 1, noShows: 4 });
    // Settling twice changes nothing.
    expect(await t.conn.db.transaction().execute((trx) => markNoShows(trx, sessionId))).toEqual({ arrived: 0, noShows: 0 });
    // Closed: no more invitations.
    expect((await api(t, staff, 'POST', `/api/vaccination/sessions/${sessionId}/invitations`)).statusCode).toBe(409);
  });
});

describe('notification outbox', () => {
  it('enqueues once per dedupe key', async () => {
    const personId = await person();
    const req = { personId, channel: 'sms' as const, template: 'vaccination.invitation', params: { siteName: 'X' }, dedupeKey: `test:${personId}` };
    expect(await enqueueNotification(t.conn.db, req)).toBe(true);
    expect(await enqueueNotification(t.conn.db, { ...req, params: { siteName: 'Y' } })).toBe(false);
    const rows = await t.conn.db.selectFrom('notification_outbox').select('params').where('dedupe_key', '=', req.dedupeKey).execute();
    expect(rows).toEqual([{ params: { siteName: 'X' } }]);
  });

  it('delivers pending messages through the adapter, retrying failures with backoff until the limit', async () => {
    const failing: NotificationAdapter = { name: 'down', deliver: async () => { throw Object.assign(new Error('gateway said 0912345678 is busy'), { code: 'EBUSY' }); } };
    const pending = (await t.conn.db.selectFrom('notification_outbox').select('id').where('status', '=', 'pending').execute()).length;
    expect(pending).toBeGreaterThan(0);
    const r1 = await deliverPendingNotifications(t.conn.db, failing, { maxAttempts: 2 });
    expect(r1).toEqual({ sent: 0, retrying: pending, failed: 0 });
    const after = await t.conn.db.selectFrom('notification_outbox').select(['attempts', 'last_error', 'status', sql<boolean>`next_attempt_at > now()`.as('later')]).execute();
    expect(after.every((a) => a.attempts === 1 && a.status === 'pending' && a.later)).toBe(true);
    expect(after[0]!.last_error).toBe('Error:EBUSY'); // the error kind only, never the gateway's text with a number
    // Not due yet: nothing is tried.
    expect(await deliverPendingNotifications(t.conn.db, failing, { maxAttempts: 2 })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    await sql`UPDATE notification_outbox SET next_attempt_at = now() - interval '1 second'`.execute(t.conn.db);
    const recorder = new RecordOnlyAdapter();
    // Batches of 2: several rounds in one run.
    const r2 = await deliverPendingNotifications(t.conn.db, recorder, { batchSize: 2 });
    expect(r2).toEqual({ sent: pending, retrying: 0, failed: 0 });
    expect(recorder.delivered).toBe(pending);
    const sent = await t.conn.db.selectFrom('notification_outbox').select(['status', 'attempts', 'sent_at']).execute();
    expect(sent.every((s) => s.status === 'sent' && s.attempts === 2 && s.sent_at !== null)).toBe(true);

    const personId = await person();
    await enqueueNotification(t.conn.db, { personId, channel: 'app', template: 'vaccination.invitation', params: {}, dedupeKey: `fail:${personId}` });
    expect(await deliverPendingNotifications(t.conn.db, failing, { maxAttempts: 1 })).toEqual({ sent: 0, retrying: 0, failed: 1 });
    expect((await t.conn.db.selectFrom('notification_outbox').select('status').where('dedupe_key', '=', `fail:${personId}`).executeTakeFirstOrThrow()).status).toBe('failed');
  });
});
