import type { Deps, RequestContext } from '../../context';
import { recordMovement, type MovementInput, type MovementResult } from './record-movement';

/**
 * Doses handed out of a store to a vaccination session: - doses, refused past the balance (409 insufficient_stock),
 * for a recalled lot (409 lot_recalled) or an expired one (409 lot_expired). Sessions do not exist yet, so the
 * session is an optional free reference.
 */
export async function issueStock(deps: Deps, ctx: RequestContext, storeId: string, input: MovementInput & { doses: number }): Promise<MovementResult> {
  return recordMovement(deps, ctx, storeId, input, { kind: 'issue', doses: -input.doses, use: 'issue' });
}
