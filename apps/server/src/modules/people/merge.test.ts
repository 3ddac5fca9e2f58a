import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { NO_JOBS } from '../../jobs';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { actorFromToken } from '../access/sessions';
import { mergePeople } from './merge-people';
import { api, auditRows, BA_DINH, cccd, count, createPerson, NGOC_HA } from './people.fixtures';

let t: TestApp;
let officer: string; // commune officer of Ba Đình
let province: string;

beforeAll(async () => {
  t = await createTestApp();
  officer = (await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }])).cookie;
  province = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
});
afterAll(async () => {
  await t?.close();
});

async function candidateFor(a: string, b: string) {
  const [x, y] = [a, b].sort();
  return t.conn.db.selectFrom('duplicate_candidates').selectAll().where('person_a', '=', x!).where('person_b', '=', y!).executeTakeFirst();
}

describe('merge', () => {
  it('moves every link to the survivor and keeps the merged record', async () => {
    const hh = (await api(t, officer, 'POST', '/api/households', { communeCode: BA_DINH })).json().id as string;
    const idSurvivor = cccd(1990, 'female');
    const survivor = await createPerson(t, officer, { fullName: 'Nguyễn Thị Hồng Nhung', birthDate: '1990', sex: 'female', identifiers: [{ kind: 'cccd', value: idSurvivor }] });
    const merged = await createPerson(t, officer, {
      fullName: 'Nguyen Thi Hong Nhung', birthDate: '1990-03-07', sex: 'female', phone: '0911222333', address: 'Số 9 Kim Mã',
      householdId: hh, householdRole: 'spouse', identifiers: [{ kind: 'cmnd', value: '013579246' }, { kind: 'passport', value: 'C7654321' }],
    });
    // A third record resembling the merged one: its pending pair must follow the merge.
    // (in another commune, with the day and month swapped: like the merged record, not enough like the survivor).
    const third = await createPerson(t, province, { fullName: 'Nguyen Thi Hong Nhung', birthDate: '1990-07-03', sex: 'female', communeCode: NGOC_HA });
    const citizen = await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }], { personId: merged.id });

    const pair = await candidateFor(survivor.id, merged.id);
    expect(pair?.status).toBe('pending');
    const thirdPair = await candidateFor(merged.id, third.id);
    expect(thirdPair?.status).toBe('pending');
    const peopleBefore = await count(t, 'people');

    const res = await api(t, officer, 'POST', `/api/duplicates/${pair!.id}/merge`, { survivorId: survivor.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ survivorId: survivor.id, mergedId: merged.id });

    // Nothing is deleted.
    expect(await count(t, 'people')).toBe(peopleBefore);
    const gone = await api(t, officer, 'GET', `/api/people/${merged.id}`);
    expect(gone.statusCode).toBe(200);
    expect(gone.json()).toMatchObject({ id: merged.id, mergedInto: survivor.id, fullName: 'Nguyen Thi Hong Nhung', identifiers: [] });

    // The survivor has all identifiers and the fields it lacked; what it had is kept.
    const s = (await api(t, officer, 'GET', `/api/people/${survivor.id}`)).json();
    expect(s.identifiers).toEqual([{ kind: 'cccd', value: idSurvivor }, { kind: 'cmnd', value: '013579246' }, { kind: 'passport', value: 'C7654321' }]);
    expect(s).toMatchObject({ fullName: 'Nguyễn Thị Hồng Nhung', birthDate: '1990-03-07', phone: '0911222333', address: 'Số 9 Kim Mã', householdId: hh, householdRole: 'spouse', version: 2, mergedInto: null });
    expect(s.household.members.map((m: { id: string }) => m.id)).toEqual([survivor.id]);

    // The citizen account follows, and /api/me/person answers with the survivor.
    const user = await t.conn.db.selectFrom('users').select('person_id').where('id', '=', citizen.userId).executeTakeFirstOrThrow();
    expect(user.person_id).toBe(survivor.id);
    const me = await api(t, citizen.cookie, 'GET', '/api/me/person');
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(survivor.id);

    // The reviewed pair is closed; the third record's pair now points at the survivor.
    expect((await candidateFor(survivor.id, merged.id))?.status).toBe('merged');
    const moved = await t.conn.db.selectFrom('duplicate_candidates').selectAll().where('id', '=', thirdPair!.id).executeTakeFirstOrThrow();
    expect([moved.person_a, moved.person_b].sort()).toEqual([survivor.id, third.id].sort());
    expect(moved.status).toBe('pending');

    // Search returns only the survivor.
    const found = (await api(t, officer, 'GET', `/api/people?q=${encodeURIComponent('nguyen thi hong nhung')}`)).json().items.map((i: { id: string }) => i.id);
    expect(found).toContain(survivor.id);
    expect(found).not.toContain(merged.id);
    expect((await api(t, officer, 'GET', '/api/people?idNumber=013579246')).json().items.map((i: { id: string }) => i.id)).toEqual([survivor.id]);

    // The merge is recorded with a snapshot, and audited without personal data.
    const [log] = await t.conn.db.selectFrom('person_merges').selectAll().where('merged_id', '=', merged.id).execute();
    expect(log).toMatchObject({ survivor_id: survivor.id });
    expect(log!.merged_snapshot).toMatchObject({ full_name: 'Nguyen Thi Hong Nhung', phone: '0911222333', identifiers: [{ kind: 'cmnd', value: '013579246' }, { kind: 'passport', value: 'C7654321' }] });
    expect(log!.moved).toMatchObject({ filled: expect.arrayContaining(['phone', 'address', 'birth_date', 'household_id']), accounts: [citizen.userId] });
    const [audit] = await auditRows(t, 'person.merge', survivor.id);
    expect(audit!.details).toMatchObject({ mergedId: merged.id, candidateId: pair!.id, accountsRelinked: 1, candidatesRepointed: 1 });
    expect(JSON.stringify(audit!.details)).not.toMatch(/013579246|0911222333|Nhung/);

    // A merged record is frozen, and cannot be merged again or merged into.
    const edit = await api(t, officer, 'PATCH', `/api/people/${merged.id}`, { version: 2, address: 'x' });
    expect(edit.statusCode).toBe(409);
    expect(edit.json()).toMatchObject({ code: 'merged', mergedInto: survivor.id });
    const again = await api(t, officer, 'POST', `/api/duplicates/${pair!.id}/merge`, { survivorId: survivor.id });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('candidate_decided');
    expect(await candidateFor(survivor.id, third.id)).toMatchObject({ id: thirdPair!.id });
    const chain = await api(t, province, 'POST', `/api/duplicates/${moved.id}/merge`, { survivorId: third.id });
    expect(chain.statusCode).toBe(200); // third absorbs the survivor: then earlier merges point at third directly
    expect((await t.conn.db.selectFrom('people').select('merged_into').where('id', '=', merged.id).executeTakeFirstOrThrow()).merged_into).toBe(third.id);
  });

  it('refuses merging into a merged record, records with different CCCDs, and two linked accounts', async () => {
    const a = await createPerson(t, officer, { fullName: 'Lý Văn Một', birthDate: '1960-01-01', sex: 'male', identifiers: [{ kind: 'cccd', value: cccd(1960, 'male') }] });
    const b = await createPerson(t, officer, { fullName: 'Lý Văn Một', birthDate: '1960-01-01', sex: 'male', identifiers: [{ kind: 'cccd', value: cccd(1960, 'male') }] });
    const c = await createPerson(t, officer, { fullName: 'Ly Van Mot', birthDate: '1960-01-01', sex: 'male' });
    const d = await createPerson(t, officer, { fullName: 'Lý Văn Một', birthDate: '1960', sex: 'male' });
    const before = await count(t, 'person_merges');
    const ctx = { actor: await actorFromToken(t.conn.db, officer.split('=')[1]!, 12), ip: null, requestId: null };
    const deps = { db: t.conn.db, config: t.config, jobs: NO_JOBS };

    await expect(mergePeople(deps, ctx, { survivorId: a.id, mergedId: b.id })).rejects.toMatchObject({ code: 'conflicting_identifiers', status: 409 });
    await expect(mergePeople(deps, ctx, { survivorId: a.id, mergedId: a.id })).rejects.toMatchObject({ code: 'same_person', status: 400 });
    await mergePeople(deps, ctx, { survivorId: a.id, mergedId: c.id });
    await expect(mergePeople(deps, ctx, { survivorId: c.id, mergedId: d.id })).rejects.toMatchObject({ code: 'merged', status: 409, details: { mergedInto: a.id } });
    await expect(mergePeople(deps, ctx, { survivorId: d.id, mergedId: c.id })).rejects.toMatchObject({ code: 'merged', status: 409 });
    await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }], { personId: a.id });
    await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }], { personId: d.id });
    await expect(mergePeople(deps, ctx, { survivorId: a.id, mergedId: d.id })).rejects.toMatchObject({ code: 'both_linked', status: 409 });
    expect(await count(t, 'person_merges')).toBe(before + 1);
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM people WHERE merged_into IS NOT NULL AND id IN (${b.id}, ${d.id})`.execute(t.conn.db);
    expect(rows.rows[0]!.n).toBe(0);
  });

  it('refuses a survivor that is not one of the pair, and a pair across communes for a commune officer', async () => {
    const a = await createPerson(t, province, { fullName: 'Đoàn Thị Hai', birthDate: '1977-02-02', sex: 'female', communeCode: BA_DINH });
    const b = await createPerson(t, province, { fullName: 'Doan Thi Hai', birthDate: '1977-02-02', sex: 'female', communeCode: NGOC_HA });
    const pair = await candidateFor(a.id, b.id);
    expect(pair).toBeDefined();
    const wrong = await api(t, province, 'POST', `/api/duplicates/${pair!.id}/merge`, { survivorId: '0190a000-0000-7000-8000-000000000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'candidate_mismatch', field: 'survivorId' });
    expect((await api(t, officer, 'POST', `/api/duplicates/${pair!.id}/merge`, { survivorId: a.id })).statusCode).toBe(404);
    expect((await api(t, province, 'POST', `/api/duplicates/${pair!.id}/merge`, { survivorId: b.id })).statusCode).toBe(200);
  });
});
