import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestConnection } from '../../../apps/server/src/testing/test-db';
import { bulkInsert, encodeCopyValue, type BulkMethod } from './bulk';
import type { Connection } from './connect';

let conn: Connection;
beforeAll(async () => {
  conn = await createTestConnection();
  await conn.pool.query(`CREATE TABLE bulk_scratch (
    id integer PRIMARY KEY, t text, arr text[], j jsonb, b bytea, flag boolean, n numeric, ts timestamptz, u uuid, p ltree
  )`);
});
afterAll(async () => {
  await conn?.close();
});

const AWKWARD = [
  'Nguyễn Đức',
  "O'Brien \"quoted\"",
  'tab\there',
  'line\nbreak\r\nwindows',
  'back\\slash \\N \\t literally',
  '\\',
  '',
  ' leading and trailing ',
  'emoji 🦠 and ​zero-width',
  'comma, {brace} "quote" NULL',
];

function rowsFor(offset: number) {
  return AWKWARD.map((t, i) => [
    offset + i,
    t,
    i % 3 === 0 ? null : [t, 'NULL', null, 'a,b', '{x}'],
    i % 2 === 0 ? { name: t, n: i } : null,
    i % 4 === 0 ? Buffer.from([0, 1, 92, 9, 255]) : null,
    i % 2 === 0,
    i === 0 ? null : i / 4,
    new Date(Date.UTC(2021, 6, 1 + i, 8, 30)),
    i === 1 ? null : `0190a6a0-0000-7000-8000-${String(offset + i).padStart(12, '0')}`,
    i % 2 ? `VN.01.${String(i).padStart(5, '0')}` : null,
  ]);
}

const COLUMNS = ['id', 't', 'arr', 'j', 'b', 'flag', 'n', 'ts', 'u', 'p'];

describe('bulkInsert', () => {
  it('encodes COPY text escapes', () => {
    expect(encodeCopyValue(null)).toBe('\\N');
    expect(encodeCopyValue('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(encodeCopyValue(true)).toBe('t');
    expect(encodeCopyValue(['x', null, 'a"b'])).toBe('{"x",NULL,"a\\\\"b"}');
  });

  const methods: BulkMethod[] = ['copy', 'insert', 'json'];
  methods.forEach((method, m) => {
    it(`round-trips awkward values with ${method} on ${process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'postgres' : 'pglite'}`, async () => {
      const offset = (m + 1) * 1000;
      const rows = rowsFor(offset);
      const n = await bulkInsert(conn, 'bulk_scratch', COLUMNS, rows, { method });
      expect(n).toBe(rows.length);
      const res = await conn.pool.query(
        `SELECT id, t, arr, j, encode(b, 'hex') AS b, flag, n::text AS n, ts, u::text AS u, p::text AS p FROM bulk_scratch WHERE id >= $1 AND id < $2 ORDER BY id`,
        [offset, offset + 1000],
      );
      expect(res.rows).toHaveLength(rows.length);
      res.rows.forEach((got, i) => {
        const want = rows[i]!;
        expect(got.t).toBe(want[1]);
        expect(got.arr).toEqual(want[2]);
        expect(got.j).toEqual(want[3]);
        expect(got.b).toBe(want[4] ? '00015c09ff' : null);
        expect(got.flag).toBe(want[5]);
        expect(got.n === null ? null : Number(got.n)).toBe(want[6]);
        expect((got.ts as Date).toISOString()).toBe((want[7] as Date).toISOString());
        expect(got.u).toBe(want[8]);
        expect(got.p).toBe(want[9]);
      });
    });
  });

  it('streams an iterable and rolls back nothing on success', async () => {
    function* many() {
      for (let i = 0; i < 25_000; i++) yield [100_000 + i, `người ${i}\t${i}`, null, null, null, null, null, null, null, null];
    }
    const n = await bulkInsert(conn, 'bulk_scratch', COLUMNS, many());
    expect(n).toBe(25_000);
    const res = await conn.pool.query(`SELECT count(*)::int AS c, max(t) FILTER (WHERE id = 124999) AS last FROM bulk_scratch WHERE id >= 100000`);
    expect(res.rows[0]).toEqual({ c: 25_000, last: 'người 24999\t24999' });
  });

  it('loads nothing when a row is bad', async () => {
    const bad = [
      [200_000, 'ok', null, null, null, null, null, null, null, null],
      [200_001, 'bad uuid', null, null, null, null, null, null, 'not-a-uuid', null],
    ];
    await expect(bulkInsert(conn, 'bulk_scratch', COLUMNS, bad)).rejects.toThrow();
    const res = await conn.pool.query(`SELECT count(*)::int AS c FROM bulk_scratch WHERE id >= 200000 AND id < 300000`);
    expect(res.rows[0].c).toBe(0);
    // the connection is still usable afterwards
    await expect(conn.pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });

  it('loads nothing when the row source fails half-way', async () => {
    function* failing() {
      for (let i = 0; i < 30_000; i++) yield [300_000 + i, `row ${i}`, null, null, null, null, null, null, null, null];
      yield [399_999, 'too few values'];
    }
    await expect(bulkInsert(conn, 'bulk_scratch', COLUMNS, failing())).rejects.toThrow(/2 values for 10 columns/);
    const res = await conn.pool.query(`SELECT count(*)::int AS c FROM bulk_scratch WHERE id >= 300000 AND id < 400000`);
    expect(res.rows[0].c).toBe(0);
  });
});
