import type { Scope } from '@sen/domain';
import type { RequestContext } from '../../context';
import { assertRecordAccess } from '../access/authorize';

/**
 * The vaccination module's answer for a record it holds by area (store, site, session, shift, dose, shipment,
 * allocation plan) that the actor may not use for `scope`: outside their vaccination:read jurisdiction 404,
 * readable but out of reach of `scope` 403 (the same rule as the people module).
 */
export function assertVaccinationAccess(ctx: RequestContext, scope: Scope, areaPath: string, what: string, details: Record<string, unknown> = {}): void {
  assertRecordAccess(ctx, scope, 'vaccination:read', areaPath, what, details);
}
