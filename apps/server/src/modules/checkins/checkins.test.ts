import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Connection } from '@sen/db';
import { AppError, CWA_OVERLAP_RULE, PC_COVID_WINDOW_RULE, vnDayOf, vnDayStart } from '@sen/domain';
import { loadConfig } from '../../config';
import { createTestConnection } from '../../testing/test-db';
import { findOverlappingVisits } from './find-overlapping-visits';
import { checkinsPartitionsJob, maintainCheckinPartitions } from './maintain-partitions';
import { MAX_BATCH, recordCheckins, type CheckinInput } from './record-checkins';

let conn: Connection;

beforeAll(async () => {
  conn = await createTestConnection();
});
afterAll(async () => {
  await conn?.close();
});

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
const uuid = () => crypto.randomUUID();
/** The partition that holds an instant: Viet Nam's calendar day (UTC+7). */
const partitionOf = (at: Date) => `checkins_d${vnDayOf(at).replaceAll('-', '')}`;
/** 00:00 in Viet Nam on the day of `at`. */
const vnMidnight = (at: Date) => vnDayStart(vnDayOf(at));

async function partitions(): Promise<string[]> {
  const res = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'checkins'::regclass ORDER BY c.relname`.execute(conn.db);
  return res.rows.map((r) => r.name);
}
async function exists(table: string): Promise<boolean> {
  const res = await sql<{ ok: boolean }>`SELECT to_regclass(${table}) IS NOT NULL AS ok`.execute(conn.db);
  return res.rows[0]!.ok;
}
async function whereIs(clientId: string): Promise<string[]> {
  const res = await sql<{ part: string }>`SELECT tableoid::regclass::text AS part FROM checkins WHERE client_id = ${clientId}`.execute(conn.db);
  return res.rows.map((r) => r.part);
}
function checkin(over: Partial<CheckinInput> = {}): CheckinInput {
  return { clientId: uuid(), venueId: uuid(), personId: uuid(), checkedInAt: new Date(Date.now() - 30 * MIN_MS), checkedOutAt: null, source: 'self_scan', ...over };
}
async function refused(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('daily partitions (Viet Nam days) and retention', () => {
  it('keeps partitions from the retention cut-off to 3 days ahead, one per Viet Nam day', async () => {
    // The migration made them when the test template was built (perhaps days ago); the job tops them up.
    expect((await partitions()).length).toBeGreaterThan(20);
    await maintainCheckinPartitions(conn.db);
    const names = (await partitions()).filter((n) => n !== 'checkins_default');
    const now = Date.now();
    const expected: string[] = [];
    for (let at = vnMidnight(new Date(now - 28 * DAY_MS)).getTime(); at <= now + 3 * DAY_MS; at += DAY_MS) expected.push(partitionOf(new Date(at)));
    expect(names).toEqual(expected);
    expect(await partitions()).toContain('checkins_default');
  });

  it('a partition covers [D 00:00+07, D+1 00:00+07)', async () => {
    const today = vnMidnight(new Date());
    const res = await sql<{ bound: string }>`
      SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_class c WHERE c.relname = ${partitionOf(today)}`.execute(conn.db);
    const bound = res.rows[0]!.bound;
    const [lo, hi] = [...bound.matchAll(/'([^']+)'/g)].map((m) => new Date(m[1]!.replace(' ', 'T').replace(/\+00$/, 'Z')).getTime());
    expect(lo).toBe(today.getTime());
    expect(hi).toBe(today.getTime() + DAY_MS);
  });

  it('creates missing partitions ahead, and a second run does nothing', async () => {
    const first = await maintainCheckinPartitions(conn.db, { daysAhead: 6, retentionDays: 28 });
    expect(first.created).toBeGreaterThanOrEqual(3);
    expect(await exists(partitionOf(new Date(Date.now() + 6 * DAY_MS)))).toBe(true);
    expect(await maintainCheckinPartitions(conn.db, { daysAhead: 6, retentionDays: 28 })).toEqual({ created: 0, dropped: 0, purged: 0 });
  });

  it('moves rows of the default partition into a new daily partition', async () => {
    const at = new Date(Date.now() + 9 * DAY_MS);
    expect(await exists(partitionOf(at))).toBe(false);
    const clientId = uuid();
    await sql`INSERT INTO checkins (id, venue_id, person_id, checked_in_at, source, client_id)
              VALUES (${uuid()}::uuid, ${uuid()}::uuid, ${uuid()}::uuid, ${at.toISOString()}::timestamptz, 'manual', ${clientId})`.execute(conn.db);
    expect(await whereIs(clientId)).toEqual(['checkins_default']);
    await maintainCheckinPartitions(conn.db, { daysAhead: 10, retentionDays: 28 });
    expect(await whereIs(clientId)).toEqual([partitionOf(at)]);
  });

  it('retention drops partitions entirely older than the window with their rows, and nothing newer', async () => {
    const now = Date.now();
    // Make room back to 60 days, then plant check-ins at now - 40 days, now - 10 days and now.
    await maintainCheckinPartitions(conn.db, { daysAhead: 3, retentionDays: 60 });
    const old = checkin({ checkedInAt: new Date(now - 40 * DAY_MS) });
    const recent = checkin({ checkedInAt: new Date(now - 10 * DAY_MS) });
    const current = checkin({ checkedInAt: new Date(now) });
    const edge = checkin({ checkedInAt: new Date(now - 28 * DAY_MS + 5 * MIN_MS) }); // just inside the window
    await recordCheckins(conn, [old, recent, current, edge], { maxAgeDays: 60 });
    const oldPartition = partitionOf(new Date(now - 40 * DAY_MS));
    expect(await whereIs(old.clientId)).toEqual([oldPartition]);
    // A stray old row in the default partition goes too.
    await sql`INSERT INTO checkins (id, venue_id, person_id, checked_in_at, source, client_id)
              VALUES (${uuid()}::uuid, ${uuid()}::uuid, ${uuid()}::uuid, ${new Date(now - 400 * DAY_MS).toISOString()}::timestamptz, 'manual', 'stray')`.execute(conn.db);

    const job = checkinsPartitionsJob({ db: conn.db, config: loadConfig({ NODE_ENV: 'test' }) });
    const res = await job.handler(job.payload.parse({}));
    expect(res).toMatchObject({ created: 0, purged: 1 });
    expect((res as { dropped: number }).dropped).toBeGreaterThanOrEqual(31);

    expect(await exists(oldPartition)).toBe(false);
    expect(await whereIs(old.clientId)).toEqual([]);
    expect(await whereIs('stray')).toEqual([]);
    expect(await whereIs(recent.clientId)).toEqual([partitionOf(new Date(now - 10 * DAY_MS))]);
    expect(await whereIs(current.clientId)).toEqual([partitionOf(new Date(now))]);
    expect(await whereIs(edge.clientId)).toHaveLength(1);
    // The partition holding the cut-off itself stays (part of it is inside the window); the day before it goes.
    const cutoff = new Date(now - 28 * DAY_MS);
    expect(await exists(partitionOf(cutoff))).toBe(true);
    expect(await exists(partitionOf(new Date(cutoff.getTime() - DAY_MS)))).toBe(false);
    // Nothing left older than the day of the cut-off.
    const oldest = (await partitions()).filter((n) => n !== 'checkins_default')[0];
    expect(oldest).toBe(partitionOf(cutoff));
  });

  it('the job takes daysAhead and retentionDays with defaults (the configured retention), and refuses nonsense', () => {
    const job = checkinsPartitionsJob({ db: conn.db, config: loadConfig({ NODE_ENV: 'test' }) });
    expect(job.name).toBe('checkins.maintain-partitions');
    expect(job.cron).toBeTruthy();
    expect(job.payload.parse({})).toEqual({ daysAhead: 3, retentionDays: 28 });
    expect(job.schedulePayload).toEqual({ daysAhead: 3, retentionDays: 28 });
    expect(job.payload.parse({ retentionDays: 14 })).toEqual({ daysAhead: 3, retentionDays: 14 });
    expect(() => job.payload.parse({ retentionDays: 0 })).toThrow();
    expect(() => job.payload.parse({ daysAhead: -1 })).toThrow();
  });

  it('the function refuses a retention of zero days', async () => {
    await expect(maintainCheckinPartitions(conn.db, { retentionDays: 0 })).rejects.toThrow(/retention_days/);
  });
});

describe('recording check-ins', () => {
  it('stores a batch in one go and a retried batch stores nothing new, reporting the duplicates', async () => {
    const batch = [checkin(), checkin({ checkedOutAt: new Date(Date.now() - 5 * MIN_MS), source: 'venue_scan' }), checkin({ source: 'manual' })];
    const first = await recordCheckins(conn, batch);
    expect(first.inserted.map((i) => i.clientId)).toEqual(batch.map((b) => b.clientId));
    expect(first.duplicates).toEqual([]);
    const again = await recordCheckins(conn, batch);
    expect(again).toEqual({ inserted: [], duplicates: batch.map((b) => b.clientId) });
    for (const b of batch) expect(await whereIs(b.clientId)).toHaveLength(1);
    // A retry with one new item stores only that one.
    const extra = checkin();
    const mixed = await recordCheckins(conn, [...batch, extra]);
    expect(mixed.inserted.map((i) => i.clientId)).toEqual([extra.clientId]);
    expect(mixed.duplicates).toHaveLength(3);
  });

  it('a time sent as text in Viet Nam time and again in UTC is the same check-in', async () => {
    const at = new Date(Math.floor((Date.now() - 60 * MIN_MS) / 1000) * 1000);
    const local = new Date(at.getTime() + 7 * 3_600_000).toISOString().replace('Z', '+07:00');
    const a = checkin({ checkedInAt: local });
    expect((await recordCheckins(conn, [a])).inserted).toHaveLength(1);
    expect((await recordCheckins(conn, [{ ...a, checkedInAt: at.toISOString() }])).duplicates).toEqual([a.clientId]);
  });

  it('the same client id twice in one batch is stored once', async () => {
    const a = checkin();
    const res = await recordCheckins(conn, [a, { ...a }]);
    expect(res.inserted).toHaveLength(1);
    expect(res.duplicates).toEqual([a.clientId]);
  });

  it('accepts up to 5 minutes of clock skew', async () => {
    const res = await recordCheckins(conn, [checkin({ checkedInAt: new Date(Date.now() + 4 * MIN_MS) })]);
    expect(res.inserted).toHaveLength(1);
  });

  it('refuses bad input with a code naming the field, and stores none of the batch', async () => {
    const now = Date.now();
    const good = checkin();
    const cases: [Partial<CheckinInput>, string, string][] = [
      [{ checkedInAt: new Date(now + 6 * MIN_MS) }, 'checkin_in_future', 'checkins.1.checkedInAt'],
      [{ checkedInAt: new Date(now - 10 * MIN_MS), checkedOutAt: new Date(now - 20 * MIN_MS) }, 'checkout_before_checkin', 'checkins.1.checkedOutAt'],
      [{ checkedInAt: new Date(now - 10 * MIN_MS), checkedOutAt: new Date(now - 10 * MIN_MS) }, 'checkout_before_checkin', 'checkins.1.checkedOutAt'],
      [{ checkedInAt: new Date(now - 10 * MIN_MS), checkedOutAt: new Date(now + 60 * MIN_MS) }, 'checkout_in_future', 'checkins.1.checkedOutAt'],
      [{ checkedInAt: new Date(now - 26 * 60 * MIN_MS), checkedOutAt: new Date(now - MIN_MS) }, 'visit_too_long', 'checkins.1.checkedOutAt'],
      [{ checkedInAt: new Date(now - 40 * DAY_MS) }, 'checkin_too_old', 'checkins.1.checkedInAt'],
      [{ checkedInAt: '2021-08-01T10:00:00' }, 'invalid_time', 'checkins.1.checkedInAt'],
      [{ checkedInAt: 'yesterday' }, 'invalid_time', 'checkins.1.checkedInAt'],
      [{ venueId: 'not-a-uuid' }, 'invalid_venue_id', 'checkins.1.venueId'],
      [{ personId: '' }, 'invalid_person_id', 'checkins.1.personId'],
      [{ clientId: '' }, 'invalid_client_id', 'checkins.1.clientId'],
      [{ clientId: 'x'.repeat(101) }, 'invalid_client_id', 'checkins.1.clientId'],
      [{ source: 'telepathy' as 'manual' }, 'invalid_source', 'checkins.1.source'],
    ];
    for (const [over, code, field] of cases) {
      const err = await refused(recordCheckins(conn, [good, checkin(over)]));
      expect({ code: err.code, field: err.details.field, status: err.status }).toEqual({ code, field, status: 400 });
      expect(err.message).toContain(field);
    }
    expect(await whereIs(good.clientId)).toEqual([]);
  });

  it('refuses an empty batch and one over the limit', async () => {
    expect((await refused(recordCheckins(conn, []))).code).toBe('invalid_batch');
    const big = await refused(recordCheckins(conn, Array.from({ length: MAX_BATCH + 1 }, () => checkin())));
    expect(big).toMatchObject({ code: 'batch_too_large', status: 413, details: { field: 'checkins', max: MAX_BATCH } });
  });

  it(`takes a full batch of ${MAX_BATCH}`, async () => {
    const res = await recordCheckins(conn, Array.from({ length: MAX_BATCH }, () => checkin()));
    expect(res.inserted).toHaveLength(MAX_BATCH);
  });
});

describe('tracing: visits that overlap an index person', () => {
  const venue = uuid();
  const otherVenue = uuid();
  const index = uuid();
  const people = { a: uuid(), b: uuid(), c: uuid(), d: uuid(), e: uuid(), f: uuid(), g: uuid() };
  // A Viet Nam midnight two days ago: the boundary between two daily partitions.
  const midnight = vnMidnight(new Date(Date.now() - 2 * DAY_MS));
  const t = (minutesFromMidnight: number) => new Date(midnight.getTime() + minutesFromMidnight * MIN_MS);
  let indexVisit: string;

  beforeAll(async () => {
    const visits: CheckinInput[] = [
      // The index person: 23:30 to 00:30, across midnight and the partition boundary.
      checkin({ personId: index, venueId: venue, checkedInAt: t(-30), checkedOutAt: t(30) }),
      // The index person again, the evening after, out of the trace window.
      checkin({ personId: index, venueId: venue, checkedInAt: t(22 * 60), checkedOutAt: t(23 * 60) }),
      // a: 00:10 to 00:50, in the next day's partition: 20 minutes together.
      checkin({ personId: people.a, venueId: venue, checkedInAt: t(10), checkedOutAt: t(50) }),
      // b: 23:00 to 23:35: 5 minutes together (a window contact, not enough overlap).
      checkin({ personId: people.b, venueId: venue, checkedInAt: t(-60), checkedOutAt: t(-25) }),
      // c: checks in at 01:30 with no check-out: exactly 60 minutes after the index person left.
      checkin({ personId: people.c, venueId: venue, checkedInAt: t(90) }),
      // d: checks in at 01:31: 61 minutes after.
      checkin({ personId: people.d, venueId: venue, checkedInAt: t(91) }),
      // e: the same time, another venue.
      checkin({ personId: people.e, venueId: otherVenue, checkedInAt: t(-30), checkedOutAt: t(30) }),
      // f: 21:00 to 22:29: left 61 minutes before the index person came.
      checkin({ personId: people.f, venueId: venue, checkedInAt: t(-180), checkedOutAt: t(-91) }),
      // g: a long visit from 18:00 to 23:40, begun long before: 10 minutes together.
      checkin({ personId: people.g, venueId: venue, checkedInAt: t(-360), checkedOutAt: t(-20) }),
    ];
    const res = await recordCheckins(conn, visits);
    expect(res.inserted).toHaveLength(visits.length);
    indexVisit = res.inserted[0]!.id;
  });

  const window = () => ({ personId: index, from: t(-12 * 60), to: t(12 * 60) });

  it('the planted visits really sit in two partitions', async () => {
    const res = await sql<{ part: string }>`SELECT DISTINCT tableoid::regclass::text AS part FROM checkins WHERE venue_id = ${venue}::uuid ORDER BY 1`.execute(conn.db);
    expect(res.rows.map((r) => r.part)).toEqual([partitionOf(t(-1)), partitionOf(t(0))]);
  });

  it('under the 60-minute window: overlapping, touching the window at exactly 60, and a long earlier visit; not 61', async () => {
    const res = await findOverlappingVisits(conn, { ...window(), rule: PC_COVID_WINDOW_RULE, defaultVisitMinutes: 30 });
    expect(res.visits).toHaveLength(1);
    const v = res.visits[0]!;
    expect(v.visit).toMatchObject({ checkinId: indexVisit, venueId: venue, start: t(-30), end: t(30), endEstimated: false });
    const byPerson = new Map(v.contacts.map((c) => [c.personId, c]));
    expect([...byPerson.keys()].sort()).toEqual([people.a, people.b, people.c, people.g].sort());
    expect(byPerson.get(people.a)).toMatchObject({ overlapMinutes: 20, gapMinutes: 0, risk: 'high' });
    expect(byPerson.get(people.b)).toMatchObject({ overlapMinutes: 5, risk: 'low' });
    expect(byPerson.get(people.c)).toMatchObject({ overlapMinutes: 0, gapMinutes: 60, risk: 'low', endEstimated: true, end: t(120) });
    expect(byPerson.get(people.g)).toMatchObject({ overlapMinutes: 10, risk: 'high' });
    expect(res.candidates.map((c) => c.personRef)).toEqual([people.a, people.g, people.b, people.c]);
  });

  it('under minutes of overlap (10 or more): only a and g', async () => {
    const res = await findOverlappingVisits(conn, { ...window(), rule: CWA_OVERLAP_RULE });
    const contacts = res.visits[0]!.contacts;
    expect(contacts.map((c) => c.personId).sort()).toEqual([people.a, people.g].sort());
    expect(contacts.every((c) => c.risk === 'high')).toBe(true);
  });

  it('a wider window of 90 minutes reaches d and f', async () => {
    const res = await findOverlappingVisits(conn, { ...window(), rule: { kind: 'window', minutes: 91 } });
    expect(res.visits[0]!.contacts.map((c) => c.personId)).toEqual(expect.arrayContaining([people.d, people.f]));
    expect(res.visits[0]!.contacts.map((c) => c.personId)).not.toContain(people.e);
  });

  it('the index visit without its check-out uses the default length', async () => {
    const p = uuid();
    const v = uuid();
    const q = uuid();
    await recordCheckins(conn, [
      checkin({ personId: p, venueId: v, checkedInAt: t(-5) }),
      checkin({ personId: q, venueId: v, checkedInAt: t(40), checkedOutAt: t(50) }),
    ]);
    const short = await findOverlappingVisits(conn, { personId: p, from: t(-60), to: t(60), rule: CWA_OVERLAP_RULE, defaultVisitMinutes: 30 });
    expect(short.visits[0]!.visit).toMatchObject({ end: t(25), endEstimated: true });
    expect(short.visits[0]!.contacts).toEqual([]);
    const long = await findOverlappingVisits(conn, { personId: p, from: t(-60), to: t(60), rule: CWA_OVERLAP_RULE, defaultVisitMinutes: 60 });
    expect(long.visits[0]!.contacts.map((c) => c.personId)).toEqual([q]);
  });

  it('finds nothing for a person with no visits in the window, and refuses a backwards window', async () => {
    expect(await findOverlappingVisits(conn, { personId: uuid(), from: t(-60), to: t(60), rule: CWA_OVERLAP_RULE })).toEqual({ visits: [], candidates: [] });
    expect((await refused(findOverlappingVisits(conn, { personId: index, from: t(60), to: t(-60), rule: CWA_OVERLAP_RULE }))).details.field).toBe('to');
  });
});
