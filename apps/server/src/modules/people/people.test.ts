import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, auditRows, BA_DINH, cccd, count, createPerson, NGOC_HA } from './people.fixtures';

let t: TestApp;
let officer: string; // commune officer of Ba Đình
let province: string; // province officer of Hà Nội

beforeAll(async () => {
  t = await createTestApp();
  officer = (await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }])).cookie;
  province = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
});
afterAll(async () => {
  await t?.close();
});

describe('create and read', () => {
  it('creates a person with identifiers and reads it back with its area label', async () => {
    const id = cccd(1990, 'male');
    const res = await api(t, officer, 'POST', '/api/people', {
      fullName: '  Nguyễn   Văn  Đức ', birthDate: '1990-03-07', sex: 'male', phone: '+84 912 345 678', address: 'Số 1 Phố Đội Cấn',
      communeCode: BA_DINH, identifiers: [{ kind: 'cccd', value: `${id.slice(0, 4)} ${id.slice(4, 8)}.${id.slice(8)}` }],
    });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({
      fullName: 'Nguyễn Văn Đức', birthDate: '1990-03-07', sex: 'male', phone: '0912345678', communeCode: BA_DINH,
      areaLabel: 'Phường Ba Đình, Thành phố Hà Nội', identifiers: [{ kind: 'cccd', value: id }], mergedInto: null, version: 1, household: null,
    });
    const got = await api(t, officer, 'GET', `/api/people/${p.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(p);
    const row = await t.conn.db.selectFrom('people').select(['search_name', 'birth_year', 'area_path']).where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ search_name: 'nguyen van duc', birth_year: 1990, area_path: 'VN.01.00004' });
  });

  it('stores NFC even when the name arrives decomposed', async () => {
    const p = await createPerson(t, officer, { fullName: 'Trần Thị Ngọc Ánh'.normalize('NFD') });
    expect(p.fullName).toBe('Trần Thị Ngọc Ánh'.normalize('NFC'));
  });

  it('accepts partial birth dates and keeps their precision', async () => {
    for (const birthDate of ['1954', '1954-03', '1954-03-21']) {
      const p = await createPerson(t, officer, { fullName: 'Lê Văn Tám', birthDate });
      expect(p.birthDate).toBe(birthDate);
    }
    const row = await t.conn.db.selectFrom('people').select('birth_year').where('full_name', '=', 'Lê Văn Tám').execute();
    expect(row.map((r) => r.birth_year)).toEqual([1954, 1954, 1954]);
  });

  it('returns 404 for an unknown id and 400 for a malformed one', async () => {
    const missing = await api(t, officer, 'GET', '/api/people/0190a000-0000-7000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not_found');
    const bad = await api(t, officer, 'GET', '/api/people/not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('params.id');
  });

  it('audits every read and create, without personal data in the details', async () => {
    const p = await createPerson(t, officer, { fullName: 'Phạm Thị Audit', phone: '0987654321' });
    await api(t, officer, 'GET', `/api/people/${p.id}`);
    await api(t, officer, 'GET', `/api/people/${p.id}`);
    const created = await auditRows(t, 'person.create', p.id);
    expect(created).toHaveLength(1);
    expect(created[0]!.area_path).toBe('VN.01.00004');
    const reads = await auditRows(t, 'person.read', p.id);
    expect(reads).toHaveLength(2);
    expect(JSON.stringify([...created, ...reads].map((r) => r.details))).not.toMatch(/Audit|0987654321/);
  });
});

describe('exact duplicate identifiers', () => {
  it('refuses a second person with the same CCCD and names the existing record to those who may see it', async () => {
    const id = cccd(1985, 'female');
    const first = await createPerson(t, officer, { fullName: 'Đỗ Thị Hoa', birthDate: '1985', sex: 'female', identifiers: [{ kind: 'cccd', value: id }] });
    const before = await count(t, 'people');
    const again = await api(t, officer, 'POST', '/api/people', { fullName: 'Do Thi Hoa', birthDate: '1985-01-01', sex: 'female', communeCode: BA_DINH, identifiers: [{ kind: 'cmnd', value: '123456789' }, { kind: 'cccd', value: id }] });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'duplicate_identifier', field: 'identifiers.1.value', existingPersonId: first.id });
    expect(await count(t, 'people')).toBe(before);
    // The CMND of the refused request was not stored either.
    expect(await t.conn.db.selectFrom('person_identifiers').select('value').where('value', '=', '123456789').execute()).toHaveLength(0);

    const other = (await signInAs(t, [{ role: 'commune_officer', areaCode: NGOC_HA }])).cookie;
    const hidden = await api(t, other, 'POST', '/api/people', { fullName: 'Đỗ Thị Hoa', birthDate: '1985', sex: 'female', communeCode: NGOC_HA, identifiers: [{ kind: 'cccd', value: id }] });
    expect(hidden.statusCode).toBe(409);
    expect(hidden.json().code).toBe('duplicate_identifier');
    expect(hidden.json().existingPersonId).toBeUndefined();
  });
});

describe('update', () => {
  it('edits with the current version, bumps it, and audits the names of the changed fields', async () => {
    const p = await createPerson(t, officer, { fullName: 'Hoàng Văn Sửa', birthDate: '1970', sex: 'male' });
    const res = await api(t, officer, 'PATCH', `/api/people/${p.id}`, { version: 1, birthDate: '1970-05-04', phone: '0901234567', identifiers: [{ kind: 'cccd', value: cccd(1970, 'male') }] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 2, birthDate: '1970-05-04', phone: '0901234567' });
    expect(res.json().identifiers).toHaveLength(1);
    const [audit] = await auditRows(t, 'person.update', p.id);
    expect((audit!.details as { changed: string[] }).changed.sort()).toEqual(['birthDate', 'identifiers', 'phone']);
    expect(JSON.stringify(audit!.details)).not.toContain('0901234567');
  });

  it('refuses a stale version with 409 version_conflict and changes nothing', async () => {
    const p = await createPerson(t, officer, { fullName: 'Vũ Văn Cũ' });
    expect((await api(t, officer, 'PATCH', `/api/people/${p.id}`, { version: 1, address: 'Ngõ 5' })).statusCode).toBe(200);
    const stale = await api(t, officer, 'PATCH', `/api/people/${p.id}`, { version: 1, address: 'Ngõ 7' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    expect((await api(t, officer, 'GET', `/api/people/${p.id}`)).json().address).toBe('Ngõ 5');
  });

  it('can clear optional fields and refuses a birth date that contradicts the CCCD', async () => {
    const p = await createPerson(t, officer, { fullName: 'Bùi Thị Xoá', birthDate: '1999', sex: 'female', phone: '0355555555', identifiers: [{ kind: 'cccd', value: cccd(1999, 'female') }] });
    const cleared = await api(t, officer, 'PATCH', `/api/people/${p.id}`, { version: 1, phone: null });
    expect(cleared.json().phone).toBeNull();
    const contradiction = await api(t, officer, 'PATCH', `/api/people/${p.id}`, { version: 2, birthDate: '1998' });
    expect(contradiction.statusCode).toBe(400);
    expect(contradiction.json()).toMatchObject({ code: 'invalid_identifier', field: 'birthDate' });
  });

  it('refuses moving a person to a commune outside the jurisdiction, and accepts one inside', async () => {
    const p = await createPerson(t, officer, { fullName: 'Ngô Văn Chuyển' });
    const away = await api(t, officer, 'PATCH', `/api/people/${p.id}`, { version: 1, communeCode: NGOC_HA });
    expect(away.statusCode).toBe(403);
    const byProvince = await api(t, province, 'PATCH', `/api/people/${p.id}`, { version: 1, communeCode: NGOC_HA });
    expect(byProvince.statusCode).toBe(200);
    expect(byProvince.json()).toMatchObject({ communeCode: NGOC_HA, areaLabel: 'Phường Ngọc Hà, Thành phố Hà Nội' });
    const row = await t.conn.db.selectFrom('people').select('area_path').where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.area_path).toBe('VN.01.00008');
  });
});

describe('households', () => {
  it('creates a household, adds members on create and update, and lists them', async () => {
    const res = await api(t, officer, 'POST', '/api/households', { communeCode: BA_DINH, address: 'Số 3 Ngõ Hoà Bình' });
    expect(res.statusCode).toBe(201);
    const hh = res.json().id as string;
    const head = await createPerson(t, officer, { fullName: 'Chủ Hộ Một', householdId: hh, householdRole: 'head' });
    const child = await createPerson(t, officer, { fullName: 'Con Hộ Một' });
    const joined = await api(t, officer, 'PATCH', `/api/people/${child.id}`, { version: 1, householdId: hh, householdRole: 'child' });
    expect(joined.statusCode).toBe(200);
    expect(joined.json().household.members.map((m: { id: string }) => m.id).sort()).toEqual([head.id, child.id].sort());
    const got = await api(t, officer, 'GET', `/api/households/${hh}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ id: hh, communeCode: BA_DINH, address: 'Số 3 Ngõ Hoà Bình' });
    expect(got.json().members).toHaveLength(2);
    expect(await auditRows(t, 'household.create', hh)).toHaveLength(1);
  });

  it('refuses an unknown household', async () => {
    const res = await api(t, officer, 'POST', '/api/people', { fullName: 'Không Hộ', sex: 'unknown', communeCode: BA_DINH, householdId: '0190a000-0000-7000-8000-000000000001' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'unknown_household', field: 'householdId' });
  });
});

describe('OpenAPI', () => {
  it('documents the routes with named schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    for (const name of ['Person', 'PersonSummary', 'PersonCreate', 'PersonUpdate', 'PersonSearchResult', 'Household', 'DuplicateCandidate']) {
      expect(Object.keys(doc.components.schemas), name).toContain(name);
    }
    for (const path of ['/api/people', '/api/people/{id}', '/api/me/person', '/api/households', '/api/households/{id}', '/api/duplicates', '/api/duplicates/scan', '/api/duplicates/{id}/dismiss', '/api/duplicates/{id}/merge']) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
  });
});
