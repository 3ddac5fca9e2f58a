/**
 * Check-in tracing: when were two people at the same venue at the same time?
 *
 * Everything is in absolute time (Date, milliseconds since the epoch), so a visit across midnight, across a
 * day partition of the check-ins table (days in Viet Nam time, UTC+7) or given in any time zone is handled the
 * same way: only the instants matter, never the calendar day they fall on.
 *
 * Intervals are half-open, [start, end): two visits that touch (one ends at 10:00, the other starts at 10:00)
 * overlap by zero minutes.
 */

const MINUTE_MS = 60_000;

/** One check-in: a person at a venue from `start` until `end`, or with no check-out (`end` null). */
export interface Visit {
  venueId: string;
  personRef: string;
  start: Date;
  end: Date | null;
}

/** A span of absolute time, [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

/**
 * When the visit ended: its check-out, or without one the check-in plus the venue's default visit length. A
 * check-out before the check-in (refused at ingest, but old data may hold one) is read as a zero-length visit.
 */
export function visitEnd(visit: Pick<Visit, 'start' | 'end'>, defaultVisitMinutes: number): Date {
  if (visit.end) return visit.end.getTime() < visit.start.getTime() ? new Date(visit.start.getTime()) : visit.end;
  return new Date(visit.start.getTime() + Math.max(0, defaultVisitMinutes) * MINUTE_MS);
}

/** The visit as an interval, its end filled in by {@link visitEnd}. */
export function visitInterval(visit: Pick<Visit, 'start' | 'end'>, defaultVisitMinutes: number): Interval {
  return { start: visit.start, end: visitEnd(visit, defaultVisitMinutes) };
}

/** Minutes both intervals share (fractional; zero when they touch or are apart). */
export function overlapMinutes(a: Interval, b: Interval): number {
  const ms = Math.min(a.end.getTime(), b.end.getTime()) - Math.max(a.start.getTime(), b.start.getTime());
  return ms > 0 ? ms / MINUTE_MS : 0;
}

/** Minutes between the end of the earlier interval and the start of the later one (zero when they touch or overlap). */
export function gapMinutes(a: Interval, b: Interval): number {
  const ms = Math.max(a.start.getTime(), b.start.getTime()) - Math.min(a.end.getTime(), b.end.getTime());
  return ms > 0 ? ms / MINUTE_MS : 0;
}
