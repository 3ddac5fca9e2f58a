import type { Database } from '@sen/db';
import { forbidden, notFound } from '@sen/domain';
import type { RequestContext } from '../../context';
import { canAccessArea, COUNTRY_PATH, hasScope, requireActor } from '../access/authorize';
import { findVenueRow, type VenueRow } from './venues-repo';

/**
 * Who may do what with a venue (one rule for every venue route, like people-access.ts):
 * - read: its owner, or staff whose people:read jurisdiction holds the venue's commune;
 * - manage (edit): its owner holding business:manage, or staff with people:write in the commune;
 * - operate (check visitors in, read the visitor list): its owner holding business:manage, or a country-level
 *   business:manage grant (the national administrator). Commune staff may register and edit a venue but never see
 *   who visited it: that is tracing's business, through its own audited queries.
 * A venue the actor may not even read answers 404, exactly as if it did not exist (no probing of venue ids); a venue
 * they may read but not use this way answers 403.
 */
export type VenueOperation = 'read' | 'manage' | 'operate';

export function isVenueOwner(ctx: RequestContext, row: Pick<VenueRow, 'owner_user_id'>): boolean {
  return ctx.actor !== null && ctx.actor.userId === row.owner_user_id;
}

export function canReadVenue(ctx: RequestContext, row: Pick<VenueRow, 'owner_user_id' | 'area_path'>): boolean {
  return isVenueOwner(ctx, row) || canAccessArea(ctx, 'people:read', row.area_path);
}

export function canUseVenue(ctx: RequestContext, row: Pick<VenueRow, 'owner_user_id' | 'area_path'>, op: VenueOperation): boolean {
  const ownerWithScope = isVenueOwner(ctx, row) && hasScope(ctx, 'business:manage');
  switch (op) {
    case 'read':
      return canReadVenue(ctx, row);
    case 'manage':
      return ownerWithScope || canAccessArea(ctx, 'people:write', row.area_path);
    case 'operate':
      return ownerWithScope || (ctx.actor?.grants.get('business:manage') ?? []).includes(COUNTRY_PATH);
  }
}

export function assertVenueAccess(ctx: RequestContext, row: Pick<VenueRow, 'owner_user_id' | 'area_path'>, op: VenueOperation): void {
  requireActor(ctx);
  if (canUseVenue(ctx, row, op)) return;
  if (canReadVenue(ctx, row)) throw forbidden(op === 'operate' ? "Only the venue's owner can do this" : 'This venue is outside your jurisdiction');
  throw notFound('Venue');
}

/** Loads a venue for an operation; 404/403 as above. */
export async function loadVenueFor(db: Database, ctx: RequestContext, id: string, op: VenueOperation, options: { forUpdate?: boolean } = {}): Promise<VenueRow> {
  requireActor(ctx);
  const row = await findVenueRow(db, id, options);
  if (!row) throw notFound('Venue');
  assertVenueAccess(ctx, row, op);
  return row;
}
