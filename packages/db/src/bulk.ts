import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Connection } from './connect';

/**
 * Loading many rows fast: the one path imports, demo data and benchmarks use.
 *
 * - On a PostgreSQL server: `COPY ... FROM STDIN` (text format) through pg-copy-streams on a pool client,
 *   streamed in ~1 MB chunks with back-pressure, so any number of rows goes through in bounded memory.
 * - On PGlite: `COPY ... FROM '/dev/blob'` with the rows encoded the same way, in blobs of at most
 *   `PGLITE_COPY_ROWS` rows, inside one transaction. Measured against chunked multi-row INSERTs (through the
 *   pg pool, max 65,535 bind parameters per statement) and `json_populate_recordset`: COPY from a blob was the
 *   fastest on PGlite as well (see bench/README.md for the figures), so it is the default there too; the other
 *   methods stay selectable for comparison.
 *
 * Rows are arrays in the order of `columns`. Values: null/undefined (NULL), string, number, bigint, boolean,
 * Date (ISO timestamp), Uint8Array/Buffer (bytea), arrays (PostgreSQL array literal, one dimension) and plain
 * objects (JSON text, for json/jsonb columns).
 *
 * Call it outside a transaction: it takes a pool client of its own (on PGlite the only one), so calling it while
 * holding the pool's connection would wait for ever.
 */
export type BulkMethod = 'copy' | 'insert' | 'json';

export interface BulkInsertOptions {
  /** Force a method (benchmarks); the default is COPY on both databases. */
  method?: BulkMethod;
}

/** Rows per PGlite blob: the whole blob sits in memory (and in the WASM heap) while it loads. */
const PGLITE_COPY_ROWS = 50_000;
/** PostgreSQL's limit on bind parameters in one statement. */
const MAX_BIND_PARAMETERS = 65_535;
/** Multi-row INSERT statements are capped below the parameter limit: bigger statements got slower to plan. */
const MAX_INSERT_ROWS = 2_000;
/** COPY text is written to the server in chunks of about this many characters. */
const COPY_CHUNK_CHARS = 1 << 20;

export type BulkRow = readonly unknown[];

export async function bulkInsert(conn: Connection, table: string, columns: readonly string[], rows: Iterable<BulkRow> | AsyncIterable<BulkRow>, options: BulkInsertOptions = {}): Promise<number> {
  if (columns.length === 0) throw new Error('bulkInsert needs at least one column');
  const method = options.method ?? 'copy';
  const target = `${quoteQualified(table)} (${columns.map(quoteIdent).join(', ')})`;
  if (conn.kind === 'pglite' && method === 'copy') return copyPglite(conn, target, columns.length, rows);
  const client = await conn.pool.connect();
  if (method === 'copy') {
    // COPY is one statement: it loads everything or nothing. After a failure the connection may be mid-protocol,
    // so it is closed rather than handed back to the pool.
    try {
      const count = await copyServer(client, target, columns.length, rows);
      client.release();
      return count;
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw err;
    }
  }
  try {
    await client.query('BEGIN');
    const count = method === 'insert' ? await insertChunks(client, target, columns.length, rows) : await insertJson(client, table, columns, rows);
    await client.query('COMMIT');
    return count;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function copyServer(client: pg.PoolClient, target: string, width: number, rows: Iterable<BulkRow> | AsyncIterable<BulkRow>): Promise<number> {
  let count = 0;
  async function* chunks(): AsyncGenerator<string> {
    let buf = '';
    for await (const row of rows) {
      buf += encodeCopyRow(row, width);
      count++;
      if (buf.length >= COPY_CHUNK_CHARS) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN`));
  await pipeline(Readable.from(chunks(), { objectMode: false }), stream);
  return count;
}

async function copyPglite(conn: Connection, target: string, width: number, rows: Iterable<BulkRow> | AsyncIterable<BulkRow>): Promise<number> {
  const pglite = conn.pglite;
  if (!pglite) throw new Error('PGlite connection without its PGlite instance');
  // Hold the pool's only client so no other query (or someone's transaction) runs on PGlite meanwhile.
  const client = await conn.pool.connect();
  let count = 0;
  try {
    await pglite.query('BEGIN');
    try {
      let parts: string[] = [];
      let inBlob = 0;
      const flush = async () => {
        if (inBlob === 0) return;
        await pglite.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob(parts) });
        parts = [];
        inBlob = 0;
      };
      for await (const row of rows) {
        parts.push(encodeCopyRow(row, width));
        inBlob++;
        count++;
        if (inBlob >= PGLITE_COPY_ROWS) await flush();
      }
      await flush();
      await pglite.query('COMMIT');
    } catch (err) {
      await pglite.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    client.release();
  }
  return count;
}

async function insertChunks(client: pg.PoolClient, target: string, width: number, rows: Iterable<BulkRow> | AsyncIterable<BulkRow>): Promise<number> {
  const perStatement = Math.max(1, Math.min(MAX_INSERT_ROWS, Math.floor(MAX_BIND_PARAMETERS / width)));
  let values: unknown[] = [];
  let inChunk = 0;
  let count = 0;
  const flush = async () => {
    if (inChunk === 0) return;
    const tuples: string[] = [];
    for (let r = 0; r < inChunk; r++) {
      const base = r * width;
      const ps: string[] = [];
      for (let c = 1; c <= width; c++) ps.push(`$${base + c}`);
      tuples.push(`(${ps.join(',')})`);
    }
    await client.query(`INSERT INTO ${target} VALUES ${tuples.join(',')}`, values);
    values = [];
    inChunk = 0;
  };
  for await (const row of rows) {
    if (row.length !== width) throw new Error(`bulkInsert: a row has ${row.length} values for ${width} columns`);
    for (const v of row) values.push(toParam(v));
    inChunk++;
    count++;
    if (inChunk >= perStatement) await flush();
  }
  await flush();
  return count;
}

async function insertJson(client: pg.PoolClient, table: string, columns: readonly string[], rows: Iterable<BulkRow> | AsyncIterable<BulkRow>): Promise<number> {
  const cols = columns.map(quoteIdent).join(', ');
  const sqlText = `INSERT INTO ${quoteQualified(table)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${quoteQualified(table)}, $1::json)`;
  let batch: Record<string, unknown>[] = [];
  let count = 0;
  for await (const row of rows) {
    if (row.length !== columns.length) throw new Error(`bulkInsert: a row has ${row.length} values for ${columns.length} columns`);
    const obj: Record<string, unknown> = {};
    columns.forEach((c, i) => (obj[c] = toJsonValue(row[i])));
    batch.push(obj);
    count++;
    if (batch.length >= PGLITE_COPY_ROWS) {
      await client.query(sqlText, [JSON.stringify(batch)]);
      batch = [];
    }
  }
  if (batch.length) await client.query(sqlText, [JSON.stringify(batch)]);
  return count;
}

function toParam(v: unknown): unknown {
  if (v === undefined) return null;
  if (isPlainObject(v)) return JSON.stringify(v);
  return v;
}

function toJsonValue(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v).toString('hex')}`;
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

// --- COPY text format -------------------------------------------------------------------------------------------

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NEEDS_COPY_ESCAPE = /[\\\t\n\r]/;
const COPY_ESCAPE_ALL = /[\\\t\n\r]/g;

/** Escapes text for COPY's text format: backslash, tab, newline and carriage return. */
export function escapeCopyText(text: string): string {
  return NEEDS_COPY_ESCAPE.test(text) ? text.replace(COPY_ESCAPE_ALL, (ch) => COPY_ESCAPES[ch]!) : text;
}

/** One row in COPY text format, with its newline. */
export function encodeCopyRow(row: BulkRow, width: number): string {
  if (row.length !== width) throw new Error(`bulkInsert: a row has ${row.length} values for ${width} columns`);
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += '\t';
    line += encodeCopyValue(row[i]);
  }
  return `${line}\n`;
}

/** One value in COPY text format (`\N` is NULL). */
export function encodeCopyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  switch (typeof v) {
    case 'string':
      if (v.includes('\0')) throw new Error('bulkInsert: text cannot contain a NUL character');
      return escapeCopyText(v);
    case 'number':
      if (Number.isNaN(v)) return 'NaN';
      if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
      return String(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 't' : 'f';
    default:
      break;
  }
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `\\\\x${Buffer.from(v).toString('hex')}`;
  if (Array.isArray(v)) return escapeCopyText(arrayLiteral(v));
  if (typeof v === 'object') return escapeCopyText(JSON.stringify(v));
  throw new Error(`bulkInsert: cannot encode a ${typeof v}`);
}

/** A one-dimensional PostgreSQL array literal: every element quoted, so commas, braces and spaces are safe. */
function arrayLiteral(items: readonly unknown[]): string {
  const parts = items.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) throw new Error('bulkInsert: nested arrays are not supported');
    const text = item instanceof Date ? item.toISOString() : typeof item === 'object' ? JSON.stringify(item) : String(item);
    return `"${text.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
  });
  return `{${parts.join(',')}}`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table` or `table`, each part quoted. */
function quoteQualified(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}
