import { sql, timeHashedUuid, type Database } from '@sen/db';
import { AppError, badRequest } from '@sen/domain';
import type { Deps } from '../../context';
import { DEFAULT_RETENTION_DAYS } from './maintain-partitions';

export const CHECKIN_SOURCES = ['venue_scan', 'self_scan', 'manual'] as const;
export type CheckinSource = (typeof CHECKIN_SOURCES)[number];

/** At most this many check-ins in one batch (an offline queue syncs in several). */
export const MAX_BATCH = 1_000;
/** Device clocks run a little fast: a check-in up to this far in the future is accepted. */
export const CLOCK_SKEW_MINUTES = 5;
/**
 * The longest visit accepted (check-out minus check-in). Tracing relies on it: it widens its search by this much
 * to find visits that began earlier and were still going on.
 */
export const MAX_VISIT_MINUTES = 24 * 60;

/** One check-in as a client sends it. `clientId` is made once on the device and sent again unchanged on a retry. */
export interface CheckinInput {
  clientId: string;
  venueId: string;
  personId: string;
  checkedInAt: Date | string;
  checkedOutAt?: Date | string | null;
  source: CheckinSource;
}

export interface RecordCheckinsResult {
  /** Check-ins stored by this call, with the ids given to them (and their check-in time, which with the client id is the key). */
  inserted: { clientId: string; id: string; checkedInAt: Date }[];
  /** Client ids already stored (a retry) or repeated in this batch: nothing new was stored for them. */
  duplicates: string[];
}

export interface RecordOptions {
  now?: Date;
  /** Check-ins older than this are refused: they would fall outside the retention window at once. */
  maxAgeDays?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MINUTE_MS = 60_000;

function fieldError(code: string, field: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return badRequest(code, `${field}: ${message}`, { field, errors: [{ field, message }], ...extra });
}

interface CleanCheckin {
  clientId: string;
  venueId: string;
  personId: string;
  checkedInAt: Date;
  checkedOutAt: Date | null;
  source: CheckinSource;
}

function parseTime(raw: unknown, field: string): Date {
  const d = raw instanceof Date ? new Date(raw.getTime()) : typeof raw === 'string' && raw.trim() !== '' ? new Date(raw) : null;
  if (!d || Number.isNaN(d.getTime())) throw fieldError('invalid_time', field, 'Give a time as ISO 8601 with its offset, e.g. 2021-08-01T10:00:00+07:00');
  if (typeof raw === 'string' && !/(Z|[+-]\d{2}:?\d{2})$/i.test(raw.trim())) {
    throw fieldError('invalid_time', field, 'The time needs its offset (Z or +07:00): a time without one is ambiguous');
  }
  return d;
}

/** Checks one batch; throws a 4xx naming the first bad field (`checkins.3.checkedOutAt`). */
export function validateCheckins(batch: readonly CheckinInput[], options: RecordOptions = {}): CleanCheckin[] {
  if (!Array.isArray(batch)) throw fieldError('invalid_batch', 'checkins', 'Send a list of check-ins');
  if (batch.length === 0) throw fieldError('invalid_batch', 'checkins', 'The batch is empty');
  if (batch.length > MAX_BATCH) {
    throw new AppError('batch_too_large', `checkins: at most ${MAX_BATCH} check-ins per batch, not ${batch.length}`, { field: 'checkins', max: MAX_BATCH, count: batch.length }, 413);
  }
  const now = (options.now ?? new Date()).getTime();
  const latest = now + CLOCK_SKEW_MINUTES * MINUTE_MS;
  const earliest = now - (options.maxAgeDays ?? DEFAULT_RETENTION_DAYS) * 1_440 * MINUTE_MS;
  return batch.map((item, i) => {
    const f = (name: string) => `checkins.${i}.${name}`;
    if (typeof item !== 'object' || item === null) throw fieldError('invalid_checkin', `checkins.${i}`, 'Each check-in is an object');
    const clientId = typeof item.clientId === 'string' ? item.clientId.trim() : '';
    if (clientId.length < 1 || clientId.length > 100) throw fieldError('invalid_client_id', f('clientId'), 'Give the id the device made for this check-in (1 to 100 characters)');
    if (typeof item.venueId !== 'string' || !UUID.test(item.venueId)) throw fieldError('invalid_venue_id', f('venueId'), 'Give a venue id (UUID)');
    if (typeof item.personId !== 'string' || !UUID.test(item.personId)) throw fieldError('invalid_person_id', f('personId'), 'Give a person id (UUID)');
    if (!CHECKIN_SOURCES.includes(item.source)) throw fieldError('invalid_source', f('source'), `One of ${CHECKIN_SOURCES.join(', ')}`);
    const checkedInAt = parseTime(item.checkedInAt, f('checkedInAt'));
    if (checkedInAt.getTime() > latest) throw fieldError('checkin_in_future', f('checkedInAt'), `The check-in time is in the future (more than ${CLOCK_SKEW_MINUTES} minutes ahead)`);
    if (checkedInAt.getTime() < earliest) throw fieldError('checkin_too_old', f('checkedInAt'), 'The check-in is older than the retention window');
    let checkedOutAt: Date | null = null;
    if (item.checkedOutAt !== undefined && item.checkedOutAt !== null && item.checkedOutAt !== '') {
      checkedOutAt = parseTime(item.checkedOutAt, f('checkedOutAt'));
      if (checkedOutAt.getTime() > latest) throw fieldError('checkout_in_future', f('checkedOutAt'), `The check-out time is in the future (more than ${CLOCK_SKEW_MINUTES} minutes ahead)`);
      if (checkedOutAt.getTime() <= checkedInAt.getTime()) throw fieldError('checkout_before_checkin', f('checkedOutAt'), 'The check-out must come after the check-in');
      if (checkedOutAt.getTime() - checkedInAt.getTime() > MAX_VISIT_MINUTES * MINUTE_MS) {
        throw fieldError('visit_too_long', f('checkedOutAt'), `A visit lasts at most ${MAX_VISIT_MINUTES / 60} hours`, { maxMinutes: MAX_VISIT_MINUTES });
      }
    }
    return { clientId, venueId: item.venueId.toLowerCase(), personId: item.personId.toLowerCase(), checkedInAt, checkedOutAt, source: item.source };
  });
}

/**
 * The id of the check-in a device made as `clientId` at `checkedInAt`: the same for every retry, so the primary key
 * (checked_in_at, id) is the idempotency key (migration 0020). Time-ordered like UUIDv7.
 */
export function checkinId(clientId: string, checkedInAt: Date): string {
  return timeHashedUuid(checkedInAt.getTime(), clientId);
}

/**
 * Stores a batch of check-ins in one INSERT. Idempotent on the client id: a retry carries the same client id and
 * check-in time, hence the same id (checkinId), so ON CONFLICT on the primary key skips what is already stored. A
 * retried batch stores nothing new and reports every client id as a duplicate. Nothing is stored when any item is
 * invalid. Rows go in primary-key order, so concurrent batches holding the same check-ins wait on each other in the
 * same order (no deadlock).
 */
export async function recordCheckins(deps: { db: Database } | Pick<Deps, 'db'>, batch: readonly CheckinInput[], options: RecordOptions = {}): Promise<RecordCheckinsResult> {
  const clean = validateCheckins(batch, options).map((c) => ({ ...c, id: checkinId(c.clientId, c.checkedInAt) }));
  // The first of repeated items in one batch is stored; the rest are duplicates like a retry.
  const unique = new Map<string, (typeof clean)[number]>();
  for (const c of clean) if (!unique.has(c.id)) unique.set(c.id, c);
  const rows = [...unique.values()].sort((a, b) => a.checkedInAt.getTime() - b.checkedInAt.getTime() || (a.id < b.id ? -1 : 1));
  const res = await sql<{ id: string }>`
    INSERT INTO checkins (id, venue_id, person_id, checked_in_at, checked_out_at, source, client_id)
    SELECT * FROM unnest(
      ${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.venueId)}::uuid[], ${rows.map((r) => r.personId)}::uuid[],
      ${rows.map((r) => r.checkedInAt.toISOString())}::timestamptz[], ${rows.map((r) => r.checkedOutAt?.toISOString() ?? null)}::timestamptz[],
      ${rows.map((r) => r.source)}::text[], ${rows.map((r) => r.clientId)}::text[])
    ON CONFLICT (checked_in_at, id) DO NOTHING
    RETURNING id`.execute(deps.db);
  const stored = new Set(res.rows.map((r) => r.id));
  const inserted: RecordCheckinsResult['inserted'] = [];
  const duplicates: string[] = [];
  for (const c of clean) {
    if (stored.delete(c.id)) inserted.push({ clientId: c.clientId, id: c.id, checkedInAt: c.checkedInAt });
    else duplicates.push(c.clientId);
  }
  return { inserted, duplicates };
}
