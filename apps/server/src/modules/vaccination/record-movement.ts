import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import {
  appendStockEvent, assertLotUsable, assertSameMovement, cleanNote, cleanOccurredAt, isClientIdRace, loadLot, type LedgerEntry,
} from './ledger';
import { eventView, findEventByClientId, type LotRow, type StoreRow } from './repo';
import type { DiscardReason, EventKind } from './schemas';
import { loadStoreFor } from './store-access';

export interface MovementInput {
  lotId: string;
  clientId?: string | undefined;
  occurredAt?: string | undefined;
  note?: string | undefined;
  sessionRef?: string | undefined;
}

export interface MovementResult {
  event: ReturnType<typeof eventView>;
  shipment: null;
  replayed: boolean;
}

interface Plan {
  kind: Extract<EventKind, 'receive' | 'issue' | 'return' | 'discard' | 'adjust' | 'allocate'>;
  doses: LedgerEntry['doses'];
  use?: 'receive' | 'ship' | 'issue';
  /** allocate: the store the reservation is for, and its signed change. */
  forStoreId?: string;
  reserve?: number;
  /** Checks of the request against the store, after a replay is answered and before the lot is loaded. */
  check?: (store: StoreRow) => Promise<void>;
  discardReason?: DiscardReason;
  /** Text recorded before the caller's note (a count says what was counted against what was on hand). */
  describe?: (doses: number, onHand: number) => string;
  auditDetails?: Record<string, unknown>;
}

/**
 * One movement in one store: receive, issue, return, discard, a physical count or an allocation. Needs vaccination:write in the
 * store's area. A clientId seen before in this store returns the original event (replayed: true) and moves
 * nothing; a concurrent retry that loses the race to insert is answered the same way.
 */
export async function recordMovement(deps: Deps, ctx: RequestContext, storeId: string, input: MovementInput, plan: Plan): Promise<MovementResult> {
  const store: StoreRow = await loadStoreFor(deps.db, ctx, storeId, 'vaccination:write');
  const note = cleanNote(input.note, 'note');
  const sessionRef = cleanNote(input.sessionRef, 'sessionRef', 200);
  const occurredAt = cleanOccurredAt(input.occurredAt);
  const clientId = input.clientId ?? null;
  if (clientId) {
    const existing = await findEventByClientId(deps.db, store.id, clientId);
    if (existing) {
      assertSameMovement(existing, plan.kind, input.lotId, plan.forStoreId ?? null);
      return { event: eventView(existing), shipment: null, replayed: true };
    }
  }
  await plan.check?.(store);
  const lot: LotRow = await loadLot(deps.db, input.lotId);
  if (plan.use) assertLotUsable(lot, plan.use);
  try {
    const event = await deps.db.transaction().execute(async (trx) => {
      const row = await appendStockEvent(trx, ctx, {
        storeId: store.id, lotId: lot.id, kind: plan.kind, doses: plan.doses, discardReason: plan.discardReason ?? null, sessionRef, clientId, occurredAt,
        ...(plan.forStoreId ? { forStoreId: plan.forStoreId, reserve: plan.reserve ?? 0 } : {}),
        note: plan.describe ? (d, onHand) => [plan.describe!(d, onHand), note].filter(Boolean).join(' — ') : note,
      });
      await recordAudit(trx, ctx, {
        action: `stock.${plan.kind}`, entityType: 'stock_event', entityId: row.id, areaPath: store.area_path,
        details: { storeId: store.id, lotId: lot.id, doses: row.doses, balanceAfter: row.balance_after, ...(plan.discardReason ? { reason: plan.discardReason } : {}), ...plan.auditDetails },
      });
      return row;
    });
    return { event: eventView(event), shipment: null, replayed: false };
  } catch (err) {
    if (clientId && isClientIdRace(err)) {
      const existing = await findEventByClientId(deps.db, store.id, clientId);
      if (existing) {
        assertSameMovement(existing, plan.kind, input.lotId, plan.forStoreId ?? null);
        return { event: eventView(existing), shipment: null, replayed: true };
      }
    }
    throw err;
  }
}
