import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { vnDayOf } from '@sen/domain';
import { JobQueue } from '../../jobs';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { checkinsPartitionsJob, maintainCheckinPartitions } from './maintain-partitions';
import { api, BA_DINH, cccd, countRows, createPerson, createVenue, uuid } from './venues.fixtures';

/**
 * SEN_CHECKINS_RETENTION_DAYS set to a value other than the default (28): the partition job's schedule, the ingest
 * of check-ins (venue desk, offline batch, citizen), the citizen's own list and the trace window all follow it.
 */
const RETENTION = 10;
const DAY_MS = 86_400_000;
let t: TestApp;
const who: Record<string, { cookie: string; userId: string }> = {};
let personId: string;
let idNumber: string;
let venueId: string;

beforeAll(async () => {
  t = await createTestApp({ env: { SEN_CHECKINS_RETENTION_DAYS: String(RETENTION) } });
  // Partitions back to the default 28 days exist, so an old check-in could be stored if the ingest allowed it.
  await maintainCheckinPartitions(t.conn.db, { retentionDays: 28 });
  who.national = await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }]);
  who.owner = await signInAs(t, [{ role: 'business_admin', areaCode: BA_DINH }]);
  idNumber = cccd(1985, 'female');
  personId = (await createPerson(t, who.national.cookie, { fullName: 'Phạm Thị Mai', birthDate: '1985-03-04', sex: 'female', communeCode: BA_DINH, identifiers: [{ kind: 'cccd', value: idNumber }] })).id;
  who.citizen = await signInAs(t, [{ role: 'citizen', areaCode: 'VN' }], { personId });
  who.tracer = await signInAs(t, [{ role: 'tracer', areaCode: '01' }]);
  venueId = (await createVenue(t, who.owner.cookie, { name: 'Tiệm bánh Mai' })).id;
});
afterAll(async () => {
  await t?.close();
});

const daysAgo = (d: number) => new Date(Date.now() - d * DAY_MS).toISOString();

describe(`a retention of ${RETENTION} days instead of 28`, () => {
  it('the partition job is scheduled with it and drops what is older', async () => {
    const queue = new JobQueue(t.conn, { error: () => undefined } as unknown as Console);
    queue.define(checkinsPartitionsJob({ db: t.conn.db, config: t.config }));
    await queue.start({ work: false });
    try {
      const schedules = await queue.boss.getSchedules();
      const mine = schedules.find((s) => s.name === 'checkins.maintain-partitions');
      expect(mine?.data).toEqual({ daysAhead: 3, retentionDays: RETENTION });
      // A run with what the schedule sends drops the days past the retention, and keeps those inside it.
      const job = checkinsPartitionsJob({ db: t.conn.db, config: t.config });
      const res = await job.handler(job.payload.parse(mine!.data));
      expect((res as { dropped: number }).dropped).toBeGreaterThanOrEqual(28 - RETENTION - 1);
      const day = (at: number) => `checkins_d${vnDayOf(new Date(at)).replaceAll('-', '')}`;
      const exists = async (name: string) => (await sql<{ ok: boolean }>`SELECT to_regclass(${name}) IS NOT NULL AS ok`.execute(t.conn.db)).rows[0]!.ok;
      expect(await exists(day(Date.now() - (RETENTION + 2) * DAY_MS))).toBe(false);
      expect(await exists(day(Date.now() - (RETENTION - 1) * DAY_MS))).toBe(true);
    } finally {
      await queue.stop();
    }
    // Back to 28 days of partitions for the tests below.
    await maintainCheckinPartitions(t.conn.db, { retentionDays: 28 });
  });

  it('the venue desk, its offline batch and the citizen cannot store a check-in older than the retention', async () => {
    const before = await countRows(t, 'checkins');
    const desk = await api(t, who.owner!.cookie, 'POST', `/api/venues/${venueId}/checkins`, { idNumber, clientId: uuid(), checkedInAt: daysAgo(RETENTION + 1) });
    expect(desk.statusCode).toBe(400);
    expect(desk.json()).toMatchObject({ code: 'checkin_too_old', field: 'checkedInAt' });
    const batch = await api(t, who.owner!.cookie, 'POST', `/api/venues/${venueId}/checkins/batch`, {
      checkins: [{ idNumber, clientId: uuid(), checkedInAt: daysAgo(1) }, { idNumber, clientId: uuid(), checkedInAt: daysAgo(RETENTION + 1) }],
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json()).toMatchObject({ code: 'checkin_too_old', field: 'checkins.1.checkedInAt' });
    const self = await api(t, who.citizen!.cookie, 'POST', '/api/me/checkins', { venueId, clientId: uuid(), checkedInAt: daysAgo(RETENTION + 1) });
    expect(self.statusCode).toBe(400);
    expect(self.json()).toMatchObject({ code: 'checkin_too_old', field: 'checkedInAt' });
    expect(await countRows(t, 'checkins')).toBe(before);
    // Inside the retention (but past what a shorter one would allow) all three are stored.
    expect((await api(t, who.owner!.cookie, 'POST', `/api/venues/${venueId}/checkins`, { idNumber, clientId: uuid(), checkedInAt: daysAgo(RETENTION - 1) })).statusCode).toBe(201);
    expect((await api(t, who.owner!.cookie, 'POST', `/api/venues/${venueId}/checkins/batch`, { checkins: [{ idNumber, clientId: uuid(), checkedInAt: daysAgo(RETENTION - 2) }] })).statusCode).toBe(200);
    expect((await api(t, who.citizen!.cookie, 'POST', '/api/me/checkins', { venueId, clientId: uuid(), checkedInAt: daysAgo(RETENTION - 3) })).statusCode).toBe(201);
  });

  it("the citizen's list covers the retention only and says how far back it reaches", async () => {
    // A visit older than the retention still in the table (the job has not run since): not listed.
    await sql`INSERT INTO checkins (id, venue_id, person_id, checked_in_at, source, client_id)
              VALUES (${uuid()}::uuid, ${venueId}::uuid, ${personId}::uuid, ${daysAgo(RETENTION + 3)}::timestamptz, 'manual', ${uuid()})`.execute(t.conn.db);
    const res = await api(t, who.citizen!.cookie, 'GET', '/api/me/checkins');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: { checkedInAt: string }[]; retentionDays: number };
    expect(body.retentionDays).toBe(RETENTION);
    expect(body.items).toHaveLength(3);
    for (const item of body.items) expect(Date.now() - Date.parse(item.checkedInAt)).toBeLessThan(RETENTION * DAY_MS);
  });

  it('a trace window may not reach past the retention', async () => {
    const long = await api(t, who.tracer!.cookie, 'POST', '/api/tracing/runs', { personId, days: RETENTION + 1, reason: 'Kiểm thử thời hạn lưu' });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ code: 'trace_window_too_long', field: 'days' });
    expect(long.json().detail).toContain(`At most ${RETENTION} days`);
    const explicit = await api(t, who.tracer!.cookie, 'POST', '/api/tracing/runs', { personId, from: daysAgo(RETENTION + 1), to: daysAgo(0), reason: 'Kiểm thử thời hạn lưu' });
    expect(explicit.statusCode).toBe(400);
    expect(explicit.json()).toMatchObject({ code: 'trace_window_too_long', field: 'to' });
    const ok = await api(t, who.tracer!.cookie, 'POST', '/api/tracing/runs', { personId, days: RETENTION, reason: 'Kiểm thử thời hạn lưu' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().visits).toHaveLength(3);
  });
});
