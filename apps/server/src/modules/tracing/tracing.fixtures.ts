import crypto from 'node:crypto';
import { sql } from '@sen/db';
import type { Jobs } from '../../jobs';
import type { TestApp } from '../../testing/test-app';
import { recordCheckins } from '../checkins/record-checkins';

export { api, auditRows, BA_DINH, NGOC_HA, THU_DAU_MOT, createPerson } from '../people/people.fixtures';
export { vnDay } from '../checkins/venues.fixtures';

export const uuid = () => crypto.randomUUID();

/** An instant at a Viet Nam wall-clock time (UTC+7) on a Viet Nam day. */
export const vn = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+07:00`);

/** A job queue that records what is sent, so a test can run the handler itself. */
export function recordingJobs(): Jobs & { sent: { name: string; payload: object }[] } {
  const sent: { name: string; payload: object }[] = [];
  return {
    sent,
    async send(name, payload) {
      sent.push({ name, payload });
      return `job-${sent.length}`;
    },
    async get() {
      return null;
    },
  };
}

/** A venue row straight in the table (the venues API is tested in its own module). */
export async function insertVenue(t: TestApp, ownerUserId: string, options: { type?: string; defaultVisitMinutes?: number; communeCode?: string; name?: string } = {}): Promise<string> {
  const id = uuid();
  const commune = options.communeCode ?? '00004';
  await sql`
    INSERT INTO venues (id, name, type, commune_code, area_path, owner_user_id, default_visit_minutes)
    SELECT ${id}::uuid, ${options.name ?? `Địa điểm ${id.slice(0, 6)}`}, ${options.type ?? 'business'}, code, path, ${ownerUserId}::uuid, ${options.defaultVisitMinutes ?? 60}
      FROM areas WHERE code = ${commune}`.execute(t.conn.db);
  return id;
}

/** One check-in through the ingest use case; `out` null means no check-out. */
export async function checkin(t: TestApp, personId: string, venueId: string, at: Date, out: Date | null): Promise<string> {
  const clientId = uuid();
  const r = await recordCheckins({ db: t.conn.db }, [{ clientId, venueId, personId, checkedInAt: at, checkedOutAt: out, source: 'venue_scan' }]);
  if (r.inserted.length !== 1) throw new Error('check-in not stored');
  return clientId;
}

let personCounter = 0;
/** A person in the registry of a commune (straight in the table: the people API is tested elsewhere). */
export async function person(t: TestApp, fullName: string, communeCode = '00004', phone: string | null = null): Promise<string> {
  personCounter += 1;
  const id = uuid();
  await sql`
    INSERT INTO people (id, full_name, search_name, commune_code, area_path, phone)
    SELECT ${id}::uuid, ${fullName}, ${`${fullName.toLowerCase()} ${personCounter}`}, code, path, ${phone} FROM areas WHERE code = ${communeCode}`.execute(t.conn.db);
  return id;
}
