import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { JobQueue, type Jobs } from '../../jobs';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { importTargetsJob } from './process-target-import';
import { api, BA_DINH, NGOC_HA, ok } from './vaccination.fixtures';
import { csvOf, parseErrorsCsv, upload, VI_HEADERS, XLSX_TYPE, xlsxOf } from './targets.fixtures';

let t: TestApp;
let national: string;
let staff: string; // vaccination staff of Ba Đình
let staffOther: string; // a second vaccination staff of Ba Đình
let listId: string;
let knownById: string;
let knownByName: string;

interface ImportOutT { id: string; status: string; rowsTotal: number; rowsOk: number; rowsFailed: number; peopleCreated: number; peopleLinked: number; progress: number; errorsUrl: string }

const count = async (table: 'people' | 'target_list_entries' | 'target_import_errors') => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.conn.db)).rows[0]!.n;

beforeAll(async () => {
  t = await createTestApp();
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
  staff = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
  staffOther = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
  listId = (await ok<{ id: string }>(api(t, staff, 'POST', '/api/vaccination/target-lists', { name: 'Danh sách Ba Đình đợt 1', areaCode: BA_DINH }))).id;
  knownById = (await ok<{ id: string }>(api(t, national, 'POST', '/api/people', { fullName: 'Nguyễn Văn An', birthDate: '1990-03-07', sex: 'male', communeCode: BA_DINH, identifiers: [{ kind: 'cccd', value: '001090012345' }] }))).id;
  knownByName = (await ok<{ id: string }>(api(t, national, 'POST', '/api/people', { fullName: 'Trần Thị Bình', birthDate: '1975-11-20', sex: 'female', communeCode: BA_DINH }))).id;
});
afterAll(async () => {
  await t?.close();
});

describe('target list import', () => {
  it('stores the good rows, links known people, creates new ones and reports each broken row with its column', async () => {
    const peopleBefore = await count('people');
    const file = csvOf([
      VI_HEADERS,
      ['Nguyễn Văn An', '07/03/1990', 'Nam', '001090012345', '', BA_DINH, '1'], // row 2: linked by CCCD
      ['TRAN THI BINH', '20/11/1975', 'Nữ', '', '', BA_DINH, 'G08'], // row 3: linked by name + birth date + commune
      ['Lê Văn Mới', '01/02/1985', 'Nam', '', '0912 345 678', BA_DINH, '8'], // row 4: created
      ['', '01/01/1990', 'Nam', '', '', BA_DINH, '1'], // row 5: no name
      ['Phạm Văn Cường', '31/02/1990', 'X', '', '', BA_DINH, '99'], // row 6: three problems
      ['Hoàng Văn Dũng', '1990', 'Nam', '', '', NGOC_HA, ''], // row 7: outside the list's area
      ['Vũ Thị E', '1991', 'Nữ', '001191012345', '', BA_DINH, ''], // row 8: a new CCCD -> created with it
      ['Lý Quốc Tuấn', '1990', 'Nam', '001090012345', '', BA_DINH, ''], // row 9: An's CCCD on another name
    ]);
    const res = await ok<ImportOutT>(upload(t, staff, listId, file));
    expect(res).toMatchObject({ status: 'done', rowsTotal: 8, rowsOk: 4, rowsFailed: 4, peopleCreated: 2, peopleLinked: 2, progress: 1 });
    expect(await count('people')).toBe(peopleBefore + 2);

    const entries = await ok<{ items: { personId: string; priorityGroup: string | null; rowNumber: number }[] }>(api(t, staff, 'GET', `/api/vaccination/target-lists/${listId}/entries`), 200);
    const byRow = new Map(entries.items.map((e) => [e.rowNumber, e]));
    expect(byRow.get(2)).toMatchObject({ personId: knownById, priorityGroup: 'G01' });
    expect(byRow.get(3)).toMatchObject({ personId: knownByName, priorityGroup: 'G08' });
    const created = await t.conn.db.selectFrom('people').select(['full_name', 'phone', 'birth_date', 'sex', 'created_by']).where('id', '=', byRow.get(4)!.personId).executeTakeFirstOrThrow();
    expect(created).toMatchObject({ full_name: 'Lê Văn Mới', phone: '0912345678', birth_date: '1985-02-01', sex: 'male' });
    const ids = await t.conn.db.selectFrom('person_identifiers').select('value').where('person_id', '=', byRow.get(8)!.personId).execute();
    expect(ids.map((i) => i.value)).toEqual(['001191012345']);

    const csv = await t.app.inject({ method: 'GET', url: res.errorsUrl, headers: { cookie: staff } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parseErrorsCsv(csv.body);
    expect(rows[0]).toEqual(['Dòng / Row', 'Cột / Column', 'Mã lỗi / Code', 'Mô tả / Problem']);
    const problems = rows.slice(1).map((r) => `${r[0]}|${r[1]}|${r[2]}`);
    expect(problems).toEqual(expect.arrayContaining([
      '5|Họ và tên|required', '6|Ngày sinh|invalid_date', '6|Giới tính|invalid_sex', '6|Nhóm ưu tiên|unknown_group', '7|Mã xã|invalid_commune',
      '9|Số CCCD/CMND|identifier_name_mismatch',
    ]));
    expect(problems).toHaveLength(6);
    // The uploaded file is deleted once processed (it holds personal data).
    expect(await t.conn.db.selectFrom('target_import_files').select('import_id').where('import_id', '=', res.id).execute()).toEqual([]);
  });

  it('reads XLSX with date cells and English headers, and importing again links instead of duplicating', async () => {
    const rows = [
      ['Full name', 'Birth date', 'Sex', 'National ID', 'Phone', 'Commune code', 'Priority group'],
      ['Đỗ Thị Hạnh', new Date(Date.UTC(1966, 4, 9)), 'female', '', '', BA_DINH, 'G08'],
      ['Bùi Văn Khoa', '12/12/1970', 'male', '', '', BA_DINH, '2'],
      ['Ngô Văn Lỗi', 'không rõ', 'male', '', '', BA_DINH, ''],
    ];
    const file = await xlsxOf(rows);
    const first = await ok<ImportOutT>(upload(t, staff, listId, file, XLSX_TYPE, 'ds.xlsx'));
    expect(first).toMatchObject({ status: 'done', rowsTotal: 3, rowsOk: 2, rowsFailed: 1, peopleCreated: 2 });
    const hanh = await t.conn.db.selectFrom('people').select(['id', 'birth_date']).where('full_name', '=', 'Đỗ Thị Hạnh').execute();
    expect(hanh).toEqual([expect.objectContaining({ birth_date: '1966-05-09' })]);
    const errors = parseErrorsCsv((await t.app.inject({ method: 'GET', url: first.errorsUrl, headers: { cookie: staff } })).body);
    expect(errors.slice(1).map((r) => `${r[0]}|${r[2]}`)).toEqual(['4|invalid_date']);

    const people = await count('people');
    const again = await ok<ImportOutT>(upload(t, staff, listId, file, XLSX_TYPE, 'ds.xlsx'));
    expect(again).toMatchObject({ rowsOk: 2, peopleCreated: 0, peopleLinked: 2 });
    expect(await count('people')).toBe(people);
  });

  it('refuses files that cannot be target lists with a 4xx naming the problem, storing nothing', async () => {
    const entries = await count('target_list_entries');
    const people = await count('people');
    const cases: [Buffer, string, string, number, string][] = [
      [csvOf([['Họ và tên', 'Giới tính'], ['An', 'Nam']]), 'text/csv', 'a.csv', 422, 'missing_columns'],
      [csvOf([VI_HEADERS]), 'text/csv', 'a.csv', 422, 'no_rows'],
      [Buffer.from([0xff, 0xfe, 0x48, 0x00, 0xc3]), 'text/csv', 'a.csv', 422, 'not_utf8'],
      [Buffer.from('PK\u0003\u0004 this is not a workbook at all'), XLSX_TYPE, 'a.xlsx', 422, 'malformed_xlsx'],
      [Buffer.from('just some text'), XLSX_TYPE, 'a.xlsx', 422, 'not_xlsx'],
      [csvOf([['Họ và tên', 'Họ và tên', 'Ngày sinh', 'Mã xã']]), 'text/csv', 'a.csv', 422, 'repeated_columns'],
      [Buffer.from('"unterminated,quote\nx'), 'text/csv', 'a.csv', 422, 'malformed_csv'],
    ];
    for (const [body, type, name, status, code] of cases) {
      const res = await upload(t, staff, listId, body, type, name);
      expect(`${code}:${res.statusCode}`).toBe(`${code}:${status}`);
      expect(res.json().code).toBe(code);
    }
    const wrongType = await upload(t, staff, listId, Buffer.from('a,b'), 'application/octet-stream', 'list.txt');
    expect(wrongType.statusCode).toBe(415);
    const badName = await upload(t, staff, listId, csvOf([VI_HEADERS]), 'text/csv', '../../etc/passwd');
    expect(badName.statusCode).toBe(400);
    const empty = await upload(t, staff, listId, Buffer.alloc(0));
    expect(empty.statusCode).toBeGreaterThanOrEqual(400);
    expect(empty.statusCode).toBeLessThan(500);
    expect(await count('target_list_entries')).toBe(entries);
    expect(await count('people')).toBe(people);
  });

  it('keeps progress and error reports to the uploader', async () => {
    const res = await ok<ImportOutT>(upload(t, staff, listId, csvOf([VI_HEADERS, ['', '1990', '', '', '', BA_DINH, '']])));
    expect((await api(t, staff, 'GET', `/api/vaccination/target-imports/${res.id}`)).statusCode).toBe(200);
    expect((await api(t, staffOther, 'GET', `/api/vaccination/target-imports/${res.id}`)).statusCode).toBe(404);
    expect((await api(t, staffOther, 'GET', res.errorsUrl)).statusCode).toBe(404);
    expect((await api(t, national, 'GET', res.errorsUrl)).statusCode).toBe(404);
    expect((await api(t, null, 'GET', res.errorsUrl)).statusCode).toBe(401);
    const mine = await ok<{ items: { id: string }[] }>(api(t, staff, 'GET', `/api/vaccination/target-lists/${listId}/imports`), 200);
    expect(mine.items.map((i) => i.id)).toContain(res.id);
    const theirs = await ok<{ items: { id: string }[] }>(api(t, staffOther, 'GET', `/api/vaccination/target-lists/${listId}/imports`), 200);
    expect(theirs.items).toEqual([]);

  });

  it('lets only vaccination writers of the list area upload', async () => {
    const file = csvOf([VI_HEADERS, ['Nguyễn Văn Quyền', '1990', 'Nam', '', '', BA_DINH, '']]);
    const officer = (await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }])).cookie;
    const elsewhere = (await signInAs(t, [{ role: 'vaccination_staff', areaCode: NGOC_HA }])).cookie;
    const citizen = (await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }])).cookie;
    expect((await upload(t, officer, listId, file)).statusCode).toBe(403);
    expect((await upload(t, citizen, listId, file)).statusCode).toBe(403);
    expect((await upload(t, elsewhere, listId, file)).statusCode).toBe(404);
    expect((await upload(t, null, listId, file)).statusCode).toBe(401);
    expect((await upload(t, staff, '00000000-0000-4000-8000-000000000000', file)).statusCode).toBe(404);
    expect((await upload(t, national, listId, file)).statusCode).toBe(201);
  });
});

describe('upload limits', () => {
  let small: TestApp;
  let cookie: string;
  let smallList: string;
  beforeAll(async () => {
    small = await createTestApp({ env: { SEN_TARGET_IMPORT_MAX_BYTES: '2048', SEN_TARGET_IMPORT_MAX_ROWS: '3' } });
    cookie = (await signInAs(small, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
    smallList = (await ok<{ id: string }>(api(small, cookie, 'POST', '/api/vaccination/target-lists', { name: 'Nhỏ', areaCode: BA_DINH }))).id;
  });
  afterAll(async () => {
    await small?.close();
  });

  it('refuses a file above the size limit with 413 and one with too many rows with 422', async () => {
    const big = csvOf([VI_HEADERS, ...Array.from({ length: 100 }, (_, i) => [`Người Số ${i}`, '1990', 'Nam', '', '', BA_DINH, ''])]);
    expect(big.length).toBeGreaterThan(2048);
    const tooBig = await upload(small, cookie, smallList, big);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json()).toMatchObject({ code: 'file_too_large', limit: 2048 });
    const four = csvOf([VI_HEADERS, ...Array.from({ length: 4 }, (_, i) => [`Người Số ${i}`, '1990', 'Nam', '', '', BA_DINH, ''])]);
    const tooMany = await upload(small, cookie, smallList, four);
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json()).toMatchObject({ code: 'too_many_rows', maxRows: 3 });
    const three = csvOf([VI_HEADERS, ...Array.from({ length: 3 }, (_, i) => [`Người Số ${i}`, '1990', 'Nam', '', '', BA_DINH, ''])]);
    expect((await upload(small, cookie, smallList, three)).statusCode).toBe(201);
    const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM target_imports`.execute(small.conn.db);
    expect(stored.rows[0]!.n).toBe(1);
  });
});

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi'];
const GIVEN = ['Minh', 'Quang', 'Thành', 'Hải'];

describe('import as a background job', () => {
  it('answers queued at upload, and the pg-boss job processes the file while the uploader follows progress', async () => {
    const sent: { name: string; payload: object }[] = [];
    const recording: Jobs = { send: async (name, payload) => (sent.push({ name, payload }), 'job-1'), get: async () => null };
    const q = await createTestApp({ jobs: recording });
    const queue = new JobQueue(q.conn, { error: () => undefined } as unknown as Console);
    try {
      const cookie = (await signInAs(q, [{ role: 'vaccination_staff', areaCode: BA_DINH }])).cookie;
      const list = (await ok<{ id: string }>(api(q, cookie, 'POST', '/api/vaccination/target-lists', { name: 'Nền', areaCode: BA_DINH }))).id;
      const file = csvOf([VI_HEADERS, ...Array.from({ length: 32 }, (_, i) => [`${FAMILY[i % 8]} Văn ${GIVEN[Math.floor(i / 8)]}`, '1990', 'Nam', '', '', BA_DINH, String((i % 16) + 1)]), ['', '', '', '', '', BA_DINH, '']]);
      const queued = await ok<ImportOutT>(upload(q, cookie, list, file));
      expect(queued).toMatchObject({ status: 'queued', rowsTotal: 33, rowsOk: 0, progress: 0 });
      expect(sent).toEqual([{ name: 'vaccination.import-targets', payload: { importId: queued.id } }]);

      queue.define(importTargetsJob({ db: q.conn.db, config: q.config, jobs: queue }));
      await queue.start({ work: true });
      const jobId = await queue.send('vaccination.import-targets', sent[0]!.payload);
      const end = Date.now() + 60_000;
      while ((await queue.get('vaccination.import-targets', jobId!))?.state !== 'completed') {
        if (Date.now() > end) throw new Error('the import job did not complete');
        await new Promise((r) => setTimeout(r, 200));
      }
      const done = await ok<ImportOutT>(api(q, cookie, 'GET', `/api/vaccination/target-imports/${queued.id}`), 200);
      expect(done).toMatchObject({ status: 'done', rowsTotal: 33, rowsOk: 32, rowsFailed: 1, peopleCreated: 32, progress: 1 });
      const groups = await sql<{ n: number }>`SELECT count(DISTINCT priority_group)::int AS n FROM target_list_entries`.execute(q.conn.db);
      expect(groups.rows[0]!.n).toBe(16);
    } finally {
      await queue.stop();
      await q.close();
    }
  }, 180_000);
});
