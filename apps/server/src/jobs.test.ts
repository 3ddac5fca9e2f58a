import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sql, type Connection } from '@sen/db';
import { JobQueue } from './jobs';
import { createTestConnection } from './testing/test-db';

let conn: Connection;
let queue: JobQueue;
const seen: string[] = [];

beforeAll(async () => {
  conn = await createTestConnection();
  queue = new JobQueue(conn, { error: () => undefined } as unknown as Console);
  queue.define({
    name: 'test.remember',
    payload: z.object({ word: z.string().max(20) }),
    handler: async ({ word }) => {
      // Through the same pool as requests: proves the queue and the application share the database safely.
      await sql`INSERT INTO settings (key, value) VALUES (${`test.${word}`}, ${JSON.stringify(word)}::jsonb) ON CONFLICT (key) DO NOTHING`.execute(conn.db);
      seen.push(word);
    },
  });
  await queue.start({ work: true });
});
afterAll(async () => {
  await queue?.stop();
  await conn?.close();
});

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('timed out');
}

describe('job queue (pg-boss in PostgreSQL)', () => {
  it('runs a queued job in this process and reports it completed', async () => {
    const id = await queue.send('test.remember', { word: 'sen' });
    expect(id).toBeTruthy();
    await until(async () => (await queue.get('test.remember', id!))?.state === 'completed');
    expect(seen).toContain('sen');
    const row = await conn.db.selectFrom('settings').select('value').where('key', '=', 'test.sen').executeTakeFirst();
    expect(row?.value).toBe('sen');
  });

  it('refuses a payload that does not match the job before queueing it', async () => {
    await expect(queue.send('test.remember', { word: 42 })).rejects.toThrow();
    await expect(queue.send('test.remember', { word: 'x'.repeat(50) })).rejects.toThrow();
    await expect(queue.send('no.such.job', {})).rejects.toThrow(/Unknown job/);
  });

  it('keeps one job per singleton key while it waits', async () => {
    await queue.stop();
    const idle = new JobQueue(conn);
    idle.define({ name: 'test.once', payload: z.object({ word: z.string() }), handler: async () => undefined, policy: 'stately' });
    await idle.start({ work: false });
    const first = await idle.send('test.once', { word: 'once' }, { singletonKey: 'once' });
    const second = await idle.send('test.once', { word: 'once' }, { singletonKey: 'once' });
    const other = await idle.send('test.once', { word: 'other' }, { singletonKey: 'other' });
    expect(first).toBeTruthy();
    expect(second).toBeNull();
    expect(other).toBeTruthy();
    await idle.stop();
  });
});
