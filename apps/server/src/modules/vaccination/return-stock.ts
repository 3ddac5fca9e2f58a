import type { Deps, RequestContext } from '../../context';
import { recordMovement, type MovementInput, type MovementResult } from './record-movement';

/** Unused doses coming back from a session into the store: + doses (allowed for a recalled lot: it comes back to be discarded). */
export async function returnStock(deps: Deps, ctx: RequestContext, storeId: string, input: MovementInput & { doses: number }): Promise<MovementResult> {
  return recordMovement(deps, ctx, storeId, input, { kind: 'return', doses: input.doses });
}
