import { badRequest, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { findStore } from './repo';
import { recordMovement, type MovementInput, type MovementResult } from './record-movement';

export interface AllocateInput extends MovementInput {
  toStoreId: string;
  doses: number;
  release?: boolean | undefined;
}

/**
 * Allocates doses of a store's lot to another store (a province store to a commune's, a commune's to a site's):
 * an 'allocate' event that moves no dose but reserves them, so later allocations, shipments elsewhere and issues
 * cannot take them (409 insufficient_stock naming what is free); shipping to that store consumes the reservation.
 * `release` gives reserved doses back (409 reservation_exceeded beyond what is reserved). A recalled or expired lot
 * may be released but not allocated. Needs vaccination:write at the allocating store.
 */
export async function allocateStock(deps: Deps, ctx: RequestContext, storeId: string, input: AllocateInput): Promise<MovementResult> {
  const release = input.release === true;
  return recordMovement(deps, ctx, storeId, input, {
    kind: 'allocate',
    doses: 0,
    forStoreId: input.toStoreId,
    reserve: release ? -input.doses : input.doses,
    ...(release ? {} : { use: 'ship' as const }),
    check: async (store) => {
      if (input.toStoreId === store.id) throw badRequest('same_store', 'toStoreId: A store cannot allocate to itself', { field: 'toStoreId', errors: [{ field: 'toStoreId', message: 'A store cannot allocate to itself' }] });
      if (!(await findStore(deps.db, input.toStoreId))) throw notFound('Store', { field: 'toStoreId' });
    },
    auditDetails: { toStoreId: input.toStoreId, reserved: release ? -input.doses : input.doses },
  });
}
