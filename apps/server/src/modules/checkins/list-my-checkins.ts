import { sql } from '@sen/db';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { ownPersonRow } from './person-qr';

/**
 * The signed-in citizen's own check-ins over the retention window (SEN_CHECKINS_RETENTION_DAYS), newest first, with
 * each venue's name and commune (the person's index serves it; the time bound lets the planner skip dropped days).
 * Audited.
 */
export async function listMyCheckins(deps: Deps, ctx: RequestContext, limit: number) {
  const person = await ownPersonRow(deps.db, ctx);
  const retentionDays = deps.config.SEN_CHECKINS_RETENTION_DAYS;
  const rows = await sql<{ id: string; venue_id: string; venue_name: string; venue_type: string; area_code: string; checked_in_at: Date; checked_out_at: Date | null }>`
    SELECT c.id, c.venue_id, v.name AS venue_name, v.type AS venue_type, v.commune_code AS area_code, c.checked_in_at, c.checked_out_at
      FROM checkins c JOIN venues v ON v.id = c.venue_id
     WHERE c.person_id = ${person.id} AND c.checked_in_at >= now() - make_interval(days => ${retentionDays}::int)
     ORDER BY c.checked_in_at DESC
     LIMIT ${limit + 1}`.execute(deps.db);
  await recordAudit(deps.db, ctx, { action: 'checkins.read_own', entityType: 'person', entityId: person.id, areaPath: person.area_path, details: { count: Math.min(rows.rows.length, limit) } });
  return {
    items: rows.rows.slice(0, limit).map((r) => ({
      id: r.id, venueId: r.venue_id, venueName: r.venue_name, venueType: r.venue_type, areaCode: r.area_code,
      checkedInAt: new Date(r.checked_in_at).toISOString(), checkedOutAt: r.checked_out_at ? new Date(r.checked_out_at).toISOString() : null,
    })),
    hasMore: rows.rows.length > limit,
    retentionDays,
  };
}
