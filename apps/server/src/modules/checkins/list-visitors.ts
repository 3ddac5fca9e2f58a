import { sql } from '@sen/db';
import { isCalendarDay, maskName, qrColour, vnToday, type DoseRecord } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { activeCatalog } from '../vaccination/catalog-store';
import { venueFieldError } from './validate-venue';
import { loadVenueFor } from './venue-access';

/** The visitor list shows at most this many rows (counts by hour always cover the whole day). */
export const MAX_VISITORS = 5_000;

export interface Visitor {
  checkinId: string;
  maskedName: string;
  checkedInAt: string;
  checkedOutAt: string | null;
  /** The check-out, or the check-in plus the venue's default visit length when there was none. */
  leftAt: string;
  source: string;
  /** The visitor's personal QR colour today from their verified doses (null when the visitor is not in the registry). */
  colour: 'green' | 'black' | null;
}

export interface VisitorList {
  venueId: string;
  date: string;
  total: number;
  truncated: boolean;
  visitors: Visitor[];
  /** Arrivals in each Viet Nam hour of the day (hour 0 = 00:00-00:59 +07), all 24 hours. */
  countsByHour: { hour: number; count: number }[];
}

/**
 * A venue's visitors on one Viet Nam day (default today): masked names only, times, and arrivals by hour. Only
 * the venue's owner (and a country-level business:manage grant) may read it; anyone else gets 404 or 403 as the
 * venue rule says. The read is audited: it touches people.
 */
export async function listVisitors(deps: Deps, ctx: RequestContext, venueId: string, date?: string, now: Date = new Date()): Promise<VisitorList> {
  const day = date ?? vnToday(now);
  if (!isCalendarDay(day)) throw venueFieldError('invalid_date', 'date', 'Give a day as YYYY-MM-DD');
  const venue = await loadVenueFor(deps.db, ctx, venueId, 'operate');
  const range = sql`c.venue_id = ${venue.id} AND c.checked_in_at >= sen_vn_day_start(${day}::date) AND c.checked_in_at < sen_vn_day_start(${day}::date + 1)`;
  const rows = await sql<{ id: string; person_id: string | null; full_name: string | null; checked_in_at: Date; checked_out_at: Date | null; source: string }>`
    SELECT c.id, c.person_id, p.full_name, c.checked_in_at, c.checked_out_at, c.source
      FROM checkins c LEFT JOIN people p ON p.id = c.person_id
     WHERE ${range}
     ORDER BY c.checked_in_at, c.id
     LIMIT ${MAX_VISITORS + 1}`.execute(deps.db);
  const hours = await sql<{ hour: number; n: number }>`
    SELECT extract(hour FROM (c.checked_in_at AT TIME ZONE 'UTC') + interval '7 hours')::int AS hour, count(*)::int AS n
      FROM checkins c WHERE ${range} GROUP BY 1`.execute(deps.db);
  const byHour = new Map(hours.rows.map((h) => [Number(h.hour), Number(h.n)]));
  const total = [...byHour.values()].reduce((a, b) => a + b, 0);
  const colours = await visitorColours(deps, rows.rows.slice(0, MAX_VISITORS).flatMap((r) => (r.person_id ? [r.person_id] : [])), now);
  const visitMs = venue.default_visit_minutes * 60_000;
  const visitors = rows.rows.slice(0, MAX_VISITORS).map((r) => {
    const inAt = new Date(r.checked_in_at);
    const outAt = r.checked_out_at ? new Date(r.checked_out_at) : null;
    return {
      checkinId: r.id,
      maskedName: r.full_name ? maskName(r.full_name) : '?',
      checkedInAt: inAt.toISOString(),
      checkedOutAt: outAt?.toISOString() ?? null,
      leftAt: (outAt ?? new Date(inAt.getTime() + visitMs)).toISOString(),
      source: r.source,
      colour: r.person_id ? (colours.get(r.person_id) ?? 'black') : null,
    };
  });
  await recordAudit(deps.db, ctx, { action: 'venue.visitors.read', entityType: 'venue', entityId: venue.id, areaPath: venue.area_path, details: { date: day, shown: visitors.length, total } });
  return {
    venueId: venue.id, date: day, total, truncated: rows.rows.length > MAX_VISITORS, visitors,
    countsByHour: Array.from({ length: 24 }, (_, hour) => ({ hour, count: byHour.get(hour) ?? 0 })),
  };
}

/** QR colours (the domain rule of DOMAIN.md) for many people at once, from one query over their verified doses. */
async function visitorColours(deps: Deps, personIds: readonly string[], now: Date): Promise<Map<string, 'green' | 'black'>> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return new Map();
  const doses = await deps.db.selectFrom('doses').select(['person_id', 'administered_at', 'vaccine_code', 'component'])
    .where('person_id', 'in', ids).where('verified', '=', true).orderBy('administered_at').execute();
  const byPerson = new Map<string, DoseRecord[]>();
  for (const d of doses) {
    const list = byPerson.get(d.person_id) ?? [];
    list.push({ date: new Date(d.administered_at), vaccine: d.vaccine_code, component: d.component });
    byPerson.set(d.person_id, list);
  }
  const catalog = await activeCatalog(deps.db, now);
  return new Map(ids.map((id) => [id, qrColour({ doses: byPerson.get(id) ?? [] }, catalog, now).colour]));
}
