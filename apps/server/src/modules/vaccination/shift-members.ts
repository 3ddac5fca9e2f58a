import { conflict, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { resolveMembers, shiftConflict, type MemberInput } from './create-shift';
import { isShiftOverlap, loadShiftFor, shiftView } from './sites-repo';

/** Adds a member to a shift: an active staff member of its site, free during the shift's window (else 409 shift_conflict). */
export async function addShiftMember(deps: Deps, ctx: RequestContext, shiftId: string, input: MemberInput) {
  const { shift, site } = await loadShiftFor(deps.db, ctx, shiftId, 'vaccination:write');
  const [member] = await resolveMembers(deps.db, site.id, [input], () => 'body');
  try {
    await deps.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('shift_members')
        .values({ shift_id: shift.id, person_id: member!.personId, role: member!.role, starts_at: shift.starts_at, ends_at: shift.ends_at, added_by: ctx.actor?.userId ?? null })
        .onConflict((oc) => oc.columns(['shift_id', 'person_id']).doNothing())
        .returning('person_id')
        .executeTakeFirst();
      if (!inserted) throw conflict('already_member', 'This person is already in this shift', { field: 'personId' });
      await recordAudit(trx, ctx, { action: 'shift.member.add', entityType: 'shift', entityId: shift.id, areaPath: site.area_path, details: { personId: member!.personId, role: member!.role } });
    });
  } catch (err) {
    if (isShiftOverlap(err)) throw await shiftConflict(deps.db, [member!.personId], shift.starts_at, shift.ends_at, shift.id);
    throw err;
  }
  return shiftView(deps.db, shift.id);
}

/** Removes a member from a shift, which frees their time for another shift. */
export async function removeShiftMember(deps: Deps, ctx: RequestContext, shiftId: string, personId: string) {
  const { shift, site } = await loadShiftFor(deps.db, ctx, shiftId, 'vaccination:write');
  await deps.db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('shift_members').where('shift_id', '=', shift.id).where('person_id', '=', personId).returning('role').executeTakeFirst();
    if (!removed) throw notFound('Shift member', { field: 'personId' });
    await recordAudit(trx, ctx, { action: 'shift.member.remove', entityType: 'shift', entityId: shift.id, areaPath: site.area_path, details: { personId, role: removed.role } });
  });
  return shiftView(deps.db, shift.id);
}
