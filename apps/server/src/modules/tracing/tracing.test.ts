import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@sen/db';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { maintainCheckinPartitions } from '../checkins/maintain-partitions';
import { runSecondDegree, SecondDegreePayload, SECOND_DEGREE_JOB } from './second-degree';
import { api, auditRows, checkin, insertVenue, person, recordingJobs, vn, vnDay } from './tracing.fixtures';

/**
 * Tracing end to end through the API: check-ins stored by the ingest use case, a run, its ranked candidates, the
 * contacts confirmed from them, F2 as the job, the map's venues. Times are a few days back, in Viet Nam time.
 */
let t: TestApp;
const jobs = recordingJobs();
let tracer: string;
let owner: string;
const REASON = 'Ca dương tính ngày xét nghiệm, truy vết F1';

interface Candidate { id: string; rank: number; maskedName: string; overlapMinutes: number; score: number; viaContactId: string | null; status: string }
interface Run { id: string; visits: { venueId: string; start: string; end: string; endEstimated: boolean; contacts: number }[]; candidates: Candidate[]; candidateCount: number }

beforeAll(async () => {
  t = await createTestApp({ jobs });
  await maintainCheckinPartitions(t.conn.db);
  tracer = (await signInAs(t, [{ role: 'tracer', areaCode: '01' }])).cookie;
  const national = await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }]);
  owner = national.userId;
});
afterAll(async () => {
  await t?.close();
});

async function run(body: Record<string, unknown>): Promise<Run> {
  const res = await api(t, tracer, 'POST', '/api/tracing/runs', { reason: REASON, ...body });
  if (res.statusCode !== 201) throw new Error(`run failed: ${res.statusCode} ${res.body}`);
  return res.json();
}
/** The candidates' person ids in rank order (candidates are masked: look them up in the table). */
async function rankedPeople(runId: string, generation = 1): Promise<string[]> {
  const rows = await t.conn.db.selectFrom('trace_candidates').select(['person_id']).where('run_id', '=', runId).where('generation', '=', generation).orderBy('rank').execute();
  return rows.map((r) => r.person_id);
}
const window = (day: string) => ({ from: vn(day, '00:00').toISOString(), to: vn(day, '23:59').toISOString() });

describe('the contact rules through a run', () => {
  it('the window rule counts a visit exactly 60 minutes away, not 61, on both sides', async () => {
    const day = vnDay(3);
    const venue = await insertVenue(t, owner);
    const index = await person(t, 'Nguyễn Văn Chỉ');
    const [at60after, at61after, at60before, at61before] = await Promise.all(['Lê A', 'Lê B', 'Lê C', 'Lê D'].map((n) => person(t, n)));
    await checkin(t, index, venue, vn(day, '10:00'), vn(day, '10:30'));
    await checkin(t, at60after!, venue, vn(day, '11:30'), vn(day, '11:40'));
    await checkin(t, at61after!, venue, vn(day, '11:31'), vn(day, '11:40'));
    await checkin(t, at60before!, venue, vn(day, '08:50'), vn(day, '09:00'));
    await checkin(t, at61before!, venue, vn(day, '08:49'), vn(day, '08:59'));
    const r = await run({ personId: index, ...window(day), rule: { kind: 'window', minutes: 60 } });
    expect(new Set(await rankedPeople(r.id))).toEqual(new Set([at60after, at60before]));
    expect(r.candidates.every((c) => c.overlapMinutes === 0)).toBe(true);
  });

  it('touching visits share zero minutes: a window contact, no overlap contact', async () => {
    const day = vnDay(3);
    const venue = await insertVenue(t, owner);
    const index = await person(t, 'Trần Thị Chạm');
    const other = await person(t, 'Phạm Kề');
    await checkin(t, index, venue, vn(day, '10:00'), vn(day, '10:30'));
    await checkin(t, other, venue, vn(day, '10:30'), vn(day, '11:00'));
    const byWindow = await run({ personId: index, ...window(day) });
    expect(byWindow.candidates).toHaveLength(1);
    expect(byWindow.candidates[0]!.overlapMinutes).toBe(0);
    const byOverlap = await run({ personId: index, ...window(day), rule: { kind: 'overlap', minMinutes: 0, highRiskMinutes: 10 } });
    expect(byOverlap.candidates).toHaveLength(0);
  });

  it("a visit without check-out lasts the venue's default length (30 minutes here, not the global 60)", async () => {
    const day = vnDay(4);
    const venue = await insertVenue(t, owner, { defaultVisitMinutes: 30 });
    const index = await person(t, 'Đỗ Văn Mặc');
    const oneMinute = await person(t, 'Vũ Một');
    const after = await person(t, 'Vũ Sau');
    await checkin(t, index, venue, vn(day, '10:00'), null);
    await checkin(t, oneMinute, venue, vn(day, '10:29'), vn(day, '10:50'));
    await checkin(t, after, venue, vn(day, '10:31'), vn(day, '10:50'));
    const r = await run({ personId: index, ...window(day), rule: { kind: 'overlap', minMinutes: 1, highRiskMinutes: 10 } });
    expect(r.visits).toHaveLength(1);
    expect(r.visits[0]).toMatchObject({ end: vn(day, '10:30').toISOString(), endEstimated: true, contacts: 1 });
    expect(await rankedPeople(r.id)).toEqual([oneMinute]);
    expect(r.candidates[0]!.overlapMinutes).toBe(1);
  });

  it('each venue keeps its own default length within one run (30 and 90 minutes)', async () => {
    const day = vnDay(4);
    const short = await insertVenue(t, owner, { defaultVisitMinutes: 30 });
    const long = await insertVenue(t, owner, { defaultVisitMinutes: 90 });
    const index = await person(t, 'Đỗ Thị Hai Nơi');
    const atShortLate = await person(t, 'Vũ Ngắn');
    const atLongLate = await person(t, 'Vũ Dài');
    await checkin(t, index, short, vn(day, '08:00'), null); // until 08:30
    await checkin(t, index, long, vn(day, '14:00'), null); // until 15:30
    await checkin(t, atShortLate, short, vn(day, '08:35'), vn(day, '09:00')); // after the short visit ended
    await checkin(t, atLongLate, long, vn(day, '15:10'), vn(day, '15:40')); // 20 minutes inside the long one
    const r = await run({ personId: index, ...window(day), rule: { kind: 'overlap', minMinutes: 1, highRiskMinutes: 10 } });
    expect(r.visits.map((v) => [v.venueId, v.end])).toEqual([[short, vn(day, '08:30').toISOString()], [long, vn(day, '15:30').toISOString()]]);
    expect(await rankedPeople(r.id)).toEqual([atLongLate]);
    expect(r.candidates[0]!.overlapMinutes).toBe(20);
  });

  it('finds contacts across midnight and across the day-partition boundary', async () => {
    const day = vnDay(5);
    const next = vnDay(4);
    const venue = await insertVenue(t, owner, { type: 'event' });
    const index = await person(t, 'Hoàng Văn Khuya');
    const afterMidnight = await person(t, 'Bùi Sáng');
    const beforeMidnight = await person(t, 'Bùi Tối');
    const idx = await checkin(t, index, venue, vn(day, '23:40'), vn(next, '00:40'));
    const am = await checkin(t, afterMidnight, venue, vn(next, '00:10'), vn(next, '00:30'));
    await checkin(t, beforeMidnight, venue, vn(day, '23:00'), null); // default 60: until 00:00
    const parts = await sql<{ client_id: string; part: string }>`SELECT client_id, tableoid::regclass::text AS part FROM checkins WHERE client_id IN (${idx}, ${am})`.execute(t.conn.db);
    const partOf = new Map(parts.rows.map((p) => [p.client_id, p.part]));
    expect(partOf.get(idx)).toBe(`checkins_d${day.replaceAll('-', '')}`);
    expect(partOf.get(am)).toBe(`checkins_d${next.replaceAll('-', '')}`);
    // The window ends before midnight: the other visit starts in the next partition and is still found.
    const r = await run({ personId: index, from: vn(day, '20:00').toISOString(), to: vn(day, '23:50').toISOString(), rule: { kind: 'overlap', minMinutes: 10, highRiskMinutes: 10 } });
    expect(new Set(await rankedPeople(r.id))).toEqual(new Set([afterMidnight, beforeMidnight]));
    expect(r.candidates.map((c) => c.overlapMinutes).sort()).toEqual([20, 20]);
  });

  it('ranks by overlap, venue type and repeated contact', async () => {
    const d1 = vnDay(6);
    const d2 = vnDay(5);
    const market = await insertVenue(t, owner, { type: 'market' });
    const office = await insertVenue(t, owner, { type: 'business' });
    const index = await person(t, 'Ngô Thị Xếp');
    const [marketHour, officeShort, officeTwice] = await Promise.all(['Mai Chợ', 'Mai Ngắn', 'Mai Hai'].map((n) => person(t, n)));
    await checkin(t, index, market, vn(d1, '14:00'), vn(d1, '15:00'));
    await checkin(t, index, office, vn(d1, '16:00'), vn(d1, '17:00'));
    await checkin(t, index, office, vn(d2, '16:00'), vn(d2, '17:00'));
    await checkin(t, marketHour!, market, vn(d1, '14:00'), vn(d1, '15:00')); // 1.5 x (60 + 20) = 120
    await checkin(t, officeShort!, office, vn(d1, '16:00'), vn(d1, '16:15')); // 15 + 20 = 35
    await checkin(t, officeTwice!, office, vn(d1, '16:30'), vn(d1, '17:00')); // (50 + 50) x 1.5 = 150
    await checkin(t, officeTwice!, office, vn(d2, '16:30'), vn(d2, '17:00'));
    const r = await run({ personId: index, from: vn(d1, '00:00').toISOString(), to: vn(d2, '23:59').toISOString(), rule: { kind: 'overlap', minMinutes: 10, highRiskMinutes: 10 } });
    expect(await rankedPeople(r.id)).toEqual([officeTwice, marketHour, officeShort]);
    expect(r.candidates.map((c) => [c.rank, c.score])).toEqual([[1, 150], [2, 120], [3, 35]]);
    expect(r.candidates[0]!.maskedName).toBe('Mai H.');
  });
});

describe('confirming contacts, notifications and F2', () => {
  it('confirms a candidate once (idempotent, also from a second run) and notifies them without naming the index', async () => {
    const day = vnDay(2);
    const venue = await insertVenue(t, owner, { name: 'Chợ Đồng Xuân', type: 'market' });
    const index = await person(t, 'Lý Văn Nguồn');
    const contact = await person(t, 'Cao Thị Gặp', '00008', '0912345678');
    await checkin(t, index, venue, vn(day, '09:00'), vn(day, '10:00'));
    await checkin(t, contact, venue, vn(day, '09:30'), vn(day, '10:30'));
    const r1 = await run({ personId: index, ...window(day) });
    const cand = r1.candidates[0]!;
    const first = await api(t, tracer, 'POST', `/api/tracing/runs/${r1.id}/candidates/${cand.id}/confirm`, {});
    expect(first.statusCode).toBe(201);
    const again = await api(t, tracer, 'POST', `/api/tracing/runs/${r1.id}/candidates/${cand.id}/confirm`, {});
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const r2 = await run({ personId: index, ...window(day) });
    const fromSecond = await api(t, tracer, 'POST', `/api/tracing/runs/${r2.id}/candidates/${r2.candidates[0]!.id}/confirm`, {});
    expect(fromSecond.statusCode).toBe(200);
    expect(fromSecond.json().id).toBe(first.json().id);

    const rows = await t.conn.db.selectFrom('contacts').selectAll().where('index_person_id', '=', index).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ contact_person_id: contact, generation: 1, source: 'checkin', status: 'confirmed', venue_id: venue, via_contact_id: null });
    expect(Number(rows[0]!.exposure_minutes)).toBe(30);
    expect(new Date(rows[0]!.exposure_start).toISOString()).toBe(vn(day, '09:30').toISOString());
    const outbox = await t.conn.db.selectFrom('notification_outbox').selectAll().where('person_id', '=', contact).execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ template: 'tracing.contact', channel: 'sms' });
    const text = JSON.stringify(outbox[0]!.params);
    expect(text).toContain('Chợ Đồng Xuân');
    expect(text).not.toContain('Nguồn');
    expect(text).not.toContain(index);
    const audit = await auditRows(t, 'tracing.contact.confirm', first.json().id);
    expect(audit.length).toBe(3);
    expect((audit[0]!.details as { reason: string }).reason).toBe(REASON);
  });

  it('F2 runs as a job from the confirmed F1s and keeps to the fan-out limits', async () => {
    const d0 = vnDay(8);
    const d1 = vnDay(7);
    const shop = await insertVenue(t, owner);
    const later = await insertVenue(t, owner, { type: 'school' });
    const index = await person(t, 'Đinh Văn Gốc');
    const f1a = await person(t, 'Đinh Một');
    const f1b = await person(t, 'Đinh Hai');
    await checkin(t, index, shop, vn(d0, '08:00'), vn(d0, '09:00'));
    await checkin(t, f1a, shop, vn(d0, '08:00'), vn(d0, '09:00'));
    await checkin(t, f1b, shop, vn(d0, '08:30'), vn(d0, '09:00'));
    // Each F1 meets four people the next day; the index person is there too (never an F2 of their own trace).
    await checkin(t, index, later, vn(d1, '10:00'), vn(d1, '11:00'));
    const f2People: string[] = [];
    for (const [k, f1] of [f1a, f1b].entries()) {
      await checkin(t, f1, later, vn(d1, k === 0 ? '10:00' : '14:00'), vn(d1, k === 0 ? '11:00' : '15:00'));
      for (let i = 0; i < 4; i++) {
        const p = await person(t, `Đinh F2 ${k}${i}`);
        f2People.push(p);
        await checkin(t, p, later, vn(d1, k === 0 ? '10:00' : '14:00'), vn(d1, k === 0 ? `10:${10 + i * 10}` : `14:${10 + i * 10}`));
      }
    }
    const r = await run({ personId: index, from: vn(d0, '00:00').toISOString(), to: vn(d0, '23:59').toISOString() });
    expect(new Set(await rankedPeople(r.id))).toEqual(new Set([f1a, f1b]));
    const none = await api(t, tracer, 'POST', `/api/tracing/runs/${r.id}/second-degree`, {});
    expect(none.statusCode).toBe(409); // no F1 confirmed yet
    for (const c of r.candidates) expect((await api(t, tracer, 'POST', `/api/tracing/runs/${r.id}/candidates/${c.id}/confirm`, {})).statusCode).toBe(201);
    const tooMany = await api(t, tracer, 'POST', `/api/tracing/runs/${r.id}/second-degree`, { perF1Limit: 1_000_000 });
    expect(tooMany.statusCode).toBe(400);
    const queued = await api(t, tracer, 'POST', `/api/tracing/runs/${r.id}/second-degree`, { perF1Limit: 3, totalLimit: 5 });
    expect(queued.statusCode).toBe(202);
    const sent = jobs.sent.at(-1)!;
    expect(sent.name).toBe(SECOND_DEGREE_JOB);
    const payload = SecondDegreePayload.parse(sent.payload);
    const summary = await runSecondDegree({ db: t.conn.db }, payload);
    expect(summary).toMatchObject({ f1: 2, candidates: 5, cutPerF1: 2, cutTotal: true });
    const f2 = await t.conn.db.selectFrom('trace_candidates').selectAll().where('run_id', '=', r.id).where('generation', '=', 2).execute();
    expect(f2).toHaveLength(5);
    const perVia = new Map<string, number>();
    for (const c of f2) perVia.set(c.via_contact_id!, (perVia.get(c.via_contact_id!) ?? 0) + 1);
    expect([...perVia.values()].sort()).toEqual([2, 3]);
    expect(f2.every((c) => f2People.includes(c.person_id))).toBe(true);
    // Idempotent: the job again adds nothing.
    expect((await runSecondDegree({ db: t.conn.db }, payload)).candidates).toBe(5);
    const page = await api(t, tracer, 'GET', `/api/tracing/runs/${r.id}?generation=2`);
    expect(page.statusCode).toBe(200);
    expect(page.json().candidates).toHaveLength(5);
    expect(page.json().secondDegree.status).toBe('done');
    // Confirming an F2 candidate makes a generation 2 contact through its F1.
    const f2Cand = page.json().candidates[0] as Candidate;
    const confirmed = await api(t, tracer, 'POST', `/api/tracing/runs/${r.id}/candidates/${f2Cand.id}/confirm`, {});
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json()).toMatchObject({ generation: 2, viaContactId: f2Cand.viaContactId });
  });

  it('adds a manual contact once, lists contacts with names', async () => {
    const index = await person(t, 'Tạ Văn Khai');
    const other = await person(t, 'Tạ Thị Kể', '25747');
    const body = { indexPersonId: index, contactPersonId: other, exposureStart: vn(vnDay(1), '19:00').toISOString(), exposureEnd: vn(vnDay(1), '21:00').toISOString(), source: 'declaration', reason: 'Khai báo của ca bệnh' };
    const first = await api(t, tracer, 'POST', '/api/tracing/contacts', body);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ source: 'declaration', exposureMinutes: 120, generation: 1, created: true });
    const again = await api(t, tracer, 'POST', '/api/tracing/contacts', body);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const list = await api(t, tracer, 'GET', `/api/tracing/contacts?indexPersonId=${index}&reason=${encodeURIComponent('Rà soát tiếp xúc')}`);
    expect(list.json().items).toEqual([expect.objectContaining({ contactPersonId: other, contactName: 'Tạ Thị Kể' })]);
    const row = await t.conn.db.selectFrom('contacts').select(['contact_area_path']).where('id', '=', first.json().id).executeTakeFirstOrThrow();
    expect(row.contact_area_path).toMatch(/\.25747$/);
  });
});

describe('runs are audited, reviewable and mapped', () => {
  it('a reason is required (400 naming it, nothing stored) and written to the audit log', async () => {
    const index = await person(t, 'Kiều Văn Lý');
    const before = await t.conn.db.selectFrom('trace_runs').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    for (const reason of [undefined, '', '  ', 'x'.repeat(501)]) {
      const res = await api(t, tracer, 'POST', '/api/tracing/runs', { personId: index, ...(reason === undefined ? {} : { reason }) });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('reason');
    }
    const after = await t.conn.db.selectFrom('trace_runs').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const hostile = "'); DROP TABLE checkins; --";
    const r = await run({ personId: index, reason: hostile });
    const audit = await auditRows(t, 'tracing.run', r.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ reason: hostile, indexPersonId: index });
    // Reading it again is audited with the run's reason.
    expect((await api(t, tracer, 'GET', `/api/tracing/runs/${r.id}`)).statusCode).toBe(200);
    expect((await auditRows(t, 'tracing.run.read', r.id))[0]!.details).toMatchObject({ reason: hostile });
  });

  it("listing a person's runs or contacts needs its own reason (400 naming it, nothing audited), which the audit keeps", async () => {
    const index = await person(t, 'Kiều Thị Hỏi');
    const audits = async () => (await t.conn.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).where('entity_id', '=', index).executeTakeFirstOrThrow()).n;
    for (const path of [`/api/tracing/runs?personId=${index}`, `/api/tracing/contacts?indexPersonId=${index}`]) {
      for (const reason of [undefined, '', 'ab', 'x'.repeat(501)]) {
        const res = await api(t, tracer, 'GET', reason === undefined ? path : `${path}&reason=${reason}`);
        expect(res.statusCode, path).toBe(400);
        expect(res.json().code).toBe('invalid_request');
        expect(res.json().errors[0].field).toBe('querystring.reason');
      }
    }
    const missing = await api(t, tracer, 'GET', `/api/tracing/runs?personId=${index}`);
    expect(missing.json().detail).toContain('every tracing query is audited with its reason');
    expect(await audits()).toBe(0);
    const why = 'Ca F0 mới, xem lại các lần truy vết';
    expect((await api(t, tracer, 'GET', `/api/tracing/runs?personId=${index}&reason=${encodeURIComponent(why)}`)).statusCode).toBe(200);
    expect((await api(t, tracer, 'GET', `/api/tracing/contacts?indexPersonId=${index}&reason=${encodeURIComponent(why)}`)).statusCode).toBe(200);
    expect((await auditRows(t, 'tracing.runs.list', index))[0]!.details).toMatchObject({ reason: why });
    expect((await auditRows(t, 'tracing.contacts.read', index))[0]!.details).toMatchObject({ reason: why });
  });

  it('candidates are masked until opened; opening is audited', async () => {
    const day = vnDay(2);
    const venue = await insertVenue(t, owner);
    const index = await person(t, 'Lương Văn Mở');
    const other = await person(t, 'Lương Thị Kín', '00004', '0987654321');
    await checkin(t, index, venue, vn(day, '18:00'), vn(day, '19:00'));
    await checkin(t, other, venue, vn(day, '18:00'), vn(day, '19:00'));
    const r = await run({ personId: index, ...window(day) });
    expect(r.candidates[0]).toMatchObject({ maskedName: 'Lương T. K.' });
    expect(JSON.stringify(r)).not.toContain('Kín');
    expect(JSON.stringify(r)).not.toContain('0987654321');
    const opened = await api(t, tracer, 'GET', `/api/tracing/runs/${r.id}/candidates/${r.candidates[0]!.id}`);
    expect(opened.statusCode).toBe(200);
    expect(opened.json()).toMatchObject({ fullName: 'Lương Thị Kín', phone: '0987654321', personId: other, opened: true });
    const audit = await auditRows(t, 'tracing.candidate.open', other);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ reason: REASON, runId: r.id });
    const venues = await api(t, tracer, 'GET', `/api/tracing/runs/${r.id}/venues`);
    expect(venues.statusCode).toBe(200);
    expect(venues.json().items).toEqual([expect.objectContaining({ venueId: venue, communeCode: '00004', provinceCode: '01', visits: 1, contacts: 1, latitude: null, longitude: null })]);
    // A venue with a point is drawn there.
    await sql`UPDATE venues SET latitude = 21.0341, longitude = 105.8372 WHERE id = ${venue}::uuid`.execute(t.conn.db);
    const placed = await api(t, tracer, 'GET', `/api/tracing/runs/${r.id}/venues`);
    expect(placed.json().items).toEqual([expect.objectContaining({ venueId: venue, latitude: 21.0341, longitude: 105.8372 })]);
  });

  it('the default window is the 14 days before the test date, to the end of that day', async () => {
    const index = await person(t, 'Phan Văn Hạn');
    const testDate = vnDay(1);
    const r = await api(t, tracer, 'POST', '/api/tracing/runs', { personId: index, testDate, reason: REASON });
    expect(r.statusCode).toBe(201);
    const body = r.json();
    expect(body.windowFrom).toBe(new Date(vn(testDate, '00:00').getTime() - 14 * 86_400_000).toISOString());
    expect(body.windowTo).toBe(new Date(vn(testDate, '00:00').getTime() + 86_400_000).toISOString());
    expect(body.rule).toMatchObject({ kind: 'window', minutes: 60 });
  });
});
