import { uuidv7, type Database } from '@sen/db';
import { conflict } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { cleanNote } from './ledger';
import { activeStaffRoles } from './site-staff';
import { fieldError, fromVnLocal, isShiftOverlap, loadSiteFor, overlappingShift, shiftView, vnLocal } from './sites-repo';
import type { StaffRole } from './sites-schemas';

export interface MemberInput {
  personId: string;
  role?: StaffRole | undefined;
}

export interface ShiftInput {
  startsAt: string;
  endsAt: string;
  note?: string | undefined;
  members: MemberInput[];
}

const DAY_MS = 24 * 3_600_000;

/** A Viet Nam local date-time as an instant, refusing dates that do not exist (2026-02-30T08:00). */
function instant(local: string, field: string): Date {
  const at = fromVnLocal(local);
  if (Number.isNaN(at.getTime()) || vnLocal(at) !== local) throw fieldError('invalid_time', field, 'Not a real date and time');
  return at;
}

/**
 * The members of a team at a site: each an active staff member of the site (their usual role unless another is given),
 * each once. Errors name the member's field (members.2.personId).
 */
export async function resolveMembers(db: Database, siteId: string, members: readonly MemberInput[], prefix: (i: number) => string) {
  const seen = new Set<string>();
  members.forEach((m, i) => {
    if (seen.has(m.personId)) throw fieldError('duplicate_member', `${prefix(i)}.personId`, 'This person is already in the team');
    seen.add(m.personId);
  });
  const roles = await activeStaffRoles(db, siteId, members.map((m) => m.personId));
  return members.map((m, i) => {
    const staffRole = roles.get(m.personId);
    if (!staffRole) throw fieldError('not_site_staff', `${prefix(i)}.personId`, 'This person is not on the active staff of the site');
    return { personId: m.personId, role: m.role ?? staffRole };
  });
}

/** The 409 for an assignment the exclusion constraint refused, naming the shift the person is already in. */
export async function shiftConflict(db: Database, personIds: readonly string[], startsAt: Date, endsAt: Date, exceptShiftId: string | null) {
  const other = await overlappingShift(db, personIds, startsAt, endsAt, exceptShiftId);
  return conflict('shift_conflict', 'A person of this team is already in another shift at that time', { personId: other?.person_id ?? null, otherShiftId: other?.shift_id ?? null });
}

/**
 * Creates a shift ("kíp tiêm") at a site with its team. One person cannot be in two shifts whose windows overlap, at
 * this site or another: the exclusion constraint on shift_members decides, so two concurrent assignments cannot both
 * win, and its refusal (23P01) becomes 409 shift_conflict naming the other shift. A team without a vaccinator or a
 * screener is stored and reported incomplete (complete: false, missing), not refused.
 */
export async function createShift(deps: Deps, ctx: RequestContext, siteId: string, input: ShiftInput) {
  const site = await loadSiteFor(deps.db, ctx, siteId, 'vaccination:write');
  const startsAt = instant(input.startsAt, 'startsAt');
  const endsAt = instant(input.endsAt, 'endsAt');
  if (endsAt <= startsAt) throw fieldError('invalid_window', 'endsAt', 'The shift must end after it starts');
  if (endsAt.getTime() - startsAt.getTime() > DAY_MS) throw fieldError('invalid_window', 'endsAt', 'A shift lasts at most 24 hours');
  const note = cleanNote(input.note, 'note');
  const members = await resolveMembers(deps.db, site.id, input.members, (i) => `members.${i}`);
  const id = uuidv7();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('shifts').values({ id, site_id: site.id, shift_date: input.startsAt.slice(0, 10), starts_at: startsAt, ends_at: endsAt, note, created_by: ctx.actor?.userId ?? null }).execute();
      if (members.length > 0) {
        await trx.insertInto('shift_members').values(members.map((m) => ({ shift_id: id, person_id: m.personId, role: m.role, starts_at: startsAt, ends_at: endsAt, added_by: ctx.actor?.userId ?? null }))).execute();
      }
      await recordAudit(trx, ctx, {
        action: 'shift.create', entityType: 'shift', entityId: id, areaPath: site.area_path,
        details: { siteId: site.id, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), members: members.map((m) => ({ personId: m.personId, role: m.role })) },
      });
    });
  } catch (err) {
    if (isShiftOverlap(err)) throw await shiftConflict(deps.db, members.map((m) => m.personId), startsAt, endsAt, null);
    throw err;
  }
  return shiftView(deps.db, id);
}
