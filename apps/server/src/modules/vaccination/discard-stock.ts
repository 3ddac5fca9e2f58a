import type { Deps, RequestContext } from '../../context';
import { recordMovement, type MovementInput, type MovementResult } from './record-movement';
import type { DiscardReason } from './schemas';

/** Doses thrown away, with the reason (opened or closed vial, expired, cold-chain break, damaged): - doses. */
export async function discardStock(deps: Deps, ctx: RequestContext, storeId: string, input: MovementInput & { doses: number; reason: DiscardReason }): Promise<MovementResult> {
  return recordMovement(deps, ctx, storeId, input, { kind: 'discard', doses: -input.doses, discardReason: input.reason });
}
