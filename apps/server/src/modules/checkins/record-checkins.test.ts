import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Connection } from '@sen/db';
import { createTestConnection } from '../../testing/test-db';
import { checkinTimeOf } from './check-out-visitor';
import { checkinId, recordCheckins, type CheckinInput } from './record-checkins';

/** Idempotency by the primary key: the id of a check-in follows from its client id and check-in time (0020). */
let conn: Connection;

beforeAll(async () => {
  conn = await createTestConnection();
});
afterAll(async () => {
  await conn?.close();
});

const uuid = () => crypto.randomUUID();
function checkin(minutesAgo: number): CheckinInput {
  return { clientId: uuid(), venueId: uuid(), personId: uuid(), checkedInAt: new Date(Date.now() - minutesAgo * 60_000), checkedOutAt: null, source: 'venue_scan' };
}
async function storedRows(clientIds: readonly string[]) {
  const res = await sql<{ id: string; client_id: string }>`SELECT id, client_id FROM checkins WHERE client_id = ANY(${clientIds}::text[])`.execute(conn.db);
  return res.rows;
}

describe('check-in ids', () => {
  it('are the same for the same client id and instant, whatever the time zone it was written in, and differ otherwise', () => {
    const at = new Date('2021-08-01T03:00:00.123Z');
    const id = checkinId('device-1:42', at);
    expect(checkinId('device-1:42', new Date('2021-08-01T10:00:00.123+07:00'))).toBe(id);
    expect(checkinId('device-1:43', at)).not.toBe(id);
    expect(checkinId('device-1:42', new Date(at.getTime() + 1))).not.toBe(id);
    // Time-prefixed, so check-out finds the partition from the id alone.
    expect(checkinTimeOf(id)).toEqual(at);
  });

  it('the stored id is the one the client id and time give, and a retry is refused by the primary key', async () => {
    const batch = [checkin(30), checkin(20), checkin(10)];
    const first = await recordCheckins(conn, batch);
    expect(first.inserted.map((r) => r.id)).toEqual(batch.map((c) => checkinId(c.clientId, c.checkedInAt as Date)));
    const rows = await storedRows(batch.map((c) => c.clientId));
    expect(new Map(rows.map((r) => [r.client_id, r.id]))).toEqual(new Map(first.inserted.map((r) => [r.clientId, r.id])));
    expect(await recordCheckins(conn, batch)).toEqual({ inserted: [], duplicates: batch.map((c) => c.clientId) });
  });

  it('the same batch synced three times at once is stored once, each check-in reported inserted by exactly one call', async () => {
    const batch = Array.from({ length: 200 }, (_, i) => checkin(1 + (i % 90)));
    const results = await Promise.all([recordCheckins(conn, batch), recordCheckins(conn, [...batch].reverse()), recordCheckins(conn, batch)]);
    const inserted = results.flatMap((r) => r.inserted.map((i) => i.clientId));
    expect(inserted.sort()).toEqual(batch.map((c) => c.clientId).sort());
    expect(results.reduce((n, r) => n + r.duplicates.length, 0)).toBe(2 * batch.length);
    expect(await storedRows(batch.map((c) => c.clientId))).toHaveLength(batch.length);
  });

  it('the same client id at another time is another check-in', async () => {
    const a = checkin(40);
    const b = { ...a, checkedInAt: new Date((a.checkedInAt as Date).getTime() + 60_000) };
    expect((await recordCheckins(conn, [a, b])).inserted).toHaveLength(2);
  });
});
