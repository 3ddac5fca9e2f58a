import { sql, uuidv7 } from '@sen/db';
import { conflict } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { jurisdictionSql, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { markNoShows } from './invitations';
import { cleanNote } from './ledger';
import { catalogFor, findSession, loadSessionFor, productOf, selectSessions, sessionView, type SessionRow } from './sessions-repo';
import { fieldError, findShift, fromVnLocal, loadSiteFor, vnLocal } from './sites-repo';

export interface SessionInput {
  id?: string | undefined;
  siteId: string;
  startsAt: string;
  endsAt: string;
  vaccines: string[];
  capacity: number;
  shiftId?: string | null | undefined;
  note?: string | undefined;
}

const DAY_MS = 24 * 3_600_000;

function instant(local: string, field: string): Date {
  const at = fromVnLocal(local);
  if (Number.isNaN(at.getTime()) || vnLocal(at) !== local) throw fieldError('invalid_time', field, 'Not a real date and time');
  return at;
}

async function counts(deps: Deps, ids: readonly string[]) {
  const map = new Map<string, { arrivals: number; doses: number }>();
  if (ids.length === 0) return map;
  const r = await sql<{ id: string; arrivals: number; doses: number }>`
    SELECT s.id,
      (SELECT count(*)::int FROM session_arrivals a WHERE a.session_id = s.id) AS arrivals,
      (SELECT count(*)::int FROM doses d WHERE d.session_id = s.id) AS doses
    FROM unnest(${sql.val(ids)}::uuid[]) AS s(id)`.execute(deps.db);
  for (const row of r.rows) map.set(row.id, { arrivals: row.arrivals, doses: row.doses });
  return map;
}

async function view(deps: Deps, row: SessionRow) {
  return sessionView(row, await catalogFor(deps.db), (await counts(deps, [row.id])).get(row.id));
}

/**
 * Plans a session at a site of the actor's vaccination:write jurisdiction: a time window (Viet Nam local), the
 * vaccines offered (catalog codes, stored as EU product codes) and a capacity. A client id makes it idempotent.
 */
export async function createSession(deps: Deps, ctx: RequestContext, input: SessionInput) {
  scopePaths(ctx, 'vaccination:write');
  const site = await loadSiteFor(deps.db, ctx, input.siteId, 'vaccination:write');
  if (input.id) {
    const existing = await findSession(deps.db, input.id);
    if (existing) {
      if (existing.site_id !== site.id) throw conflict('client_id_reused', 'This id was already used for a session at another site', { field: 'id' });
      return { replayed: true, session: await view(deps, existing) };
    }
  }
  if (!site.active) throw conflict('site_inactive', 'This site is not active');
  const startsAt = instant(input.startsAt, 'startsAt');
  const endsAt = instant(input.endsAt, 'endsAt');
  if (endsAt <= startsAt) throw fieldError('invalid_window', 'endsAt', 'The session must end after it starts');
  if (endsAt.getTime() - startsAt.getTime() > DAY_MS) throw fieldError('invalid_window', 'endsAt', 'A session lasts at most 24 hours');
  const catalog = await catalogFor(deps.db, startsAt);
  const products = input.vaccines.map((code, i) => {
    const mp = productOf(catalog, code);
    if (!mp) throw fieldError('unknown_vaccine', `vaccines.${i}`, `"${code}" is not in the vaccine catalog`);
    return mp;
  });
  if (input.shiftId) {
    const shift = await findShift(deps.db, input.shiftId);
    if (!shift || shift.site_id !== site.id) throw fieldError('invalid_shift', 'shiftId', 'No shift of this site has this id');
  }
  const note = cleanNote(input.note, 'note');
  const id = input.id ?? uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('vaccination_sessions').values({
      id, site_id: site.id, session_date: sql`sen_vn_day(${startsAt})`, starts_at: startsAt, ends_at: endsAt, products, capacity: input.capacity,
      area_path: site.area_path, shift_id: input.shiftId ?? null, note, created_by: ctx.actor?.userId ?? null,
    }).execute();
    await recordAudit(trx, ctx, { action: 'session.create', entityType: 'vaccination_session', entityId: id, areaPath: site.area_path, details: { siteId: site.id, products, capacity: input.capacity } });
  });
  return { replayed: false, session: await view(deps, (await findSession(deps.db, id))!) };
}

export async function getSession(deps: Deps, ctx: RequestContext, id: string) {
  return view(deps, await loadSessionFor(deps.db, ctx, id, 'vaccination:read'));
}

export interface SessionsQuery {
  siteId?: string | undefined;
  status?: SessionRow['status'] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
}

export async function listSessions(deps: Deps, ctx: RequestContext, q: SessionsQuery) {
  let query = selectSessions(deps.db).where(jurisdictionSql(ctx, 'vaccination:read', sql`vs.area_path`));
  if (q.siteId) query = query.where('vs.site_id', '=', q.siteId);
  if (q.status) query = query.where('vs.status', '=', q.status);
  if (q.from) query = query.where('vs.session_date', '>=', q.from as never);
  if (q.to) query = query.where('vs.session_date', '<=', q.to as never);
  const rows = (await query.orderBy('vs.starts_at', 'desc').orderBy('vs.id').limit(q.limit + 1).offset(q.offset).execute()) as SessionRow[];
  const page = rows.slice(0, q.limit);
  const catalog = await catalogFor(deps.db);
  const c = await counts(deps, page.map((r) => r.id));
  return { items: page.map((r) => sessionView(r, catalog, c.get(r.id))), hasMore: rows.length > q.limit };
}

const TRANSITIONS = {
  open: { from: ['planned'], action: 'session.open' },
  close: { from: ['open'], action: 'session.close' },
  cancel: { from: ['planned', 'open'], action: 'session.cancel' },
} as const;

/** planned -> open -> closed; planned or open -> cancelled (refused once doses were given: close it instead). */
export async function changeSessionStatus(deps: Deps, ctx: RequestContext, id: string, change: keyof typeof TRANSITIONS, reason?: string) {
  const rule = TRANSITIONS[change];
  const cancelReason = change === 'cancel' ? cleanNote(reason, 'reason') : null;
  if (change === 'cancel' && !cancelReason) throw fieldError('reason_required', 'reason', 'Say why the session is cancelled');
  await deps.db.transaction().execute(async (trx) => {
    const row = await loadSessionFor(trx, ctx, id, 'vaccination:write', { forUpdate: true });
    if (!(rule.from as readonly string[]).includes(row.status)) {
      throw conflict('invalid_status', `A ${row.status} session cannot be ${change === 'open' ? 'opened' : change === 'close' ? 'closed' : 'cancelled'}`, { status: row.status });
    }
    if (change === 'cancel') {
      const given = await trx.selectFrom('doses').select('id').where('session_id', '=', id).limit(1).executeTakeFirst();
      if (given) throw conflict('session_has_doses', 'Doses were given at this session: close it instead');
    }
    const now = new Date();
    await trx.updateTable('vaccination_sessions').set({
      status: change === 'open' ? 'open' : change === 'close' ? 'closed' : 'cancelled',
      ...(change === 'open' ? { opened_at: now } : change === 'close' ? { closed_at: now } : { cancelled_at: now, cancel_reason: cancelReason }),
      updated_at: now,
    }).where('id', '=', id).execute();
    // Closing settles the invitations: those who arrived, and the no-shows the reports count.
    const attendance = change === 'close' ? await markNoShows(trx, id) : null;
    await recordAudit(trx, ctx, { action: rule.action, entityType: 'vaccination_session', entityId: id, areaPath: row.area_path, details: { from: row.status, ...attendance } });
  });
  return view(deps, (await findSession(deps.db, id))!);
}
