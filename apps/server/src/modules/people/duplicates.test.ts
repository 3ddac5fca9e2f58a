import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_JOBS } from '../../jobs';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, auditRows, BA_DINH, cccd, count, createPerson, NGOC_HA, THU_DAU_MOT } from './people.fixtures';
import { scanDuplicates, scanDuplicatesJob } from './scan-duplicates';
import { commonAreaPath, wordOrders } from './find-duplicates';

let t: TestApp;
let officer: string; // commune officer of Ba Đình
let province: string;
let national: string;

beforeAll(async () => {
  t = await createTestApp();
  officer = (await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }])).cookie;
  province = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
});
afterAll(async () => {
  await t?.close();
});

async function pairs() {
  return t.conn.db.selectFrom('duplicate_candidates').selectAll().execute();
}
function pairOf(a: string, b: string) {
  return [a, b].sort() as [string, string];
}

describe('duplicate detection on create', () => {
  it('flags a copy typed without diacritics, in the same commune', async () => {
    const a = await createPerson(t, officer, { fullName: 'Nguyễn Thị Hồng Nhung', birthDate: '1990-03-07', sex: 'female', identifiers: [{ kind: 'cccd', value: cccd(1990, 'female') }] });
    const b = await createPerson(t, officer, { fullName: 'Nguyen Thi Hong Nhung', birthDate: '1990-03-07', sex: 'female', identifiers: [{ kind: 'cmnd', value: '012345678' }] });
    const found = (await pairs()).find((p) => [p.person_a, p.person_b].join() === pairOf(a.id, b.id).join());
    expect(found).toBeDefined();
    expect(found!.score).toBeGreaterThanOrEqual(0.75);
    expect(found!.reasons).toEqual(expect.arrayContaining(['same name without diacritics', 'same birth date', 'same commune']));
    expect(found!.area_path).toBe('VN.01.00004');
    expect(found!.status).toBe('pending');
  });

  it('flags day and month transposed, across communes of one province, and files the pair under the province', async () => {
    const a = await createPerson(t, province, { fullName: 'Trần Văn Khoa', birthDate: '1984-03-07', sex: 'male', communeCode: BA_DINH });
    const b = await createPerson(t, province, { fullName: 'Tran Van Khoa', birthDate: '1984-07-03', sex: 'male', communeCode: NGOC_HA });
    const found = (await pairs()).find((p) => p.person_a === pairOf(a.id, b.id)[0] && p.person_b === pairOf(a.id, b.id)[1]);
    expect(found?.reasons).toContain('birth day and month transposed');
    expect(found?.area_path).toBe('VN.01');
  });

  it('flags the family name written last and a typo in the same commune', async () => {
    const before = await count(t, 'duplicate_candidates');
    await createPerson(t, officer, { fullName: 'Lê Minh Tuấn', birthDate: '1975-11-02', sex: 'male' });
    await createPerson(t, officer, { fullName: 'Minh Tuấn Lê', birthDate: '1975-11-02', sex: 'male' });
    await createPerson(t, officer, { fullName: 'Lê Minh Tuất', birthDate: '1975-11-02', sex: 'male' }); // a typo
    expect(await count(t, 'duplicate_candidates')).toBe(before + 3);
  });

  it('does not flag clearly different people, or people with different CCCD numbers', async () => {
    const before = await count(t, 'duplicate_candidates');
    await createPerson(t, officer, { fullName: 'Phạm Quốc Bảo', birthDate: '1961-01-01', sex: 'male' });
    await createPerson(t, officer, { fullName: 'Phạm Quốc Bảo', birthDate: '1999-01-01', sex: 'male' }); // another generation
    await createPerson(t, officer, { fullName: 'Phạm Thị Bảo', birthDate: '1961-01-01', sex: 'female' });
    await createPerson(t, officer, { fullName: 'Đinh Hải Yến', birthDate: '1961-01-01', sex: 'female' });
    await createPerson(t, officer, { fullName: 'Võ Thành Công', birthDate: '1970-05-05', sex: 'male', identifiers: [{ kind: 'cccd', value: cccd(1970, 'male') }] });
    await createPerson(t, officer, { fullName: 'Võ Thành Công', birthDate: '1970-05-05', sex: 'male', identifiers: [{ kind: 'cccd', value: cccd(1970, 'male') }] });
    // The same common name and year in two provinces, with only the year known, is not evidence enough.
    await createPerson(t, national, { fullName: 'Nguyễn Văn Hùng', birthDate: '1980', sex: 'male', communeCode: BA_DINH });
    await createPerson(t, national, { fullName: 'Nguyễn Văn Hùng', birthDate: '1980', sex: 'male', communeCode: THU_DAU_MOT });
    expect(await count(t, 'duplicate_candidates')).toBe(before);
  });
});

describe('bulk scan', () => {
  it('finds planted duplicates that were loaded without detection, and is idempotent', async () => {
    // Rows written straight to the table (as an import would) skip detection on create.
    const insert = async (fullName: string, searchName: string, birthDate: string, sex: string, communeCode: string, path: string) => {
      const id = crypto.randomUUID();
      await t.conn.db.insertInto('people').values({ id, full_name: fullName, search_name: searchName, birth_date: birthDate, sex, commune_code: communeCode, area_path: path }).execute();
      return id;
    };
    const a = await insert('Hoàng Thị Mai Anh', 'hoang thi mai anh', '2001-02-09', 'female', THU_DAU_MOT, 'VN.79.25747');
    const b = await insert('Hoang Thi Mai Anh', 'hoang thi mai anh', '2001-09-02', 'female', THU_DAU_MOT, 'VN.79.25747');
    const c = await insert('Hoàng Thị Mai Anh', 'hoang thi mai anh', '1950-09-02', 'female', THU_DAU_MOT, 'VN.79.25747');
    const before = await count(t, 'duplicate_candidates');
    const deps = { db: t.conn.db, config: t.config, jobs: NO_JOBS };
    const first = await scanDuplicates(deps, { areaPath: 'VN.79', batchSize: 2 });
    expect(first.candidatesFound).toBe(1);
    const found = await t.conn.db.selectFrom('duplicate_candidates').selectAll().where('person_a', '=', pairOf(a, b)[0]).where('person_b', '=', pairOf(a, b)[1]).executeTakeFirst();
    expect(found?.reasons).toContain('birth day and month transposed');
    expect(found?.area_path).toBe('VN.79.25747');
    expect(await t.conn.db.selectFrom('duplicate_candidates').select('id').where((eb) => eb.or([eb('person_a', '=', c), eb('person_b', '=', c)])).execute()).toHaveLength(0);
    const again = await scanDuplicates(deps, { areaPath: 'VN.79' });
    expect(again.candidatesFound).toBe(0);
    expect(await count(t, 'duplicate_candidates')).toBe(before + 1);
    // A whole-country scan finds nothing new either: everything was found on create.
    expect((await scanDuplicates(deps, {})).candidatesFound).toBe(0);
  });

  it('runs through the scan route (inline without a job queue) for province and country staff only', async () => {
    const res = await api(t, province, 'POST', '/api/duplicates/scan', {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'done', areaPath: 'VN.01' });
    expect((await api(t, officer, 'POST', '/api/duplicates/scan', {})).statusCode).toBe(403);
    expect((await api(t, province, 'POST', '/api/duplicates/scan', { areaCode: '79' })).statusCode).toBe(403);
    expect((await api(t, national, 'POST', '/api/duplicates/scan', { areaCode: '79' })).json()).toMatchObject({ status: 'done', areaPath: 'VN.79' });
    expect(await auditRows(t, 'duplicate.scan')).toHaveLength(2);
  });

  it('exports a job definition that validates its payload', async () => {
    const job = scanDuplicatesJob({ db: t.conn.db, config: t.config, jobs: NO_JOBS });
    expect(job.name).toBe('people.scan-duplicates');
    expect(job.payload.safeParse({ areaPath: 'VN.01' }).success).toBe(true);
    expect(job.payload.safeParse({ areaPath: 'VN.01', extra: 1 }).success).toBe(false);
    expect(await job.handler(job.payload.parse({ areaPath: 'VN.01' }))).toMatchObject({ candidatesFound: 0 });
  });

  it('queues the scan when a job queue is running', async () => {
    const sent: { name: string; payload: object }[] = [];
    const jobs = { send: async (name: string, payload: object) => (sent.push({ name, payload }), 'job-1'), get: async () => null };
    const t2 = await createTestApp({ jobs });
    try {
      const { cookie } = await signInAs(t2, [{ role: 'national_admin', areaCode: 'VN' }]);
      const res = await t2.app.inject({ method: 'POST', url: '/api/duplicates/scan', headers: { cookie }, payload: {} });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ status: 'queued', jobId: 'job-1', areaPath: null });
      expect(sent).toEqual([{ name: 'people.scan-duplicates', payload: { areaPath: null, batchSize: 1000 } }]);
    } finally {
      await t2.close();
    }
  });
});

describe('review queue', () => {
  it('lists pending pairs best first, only where the actor can merge both, and dismisses them', async () => {
    const list = await api(t, province, 'GET', '/api/duplicates?status=pending');
    expect(list.statusCode).toBe(200);
    const items = list.json().items as { id: string; score: number; personA: { id: string; fullName: string }; personB: { id: string } }[];
    expect(items.length).toBeGreaterThanOrEqual(4);
    expect(items.map((i) => i.score)).toEqual([...items.map((i) => i.score)].sort((x, y) => y - x));
    expect(items[0]!.personA.fullName).toBeTypeOf('string');
    // The commune officer does not see the pair that spans two communes.
    const mine = (await api(t, officer, 'GET', '/api/duplicates')).json().items as { id: string; personA: { fullName: string } }[];
    expect(mine.length).toBe(items.length - 1);
    expect(mine.map((i) => i.personA.fullName)).not.toContain('Trần Văn Khoa');

    const target = mine[0]!;
    const dismissed = await api(t, officer, 'POST', `/api/duplicates/${target.id}/dismiss`);
    expect(dismissed.statusCode).toBe(200);
    expect(dismissed.json()).toEqual({ id: target.id, status: 'dismissed' });
    expect((await api(t, officer, 'POST', `/api/duplicates/${target.id}/dismiss`)).json().code).toBe('candidate_decided');
    expect((await api(t, officer, 'GET', '/api/duplicates')).json().items.map((i: { id: string }) => i.id)).not.toContain(target.id);
    expect((await api(t, officer, 'GET', '/api/duplicates?status=dismissed')).json().items.map((i: { id: string }) => i.id)).toContain(target.id);
    expect(await auditRows(t, 'duplicate.dismiss', target.id)).toHaveLength(1);
  });

  it('hides a pair outside the jurisdiction as not found', async () => {
    const spanning = (await api(t, province, 'GET', '/api/duplicates')).json().items.find((i: { personA: { fullName: string } }) => i.personA.fullName.includes('Khoa'));
    const res = await api(t, officer, 'POST', `/api/duplicates/${spanning.id}/dismiss`);
    expect(res.statusCode).toBe(404);
  });
});

describe('helpers', () => {
  it('files a pair under the deepest common area', () => {
    expect(commonAreaPath('VN.01.00004', 'VN.01.00004')).toBe('VN.01.00004');
    expect(commonAreaPath('VN.01.00004', 'VN.01.00008')).toBe('VN.01');
    expect(commonAreaPath('VN.01.00004', 'VN.79.25747')).toBe('VN');
    expect(commonAreaPath(null, 'VN.01')).toBeNull();
  });

  it('lists word orders of short names only', () => {
    expect(wordOrders('nguyen van an').sort()).toEqual(['an nguyen van', 'an van nguyen', 'nguyen an van', 'nguyen van an', 'van an nguyen', 'van nguyen an']);
    expect(wordOrders('a b c d e f')).toEqual(['a b c d e f']);
  });
});
