import { AppError, badRequest, conflict, maskName } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { MAX_BATCH, recordCheckins, validateCheckins, type CheckinInput, type RecordCheckinsResult, type RecordOptions } from './record-checkins';
import { resolveVisitors, type VisitorRef } from './resolve-visitors';
import { resolvePersonTokens } from './person-qr';
import { loadVenueFor } from './venue-access';
import type { VenueRow } from './venues-repo';

const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

/** One visitor as the venue page sends it: the scanned signed QR (personToken), a person id, or a typed ID number. */
export interface VenueCheckinInput extends VisitorRef {
  personToken?: string;
  clientId: string;
  checkedInAt: string;
  checkedOutAt?: string | null;
}

export interface VenueCheckinResult {
  id: string | null;
  clientId: string;
  /** True when this client id was already stored (a retry): nothing new was stored. */
  duplicate: boolean;
  /** All the venue learns about the visitor. */
  maskedName: string;
}

/** Re-throws a record-checkins validation error with the field named as this route's body names it. */
function renameField(err: unknown, rename: (field: string) => string): never {
  if (err instanceof AppError && typeof err.details.field === 'string') {
    const field = rename(err.details.field);
    const message = err.message.replace(/^[^:]+:/, `${field}:`);
    const errors = Array.isArray(err.details.errors) ? (err.details.errors as { field: string; message: string }[]).map((e) => ({ ...e, field: rename(e.field) })) : undefined;
    throw new AppError(err.code, message, { ...err.details, field, ...(errors ? { errors } : {}) }, err.status);
  }
  throw err;
}

function assertActive(venue: VenueRow): void {
  if (!venue.active) throw conflict('venue_inactive', 'This venue is closed for check-ins');
}

async function checkInMany(deps: Deps, ctx: RequestContext, venueId: string, items: readonly VenueCheckinInput[], field: (i: number, name: string) => string, options: RecordOptions) {
  if (!Array.isArray(items) || items.length === 0) throw new AppError('invalid_batch', 'checkins: The batch is empty', { field: 'checkins' });
  if (items.length > MAX_BATCH) {
    throw new AppError('batch_too_large', `checkins: at most ${MAX_BATCH} check-ins per batch, not ${items.length}`, { field: 'checkins', max: MAX_BATCH, count: items.length }, 413);
  }
  const venue = await loadVenueFor(deps.db, ctx, venueId, 'operate');
  assertActive(venue);
  const asInput = (it: VenueCheckinInput, personId: string): CheckinInput => ({
    clientId: it.clientId, venueId: venue.id, personId, checkedInAt: it.checkedInAt, checkedOutAt: it.checkedOutAt ?? null, source: 'venue_scan',
  });
  // Times and client ids first, so a bad time is named before any registry lookup.
  try {
    validateCheckins(items.map((it) => asInput(it, PLACEHOLDER_ID)), options);
  } catch (err) {
    renameField(err, (f) => f.replace(/^checkins\.(\d+)\.(.*)$/, (_m, i: string, name: string) => field(Number(i), name)));
  }
  const visitors = await resolveVisitors(deps.db, await withTokenPeople(deps, items, field, options), field);
  return deps.db.transaction().execute(async (trx) => {
    const res = await recordCheckins({ db: trx }, items.map((it, i) => asInput(it, visitors[i]!.personId)), options);
    await recordAudit(trx, ctx, {
      action: items.length === 1 ? 'checkin.venue' : 'checkin.venue_batch', entityType: 'venue', entityId: venue.id, areaPath: venue.area_path,
      details: checkinsAuditDetails(res, visitors),
    });
    // Stored once per (client id, check-in time), the key record-checkins is idempotent on; a repeat in this batch
    // or a retry of an earlier sync is a duplicate.
    const key = (clientId: string, at: Date | string) => `${clientId}\u0000${new Date(at).getTime()}`;
    const ids = new Map(res.inserted.map((r) => [key(r.clientId, r.checkedInAt), r.id]));
    return items.map((it, i): VenueCheckinResult => {
      const clientId = it.clientId.trim();
      const k = key(clientId, it.checkedInAt);
      const id = ids.get(k) ?? null;
      ids.delete(k);
      return { id, clientId, duplicate: id === null, maskedName: maskName(visitors[i]!.fullName) };
    });
  });
}

/**
 * What the audit row of a venue's check-ins says: counts and the range of ids stored, not a list of up to
 * MAX_BATCH ids (ids are time-ordered, so the range with the venue finds the rows while they are kept).
 */
function checkinsAuditDetails(res: RecordCheckinsResult, visitors: readonly { personId: string }[]) {
  const ids = res.inserted.map((r) => r.id).sort();
  return { inserted: ids.length, duplicates: res.duplicates.length, people: new Set(visitors.map((v) => v.personId)).size, firstId: ids[0] ?? null, lastId: ids.at(-1) ?? null };
}

/** Replaces scanned personal tokens by the person ids they stand for (refusing forged, altered or replaced codes). */
async function withTokenPeople(deps: Deps, items: readonly VenueCheckinInput[], field: (i: number, name: string) => string, options: RecordOptions): Promise<VisitorRef[]> {
  const scanned: number[] = [];
  items.forEach((it, i) => {
    if (it.personToken === undefined) return;
    if (it.personId !== undefined || it.idNumber !== undefined) {
      throw badRequest('visitor_required', `${field(i, 'personToken')}: Give one of personToken (the scanned QR code), personId or idNumber`, { field: field(i, 'personToken') });
    }
    scanned.push(i);
  });
  if (scanned.length === 0) return items.map(({ personId, idNumber, idKind }) => ({ personId, idNumber, idKind }));
  const people = await resolvePersonTokens(deps, scanned.map((i) => items[i]!.personToken!), (k) => field(scanned[k]!, 'personToken'), options.now);
  const byIndex = new Map(scanned.map((i, k) => [i, people[k]!]));
  return items.map(({ personId, idNumber, idKind }, i) => (byIndex.has(i) ? { personId: byIndex.get(i) } : { personId, idNumber, idKind }));
}

/**
 * The venue's owner checks one visitor in (scanned person QR or typed ID number). Idempotent on clientId: a retry
 * answers duplicate: true. The venue learns only the masked name. Audited with the check-in.
 */
export async function checkInVisitor(deps: Deps, ctx: RequestContext, venueId: string, input: VenueCheckinInput, options: RecordOptions = {}): Promise<VenueCheckinResult> {
  const [one] = await checkInMany(deps, ctx, venueId, [input], (_i, name) => name, options);
  return one!;
}

/**
 * The venue page's offline queue: up to MAX_BATCH check-ins in one request, stored once however often the queue is
 * synced (client ids). Any bad item (time, unknown person) refuses the whole batch with its field named
 * (checkins.3.idNumber) and stores nothing, so the page can drop or fix that item and sync again.
 */
export async function checkInVisitorBatch(deps: Deps, ctx: RequestContext, venueId: string, items: readonly VenueCheckinInput[], options: RecordOptions = {}) {
  const results = await checkInMany(deps, ctx, venueId, items, (i, name) => `checkins.${i}.${name}`, options);
  return { inserted: results.filter((r) => !r.duplicate).length, duplicates: results.filter((r) => r.duplicate).length, items: results };
}
