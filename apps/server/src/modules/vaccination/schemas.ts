import { z } from 'zod';

/**
 * HTTP shapes of the vaccine supply chain. Objects are strict (an unknown field is a 400 naming it). Doses in a
 * request are always positive: the kind of movement gives the sign stored in the ledger.
 */
export const MAX_DOSES_PER_MOVEMENT = 10_000_000;
export const NOTE_MAX = 1000;

export const STORE_LEVELS = ['national', 'province', 'commune', 'site'] as const;
export type StoreLevel = (typeof STORE_LEVELS)[number];
export const DISCARD_REASONS = ['opened_vial', 'closed_vial', 'expired', 'cold_chain', 'damaged'] as const;
export type DiscardReason = (typeof DISCARD_REASONS)[number];
export const EVENT_KINDS = ['receive', 'ship_out', 'ship_in', 'issue', 'return', 'discard', 'adjust', 'allocate'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

const Doses = z.number().int().min(1).max(MAX_DOSES_PER_MOVEMENT).describe('Doses moved, always positive');
const ClientId = z.string().min(1).max(100).regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only')
  .describe('Idempotency key made by the client: the same key again (same store) returns the original event');
const OccurredAt = z.iso.datetime({ offset: true }).describe('When it happened (default: now); never in the future');
const Note = z.string().max(NOTE_MAX);

const movementShape = { lotId: z.uuid(), doses: Doses, clientId: ClientId.optional(), occurredAt: OccurredAt.optional(), note: Note.optional() };
export const ReceiveIn = z.strictObject(movementShape).meta({ id: 'StockReceive' });
export const IssueIn = z.strictObject({ ...movementShape, sessionRef: z.string().max(200).optional().describe('The vaccination session (free text until sessions exist)') }).meta({ id: 'StockIssue' });
export const ReturnIn = z.strictObject({ ...movementShape, sessionRef: z.string().max(200).optional() }).meta({ id: 'StockReturn' });
export const DiscardIn = z.strictObject({ ...movementShape, reason: z.enum(DISCARD_REASONS) }).meta({ id: 'StockDiscard' });
export const ShipIn = z.strictObject({ ...movementShape, toStoreId: z.uuid() }).meta({ id: 'StockShip' });
export const AllocateIn = z
  .strictObject({
    lotId: z.uuid(), doses: Doses, toStoreId: z.uuid().describe('The store the doses are held for: a shipment to it consumes the reservation'),
    release: z.boolean().optional().describe('true: release doses reserved earlier for that store instead of reserving more'),
    clientId: ClientId.optional(), occurredAt: OccurredAt.optional(), note: Note.optional(),
  })
  .meta({ id: 'StockAllocate' });
export const CountIn = z
  .strictObject({ lotId: z.uuid(), counted: z.number().int().min(0).max(MAX_DOSES_PER_MOVEMENT), clientId: ClientId.optional(), occurredAt: OccurredAt.optional(), note: Note.optional() })
  .meta({ id: 'StockCount' });
export const ConfirmIn = z.strictObject({ clientId: ClientId.optional(), occurredAt: OccurredAt.optional(), note: Note.optional() }).meta({ id: 'ShipmentConfirm' });

export const StockEventOut = z
  .object({
    id: z.string(), storeId: z.string(), lotId: z.string(), kind: z.enum(EVENT_KINDS), doses: z.number().int().describe('Signed: + into the store, - out of it'),
    balanceAfter: z.number().int(), discardReason: z.string().nullable(), shipmentId: z.string().nullable(), sessionRef: z.string().nullable(),
    clientId: z.string().nullable(), occurredAt: z.string(), recordedAt: z.string(), recordedBy: z.string().nullable(), note: z.string().nullable(),
    forStoreId: z.string().nullable().describe('allocate: the store the doses are reserved for; ship_out: the store whose reservation it consumed'),
    reservedChange: z.number().int().describe('Change of that reservation: + reserved, - released or shipped'),
  })
  .meta({ id: 'StockEvent' });
export const ShipmentOut = z
  .object({
    id: z.string(), fromStoreId: z.string(), toStoreId: z.string(), lotId: z.string(), doses: z.number().int(), status: z.enum(['in_transit', 'received', 'cancelled']),
    shippedAt: z.string(), receivedAt: z.string().nullable(),
  })
  .meta({ id: 'Shipment' });
export const MovementOut = z
  .object({ event: StockEventOut, shipment: ShipmentOut.nullable(), replayed: z.boolean().describe('true when this clientId was seen before: nothing moved again') })
  .meta({ id: 'StockMovement' });

export const LotCreateIn = z
  .strictObject({
    vaccineCode: z.string().max(40), lotNumber: z.string().min(1).max(60), expiryDate: z.iso.date(),
    dosesPerVial: z.number().int().min(1).max(100).optional().describe("Default: the catalog's doses per vial for the vaccine"),
  })
  .meta({ id: 'VaccineLotCreate' });
export const LotOut = z
  .object({
    id: z.string(), vaccineCode: z.string(), vaccineName: z.string().nullable(), lotNumber: z.string(), expiryDate: z.string(), dosesPerVial: z.number().int(),
    recalledAt: z.string().nullable(), recallReason: z.string().nullable(), createdAt: z.string(),
  })
  .meta({ id: 'VaccineLot' });
export const LotsIn = z.strictObject({
  vaccineCode: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export const RecallIn = z.strictObject({ reason: z.string().min(1).max(NOTE_MAX) }).meta({ id: 'VaccineLotRecall' });

export const StoreCreateIn = z
  .strictObject({
    name: z.string().max(400), level: z.enum(STORE_LEVELS), areaCode: z.string().regex(/^(VN|\d{2,5})$/, 'an area code is VN or 2 to 5 digits'),
    parentStoreId: z.uuid().nullable().optional(),
  })
  .meta({ id: 'VaccineStoreCreate' });
export const StoreOut = z
  .object({ id: z.string(), name: z.string(), level: z.enum(STORE_LEVELS), areaCode: z.string(), areaPath: z.string(), parentStoreId: z.string().nullable(), createdAt: z.string() })
  .meta({ id: 'VaccineStore' });
export const StoresIn = z.strictObject({
  level: z.enum(STORE_LEVELS).optional(),
  area: z.string().regex(/^(VN|\d{2,5})$/, 'an area code is VN or 2 to 5 digits').optional().describe('Only stores inside this area'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const StockOut = z
  .object({
    store: StoreOut,
    items: z.array(z.object({
      lotId: z.string(), vaccineCode: z.string(), lotNumber: z.string(), expiryDate: z.string(), recalled: z.boolean(), expired: z.boolean(),
      onHand: z.number().int(), inTransitIn: z.number().int().describe('Shipped to this store, not yet confirmed: not on hand'),
      reserved: z.number().int().describe('Of the doses on hand, those allocated to other stores'),
      available: z.number().int().describe('On hand less reserved: what may still be allocated, shipped elsewhere or issued'),
    })),
    incoming: z.array(ShipmentOut),
    reservations: z.array(z.object({ lotId: z.string(), forStoreId: z.string(), forStoreName: z.string(), doses: z.number().int() }))
      .describe('Doses of this store allocated to other stores, not shipped yet'),
    allocatedToThisStore: z.array(z.object({ lotId: z.string(), fromStoreId: z.string(), fromStoreName: z.string(), doses: z.number().int() }))
      .describe('Doses other stores hold for this one'),
  })
  .meta({ id: 'VaccineStock' });

export const TraceOut = z
  .object({
    lot: LotOut,
    stores: z.array(z.object({
      store: StoreOut, onHand: z.number().int(),
      totals: z.object({
        receive: z.number().int(), ship_out: z.number().int(), ship_in: z.number().int(), issue: z.number().int(), return: z.number().int(), discard: z.number().int(), adjust: z.number().int(),
        allocate: z.number().int().describe('Doses allocated less doses released (a shipment to the store consumes its allocation)'),
      }),
    })),
    shipments: z.array(ShipmentOut),
    events: z.array(StockEventOut),
    eventsTruncated: z.boolean(),
  })
  .meta({ id: 'VaccineLotTrace' });

export const CatalogOut = z
  .object({
    version: z.number().int(), validFrom: z.string(), source: z.string(),
    vaccines: z.array(z.object({
      code: z.string(), nameVi: z.string(), nameEn: z.string(), platform: z.string(), dcc: z.object({ mp: z.string(), ma: z.string(), vp: z.string() }),
      seriesDoses: z.number().int(), minIntervalDays: z.number().int(), recommendedIntervalDays: z.number().int(), recommendedIntervalMaxDays: z.number().int(),
      minAgeYears: z.number().int(), maxAgeYears: z.number().int().nullable(), defaultDosesPerVial: z.number().int(), components: z.array(z.string()).nullable(),
    })),
    mixedSchedules: z.array(z.object({ first: z.string(), then: z.array(z.string()) })),
    booster: z.object({ minIntervalDays: z.number().int(), recommendedIntervalDays: z.number().int(), products: z.array(z.string()), minAgeYears: z.number().int(), maxBoosters: z.number().int() }).nullable(),
    versions: z.array(z.object({ version: z.number().int(), validFrom: z.string(), source: z.string() })),
  })
  .meta({ id: 'VaccineCatalog' });

export const IdParams = z.strictObject({ id: z.uuid() });
