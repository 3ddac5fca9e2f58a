import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Connection } from '@sen/db';
import { classifyContact, CWA_OVERLAP_RULE, PC_COVID_WINDOW_RULE, visitInterval, vnDayOf, vnDayStart, type ContactRule } from '@sen/domain';
import { createTestConnection } from '../../testing/test-db';
import { DEFAULT_VISIT_MINUTES, findOverlappingVisits } from './find-overlapping-visits';
import { recordCheckins, type CheckinInput } from './record-checkins';

/**
 * The trace statement (sen_trace_contacts) against the rule itself: visits long enough to come from the day before
 * (the partial index of long visits), venue default lengths from the registry, and a brute-force check of every
 * pair on a random day of check-ins.
 */
let conn: Connection;
let owner: string;

beforeAll(async () => {
  conn = await createTestConnection();
  owner = uuid();
  await sql`INSERT INTO users (id, username, display_name, password_hash) VALUES (${owner}::uuid, 'trace-owner', 'Owner', 'x')`.execute(conn.db);
});
afterAll(async () => {
  await conn?.close();
});

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
const uuid = () => crypto.randomUUID();
/** 00:00 in Viet Nam two days ago: check-ins the day before it sit in another daily partition. */
const midnight = vnDayStart(vnDayOf(new Date(Date.now() - 2 * DAY_MS)));
const t = (minutesFromMidnight: number) => new Date(midnight.getTime() + minutesFromMidnight * MIN_MS);

async function registeredVenue(defaultVisitMinutes: number, type = 'business'): Promise<string> {
  const id = uuid();
  await sql`
    INSERT INTO venues (id, name, type, commune_code, area_path, owner_user_id, default_visit_minutes)
    SELECT ${id}::uuid, 'Địa điểm thử', ${type}, code, path, ${owner}::uuid, ${defaultVisitMinutes} FROM areas WHERE kind = 'commune' ORDER BY code LIMIT 1`.execute(conn.db);
  return id;
}

function visit(personId: string, venueId: string, start: Date, end: Date | null): CheckinInput {
  return { clientId: uuid(), venueId, personId, checkedInAt: start, checkedOutAt: end, source: 'venue_scan' };
}

async function store(visits: CheckinInput[]): Promise<void> {
  const res = await recordCheckins(conn, visits);
  expect(res.inserted).toHaveLength(visits.length);
}

describe('long visits: the lookback beyond 3 hours through the index of long visits', () => {
  const venue = uuid(); // not in the registry: visits without check-out last DEFAULT_VISIT_MINUTES
  const index = uuid();
  const p = { exactly3h: uuid(), over3h: uuid(), fromYesterday: uuid(), tooEarly: uuid(), noCheckout: uuid(), fullDay: uuid() };

  beforeAll(async () => {
    await store([
      visit(index, venue, t(600), t(630)), // 10:00 to 10:30
      visit(p.exactly3h, venue, t(360), t(540)), // 06:00 to 09:00: 3 hours, 60 minutes before
      visit(p.over3h, venue, t(359), t(540)), // 05:59 to 09:00: 3 h 1 min, 60 minutes before
      visit(p.fromYesterday, venue, t(-600), t(615)), // 14:00 the day before to 10:15: 15 minutes together
      visit(p.tooEarly, venue, t(-840), t(539)), // 10:00 the day before to 08:59: 61 minutes before
      visit(p.noCheckout, venue, t(300), null), // 05:00, lasts 60 minutes: 4 hours before
      visit(p.fullDay, venue, t(-900), t(540)), // 09:00 the day before to 09:00: the longest visit, 60 minutes before
    ]);
  });
  const window = { personId: index, from: t(0), to: t(1_439) };

  it('the 60-minute window finds visits begun up to a day earlier, in the previous partition, and stops at 61 minutes', async () => {
    expect(DEFAULT_VISIT_MINUTES).toBe(60);
    const res = await findOverlappingVisits(conn, { ...window, rule: PC_COVID_WINDOW_RULE });
    expect(res.visits).toHaveLength(1);
    const byPerson = new Map(res.visits[0]!.contacts.map((c) => [c.personId, c]));
    expect([...byPerson.keys()].sort()).toEqual([p.exactly3h, p.over3h, p.fromYesterday, p.fullDay].sort());
    expect(byPerson.get(p.fromYesterday)).toMatchObject({ start: t(-600), end: t(615), overlapMinutes: 15, risk: 'high', endEstimated: false });
    expect(byPerson.get(p.fullDay)).toMatchObject({ gapMinutes: 60, overlapMinutes: 0, risk: 'low' });
    expect(byPerson.get(p.over3h)).toMatchObject({ gapMinutes: 60 });
  });

  it('minutes of overlap: only the visit begun the day before', async () => {
    const res = await findOverlappingVisits(conn, { ...window, rule: CWA_OVERLAP_RULE });
    expect(res.visits[0]!.contacts.map((c) => c.personId)).toEqual([p.fromYesterday]);
    expect(res.candidates.map((c) => c.personRef)).toEqual([p.fromYesterday]);
  });
});

describe("venues' own default visit lengths", () => {
  it('a visit without check-out at a venue with an 8-hour default is found from 8 hours earlier; its type is returned', async () => {
    const venue = await registeredVenue(480, 'school');
    const index = uuid();
    const [overlapping, near, far] = [uuid(), uuid(), uuid()];
    await store([
      visit(index, venue, t(600), t(630)),
      visit(overlapping, venue, t(180), null), // 03:00 to 11:00
      visit(near, venue, t(90), null), // 01:30 to 09:30: 30 minutes before
      visit(far, venue, t(59), null), // 00:59 to 08:59: 61 minutes before
    ]);
    const res = await findOverlappingVisits(conn, { personId: index, from: t(0), to: t(1_439), rule: PC_COVID_WINDOW_RULE });
    expect(res.visits.map((v) => v.venueType)).toEqual(['school']);
    const byPerson = new Map(res.visits[0]!.contacts.map((c) => [c.personId, c]));
    expect([...byPerson.keys()].sort()).toEqual([overlapping, near].sort());
    expect(byPerson.get(overlapping)).toMatchObject({ end: t(660), endEstimated: true, overlapMinutes: 30, risk: 'high' });
    expect(byPerson.get(near)).toMatchObject({ end: t(570), gapMinutes: 30 });
  });

  it('the index visit without check-out lasts its venue default; each venue its own in one trace', async () => {
    const short = await registeredVenue(15);
    const long = await registeredVenue(240);
    const index = uuid();
    const [atShort, afterShort, atLong] = [uuid(), uuid(), uuid()];
    await store([
      visit(index, short, t(480), null), // 08:00 to 08:15
      visit(index, long, t(720), null), // 12:00 to 16:00
      visit(atShort, short, t(481), t(500)), // 14 minutes together
      visit(afterShort, short, t(496), t(520)), // from 08:16: after the index person left
      visit(atLong, long, t(950), t(1_000)), // 15:50 to 16:40: 10 minutes together
    ]);
    const res = await findOverlappingVisits(conn, { personId: index, from: t(0), to: t(1_439), rule: CWA_OVERLAP_RULE });
    expect(res.visits.map((v) => [v.visit.end, v.visit.endEstimated])).toEqual([[t(495), true], [t(960), true]]);
    expect(res.visits.map((v) => v.contacts.map((c) => c.personId))).toEqual([[atShort], [atLong]]);
  });
});

describe('every pair of a random day agrees with classifyContact', () => {
  // Park-Miller: the same pseudo-random day on every run.
  let seed = 2021;
  const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  const venues: { id: string; minutes: number | null }[] = [];
  const people = Array.from({ length: 40 }, uuid);
  const stored: CheckinInput[] = [];

  beforeAll(async () => {
    for (const minutes of [15, 60, 240, 720]) venues.push({ id: await registeredVenue(minutes), minutes });
    venues.push({ id: uuid(), minutes: null }); // not in the registry
    for (let i = 0; i < 600; i++) {
      const start = Math.floor(-600 + random() * 2_000); // from 14:00 the day before to 23:20
      const kind = random();
      const length = kind < 0.4 ? null : kind < 0.85 ? 1 + Math.floor(random() * 180) : 180 + Math.floor(random() * 1_260);
      stored.push(visit(people[Math.floor(random() * people.length)]!, venues[Math.floor(random() * venues.length)]!.id, t(start), length === null ? null : t(start + length)));
    }
    for (let i = 0; i < stored.length; i += 200) await store(stored.slice(i, i + 200));
  });

  function expected(personId: string, from: Date, to: Date, rule: ContactRule): string[] {
    const minutesOf = new Map(venues.map((v) => [v.id, v.minutes ?? DEFAULT_VISIT_MINUTES]));
    const interval = (c: CheckinInput) => visitInterval({ start: c.checkedInAt as Date, end: (c.checkedOutAt as Date | null) ?? null }, minutesOf.get(c.venueId)!);
    const pairs: string[] = [];
    for (const a of stored) {
      const at = (a.checkedInAt as Date).getTime();
      if (a.personId !== personId || at < from.getTime() || at > to.getTime()) continue;
      for (const b of stored) {
        if (b.venueId !== a.venueId || b.personId === personId) continue;
        if (classifyContact(interval(a), interval(b), rule).contact) pairs.push(`${a.clientId} ${b.clientId}`);
      }
    }
    return pairs.sort();
  }

  it('for every person, under the window rule and under minutes of overlap', async () => {
    const clientOf = new Map<string, string>();
    const rows = await sql<{ id: string; client_id: string }>`SELECT id, client_id FROM checkins WHERE venue_id = ANY(${venues.map((v) => v.id)}::uuid[])`.execute(conn.db);
    for (const r of rows.rows) clientOf.set(r.id, r.client_id);
    const rules: ContactRule[] = [PC_COVID_WINDOW_RULE, CWA_OVERLAP_RULE, { kind: 'window', minutes: 0 }];
    let pairs = 0;
    for (const rule of rules) {
      for (const personId of people) {
        const res = await findOverlappingVisits(conn, { personId, from: t(0), to: t(1_439), rule });
        const found = res.visits.flatMap((v) => v.contacts.map((c) => `${clientOf.get(v.visit.checkinId)} ${clientOf.get(c.checkinId)}`)).sort();
        expect(found, `${rule.kind} for person ${people.indexOf(personId)}`).toEqual(expected(personId, t(0), t(1_439), rule));
        pairs += found.length;
      }
    }
    // The day is busy enough for the check to mean something, long visits from the day before included.
    expect(pairs).toBeGreaterThan(500);
  });
});
