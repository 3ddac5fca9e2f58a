import type { Deps, RequestContext } from '../../context';
import { recordMovement, type MovementInput, type MovementResult } from './record-movement';

/** Doses arriving into a store from outside the chain (manufacturer, donation): + doses. A recalled lot is refused. */
export async function receiveStock(deps: Deps, ctx: RequestContext, storeId: string, input: MovementInput & { doses: number }): Promise<MovementResult> {
  return recordMovement(deps, ctx, storeId, input, { kind: 'receive', doses: input.doses, use: 'receive' });
}
