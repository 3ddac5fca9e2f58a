import { sql, uuidv7, type Database, type Transaction, type DB } from '@sen/db';
import {
  compareInvitationCandidates, conflict, displayPartialDateVi, evaluateDose, nextDoseDue, type CatalogVersion, type DoseRecord, type InvitationCandidate,
} from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { enqueueNotification } from '../notifications/enqueue-notification';
import { activeCatalog } from './catalog-store';
import { loadSessionFor, type SessionRow } from './sessions-repo';
import { vnLocal } from './sites-repo';

type Db = Database | Transaction<DB>;

export const INVITATION_TEMPLATE = 'vaccination.invitation';

interface CandidateRow {
  person_id: string;
  registration_id: string | null;
  target_entry_id: string | null;
  priority_rank: number | null;
  since: Date;
  birth_date: string | null;
  full_name: string;
  phone: string | null;
}

/** The catalog codes a session offers (sessions store EU product codes; a catalog code is accepted too). */
function sessionVaccines(catalog: CatalogVersion, products: readonly string[]): string[] {
  return products.map((p) => catalog.vaccines.find((v) => v.dcc.mp === p || v.code === p)?.code).filter((c): c is string => c !== undefined);
}

/** Viet Nam wall-clock time (HH:MM) of an instant. */
const vnTime = (d: Date) => vnLocal(d).slice(11);

/**
 * The people a session could invite: open registrations for its site or commune (whose preferred date is not after
 * the session) and people on target lists of its commune; not merged, not already invited to it, not holding an
 * open invitation to another session still to come. One row per person with their most urgent priority group.
 */
async function candidatesFor(db: Db, session: SessionRow): Promise<CandidateRow[]> {
  const rows = await sql<CandidateRow>`
    WITH sources AS (
      SELECT r.person_id, r.id AS registration_id, NULL::uuid AS target_entry_id, r.priority_group, r.created_at
        FROM vaccination_registrations r
       WHERE r.status = 'active' AND (r.site_id = ${session.site_id} OR (r.site_id IS NULL AND r.area_path = ${session.area_path}::ltree))
         AND (r.preferred_date IS NULL OR r.preferred_date <= ${session.session_date}::date)
      UNION ALL
      SELECT e.person_id, NULL, e.id, e.priority_group, e.created_at FROM target_list_entries e WHERE e.area_path = ${session.area_path}::ltree
    )
    SELECT s.person_id,
           (array_agg(s.registration_id ORDER BY s.created_at) FILTER (WHERE s.registration_id IS NOT NULL))[1] AS registration_id,
           (array_agg(s.target_entry_id ORDER BY s.created_at) FILTER (WHERE s.target_entry_id IS NOT NULL))[1] AS target_entry_id,
           min(g.rank) AS priority_rank, min(s.created_at) AS since, p.birth_date, p.full_name, p.phone
      FROM sources s
      JOIN people p ON p.id = s.person_id AND p.merged_into IS NULL
      LEFT JOIN priority_groups g ON g.code = s.priority_group AND g.active
     WHERE NOT EXISTS (SELECT 1 FROM vaccination_invitations i WHERE i.session_id = ${session.id} AND i.person_id = s.person_id)
       AND NOT EXISTS (
         SELECT 1 FROM vaccination_invitations i JOIN vaccination_sessions o ON o.id = i.session_id
          WHERE i.person_id = s.person_id AND i.status = 'invited' AND o.status IN ('planned', 'open') AND o.session_date >= ${session.session_date}::date)
     GROUP BY s.person_id, p.birth_date, p.full_name, p.phone`.execute(db);
  return rows.rows;
}

async function dosesOf(db: Db, personIds: readonly string[]): Promise<Map<string, DoseRecord[]>> {
  const out = new Map<string, DoseRecord[]>();
  if (personIds.length === 0) return out;
  const rows = await sql<{ person_id: string; administered_at: Date; vaccine_code: string; dose_number: number; component: string | null }>`
    SELECT person_id, administered_at, vaccine_code, dose_number, component FROM doses
     WHERE person_id = ANY(${[...personIds]}::uuid[]) AND review_status <> 'rejected' ORDER BY administered_at`.execute(db);
  for (const r of rows.rows) {
    const list = out.get(r.person_id) ?? [];
    list.push({ date: new Date(r.administered_at), vaccine: r.vaccine_code, doseNumber: r.dose_number, component: r.component });
    out.set(r.person_id, list);
  }
  return out;
}

export interface GenerateResult {
  invited: number;
  capacity: number;
  alreadyInvited: number;
  /** Candidates whose next dose is not due by the session day, or who need no further dose. */
  skippedNotDue: number;
  /** Candidates none of the session's vaccines suits (age, mixing, booster product). */
  skippedNotEligible: number;
  /** Due and eligible, but the session is full. */
  waiting: number;
}

/**
 * Invites people to a session up to its capacity, in priority-group order, then by how overdue their next dose is
 * (first doses after those overdue), then first come first served. Each invitation queues a message in the
 * outbox in the same transaction. Idempotent: a second run invites only people not yet invited, within the room
 * that is left; the session row is locked so two runs cannot both fill it.
 */
export async function generateInvitations(deps: Deps, ctx: RequestContext, sessionId: string): Promise<GenerateResult> {
  return deps.db.transaction().execute(async (trx) => {
    const session = await loadSessionFor(trx, ctx, sessionId, 'vaccination:write', { forUpdate: true });
    if (session.status !== 'planned' && session.status !== 'open') throw conflict('invalid_status', `A ${session.status} session cannot invite anyone`, { status: session.status });
    const taken = await trx.selectFrom('vaccination_invitations').select(sql<number>`count(*)::int`.as('n')).where('session_id', '=', sessionId).where('status', '<>', 'cancelled').executeTakeFirstOrThrow();
    const room = Math.max(0, session.capacity - taken.n);
    const startsAt = new Date(session.starts_at);
    const catalog = await activeCatalog(trx, startsAt);
    const vaccines = sessionVaccines(catalog, session.products);
    const candidates = await candidatesFor(trx, session);
    const doses = await dosesOf(trx, candidates.map((c) => c.person_id));
    const sessionDay = new Date(`${session.session_date}T00:00:00Z`);
    let skippedNotDue = 0;
    let skippedNotEligible = 0;
    const eligible: (InvitationCandidate & { row: CandidateRow })[] = [];
    for (const c of candidates) {
      const history = doses.get(c.person_id) ?? [];
      const next = nextDoseDue(history, catalog, sessionDay);
      if (next.kind === 'none' || (next.kind === 'due' && next.earliest.getTime() > sessionDay.getTime())) {
        skippedNotDue += 1;
        continue;
      }
      const suits = vaccines.some((vaccine) => evaluateDose({ birthDate: c.birth_date, priorDoses: history, proposed: { date: startsAt, vaccine } }, catalog).allowed);
      if (!suits) {
        skippedNotEligible += 1;
        continue;
      }
      eligible.push({ personId: c.person_id, priorityRank: c.priority_rank, dueOn: next.kind === 'due' ? next.recommended : null, since: new Date(c.since), row: c });
    }
    eligible.sort(compareInvitationCandidates);
    const chosen = eligible.slice(0, room);
    const site = await trx.selectFrom('vaccination_sites').select(['name', 'address']).where('id', '=', session.site_id).executeTakeFirstOrThrow();
    const base = { sessionDate: displayPartialDateVi(session.session_date), startTime: vnTime(startsAt), endTime: vnTime(new Date(session.ends_at)), siteName: site.name, ...(site.address ? { siteAddress: site.address } : {}) };
    for (const c of chosen) {
      await trx.insertInto('vaccination_invitations').values({
        id: uuidv7(), session_id: sessionId, person_id: c.personId, registration_id: c.row.registration_id, target_entry_id: c.row.target_entry_id,
        priority_rank: c.priorityRank, due_on: c.dueOn ? c.dueOn.toISOString().slice(0, 10) : null, area_path: session.area_path, created_by: ctx.actor?.userId ?? null,
      }).execute();
      await enqueueNotification(trx, {
        personId: c.personId, channel: c.row.phone ? 'sms' : 'app', template: INVITATION_TEMPLATE, params: { ...base, fullName: c.row.full_name },
        dedupeKey: `${INVITATION_TEMPLATE}:${sessionId}:${c.personId}`,
      });
    }
    const result: GenerateResult = { invited: chosen.length, capacity: session.capacity, alreadyInvited: taken.n, skippedNotDue, skippedNotEligible, waiting: eligible.length - chosen.length };
    await recordAudit(trx, ctx, { action: 'invitations.generate', entityType: 'vaccination_session', entityId: sessionId, areaPath: session.area_path, details: { ...result } });
    return result;
  });
}

/** A session's invitations with names, in invitation order (audited: it lists people). */
export async function listInvitations(deps: Deps, ctx: RequestContext, sessionId: string, input: { limit: number; offset: number }) {
  const session = await loadSessionFor(deps.db, ctx, sessionId, 'vaccination:read');
  const rows = await deps.db
    .selectFrom('vaccination_invitations as i')
    .innerJoin('people as p', 'p.id', 'i.person_id')
    .select(['i.id', 'i.person_id', 'p.full_name', 'i.status', 'i.priority_rank', sql<string | null>`i.due_on::text`.as('due_on'), 'i.registration_id', 'i.target_entry_id', 'i.created_at'])
    .where('i.session_id', '=', sessionId)
    .orderBy('i.created_at')
    .orderBy('i.id')
    .limit(input.limit + 1)
    .offset(input.offset)
    .execute();
  const items = rows.slice(0, input.limit);
  await recordAudit(deps.db, ctx, { action: 'invitations.read', entityType: 'vaccination_session', entityId: sessionId, areaPath: session.area_path, details: { count: items.length } });
  return {
    items: items.map((r) => ({ id: r.id, personId: r.person_id, fullName: r.full_name, status: r.status, priorityRank: r.priority_rank, dueOn: r.due_on, registrationId: r.registration_id, targetEntryId: r.target_entry_id, createdAt: r.created_at.toISOString() })),
    hasMore: rows.length > input.limit,
  };
}

/**
 * When a session closes: invitations of people who arrived become 'arrived', the others 'no_show'; registrations
 * of people dosed at the session are done. Call in the transaction that closes the session.
 */
export async function markNoShows(trx: Db, sessionId: string): Promise<{ arrived: number; noShows: number }> {
  const updated = await sql<{ status: string }>`
    UPDATE vaccination_invitations i
       SET status = CASE WHEN EXISTS (SELECT 1 FROM session_arrivals a WHERE a.session_id = i.session_id AND a.person_id = i.person_id) THEN 'arrived' ELSE 'no_show' END,
           updated_at = now()
     WHERE i.session_id = ${sessionId} AND i.status = 'invited'
    RETURNING i.status`.execute(trx);
  await sql`
    UPDATE vaccination_registrations r SET status = 'done', updated_at = now()
     WHERE r.status = 'active' AND r.id IN (
       SELECT i.registration_id FROM vaccination_invitations i
        WHERE i.session_id = ${sessionId} AND i.registration_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM doses d WHERE d.session_id = i.session_id AND d.person_id = i.person_id AND d.review_status <> 'rejected'))`.execute(trx);
  const arrived = updated.rows.filter((r) => r.status === 'arrived').length;
  return { arrived, noShows: updated.rows.length - arrived };
}
