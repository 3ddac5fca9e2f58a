import type { Deps, RequestContext } from '../../context';
import { recordMovement, type MovementInput, type MovementResult } from './record-movement';

/**
 * A physical count: writes an 'adjust' event of (counted - on hand), computed under the balance lock so a movement
 * at the same moment cannot be lost, with the count recorded in its note. A count that matches writes an event
 * of 0 doses, so the ledger shows the count took place.
 */
export async function countStock(deps: Deps, ctx: RequestContext, storeId: string, input: MovementInput & { counted: number }): Promise<MovementResult> {
  return recordMovement(deps, ctx, storeId, input, {
    kind: 'adjust',
    doses: (onHand) => input.counted - onHand,
    describe: (doses, onHand) => `Physical count: ${input.counted} doses counted, ${onHand} on hand (${doses >= 0 ? '+' : ''}${doses})`,
    auditDetails: { counted: input.counted },
  });
}
