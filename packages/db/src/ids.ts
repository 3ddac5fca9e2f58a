import crypto from 'node:crypto';

/**
 * UUID version 7 (RFC 9562): time-ordered, so new rows land at the end of B-tree indexes. Made in the app
 * because PostgreSQL 15 has no uuidv7().
 */
export function uuidv7(now = Date.now()): string {
  return timePrefixed(now, crypto.randomBytes(10), 0x70);
}

/**
 * A UUID made again identically from the same inputs: version 8 (RFC 9562, custom) with the UUIDv7 layout, the
 * time in milliseconds in the first 48 bits (so ids stay time-ordered in B-tree indexes), then 74 bits of
 * SHA-256(time, key). For idempotent ingest: a retry of the same record gets the same id.
 */
export function timeHashedUuid(timeMs: number, key: string): string {
  return timePrefixed(timeMs, crypto.createHash('sha256').update(`${timeMs}\u0000${key}`).digest(), 0x80);
}

/** 48 bits of time, then the version nibble and the variant bits over the first 10 bytes of `rest`. */
function timePrefixed(timeMs: number, rest: Buffer, version: number): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(timeMs, 0, 6);
  rest.copy(bytes, 6, 0, 10);
  bytes[6] = (bytes[6]! & 0x0f) | version;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
