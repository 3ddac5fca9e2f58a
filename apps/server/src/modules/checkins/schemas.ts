import { z } from 'zod';
import { MIN_VISIT_MINUTES, MAX_DEFAULT_VISIT_MINUTES, VENUE_TYPES } from './venues-repo';

/**
 * HTTP shapes of venues and check-ins. Objects are strict (an unknown field is a 400 naming it). Lengths here only
 * stop oversized input early; the use cases apply the exact rules and name the field.
 */
const CommuneCode = z.string().regex(/^\d{2,5}$/, 'a commune code is 2 to 5 digits');
const VenueType = z.enum(VENUE_TYPES);
const VisitMinutes = z.number().int().min(MIN_VISIT_MINUTES).max(MAX_DEFAULT_VISIT_MINUTES);
const Time = z.string().min(1).max(40).describe('ISO 8601 with its offset, e.g. 2021-08-01T10:00:00+07:00');
const ClientId = z.string().min(1).max(100).describe('Made once on the device for this check-in; sent unchanged on a retry');
// Loose ranges here; the use case checks Viet Nam's bounds and names the field.
const Latitude = z.number().min(-90).max(90).nullable().optional().describe('WGS 84 degrees north, inside Viet Nam; with longitude or not at all');
const Longitude = z.number().min(-180).max(180).nullable().optional().describe('WGS 84 degrees east, inside Viet Nam; with latitude or not at all');

export const IdParams = z.strictObject({ id: z.uuid() });

export const VenueOut = z
  .object({
    id: z.string(),
    name: z.string(),
    type: VenueType,
    address: z.string().nullable(),
    communeCode: z.string(),
    ownerUserId: z.string(),
    openingHours: z.string().nullable(),
    defaultVisitMinutes: z.number().int(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int().describe('Send it back with an edit (optimistic concurrency)'),
  })
  .meta({ id: 'Venue' });

export const VenueCreateIn = z
  .strictObject({
    name: z.string().min(1).max(300),
    type: VenueType,
    address: z.string().max(600).nullable().optional(),
    communeCode: CommuneCode,
    openingHours: z.string().max(300).nullable().optional(),
    defaultVisitMinutes: VisitMinutes.optional().describe('Used when a visitor does not check out (default 60)'),
    latitude: Latitude,
    longitude: Longitude,
    ownerUserId: z.uuid().optional().describe('Commune staff registering for someone name the owner account; a business administrator omits it'),
  })
  .meta({ id: 'VenueCreate' });

export const VenueUpdateIn = z
  .strictObject({
    version: z.number().int().min(1),
    name: z.string().min(1).max(300).optional(),
    type: VenueType.optional(),
    address: z.string().max(600).nullable().optional(),
    communeCode: CommuneCode.optional(),
    openingHours: z.string().max(300).nullable().optional(),
    defaultVisitMinutes: VisitMinutes.optional(),
    latitude: Latitude,
    longitude: Longitude,
    active: z.boolean().optional(),
    ownerUserId: z.uuid().optional(),
  })
  .meta({ id: 'VenueUpdate' });

export const VenueListIn = z.strictObject({
  communeCode: CommuneCode.optional(),
  type: VenueType.optional(),
  mine: z.enum(['true', 'false']).optional().describe('Only my own venues'),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.uuid().optional(),
});

// No tight .max() on tokens: the use case answers 413 qr_token_too_large naming the field.
const Token = z.string().min(1).max(10_000);
const visitorShape = {
  personToken: Token.optional().describe("The text of the person's signed QR code, as scanned"),
  personId: z.uuid().optional().describe('A person id (from the registry)'),
  idNumber: z.string().min(1).max(60).optional().describe('Typed in: CCCD, CMND, passport or social insurance number'),
  idKind: z.enum(['cccd', 'cmnd', 'passport', 'bhxh']).optional(),
  clientId: ClientId,
  checkedInAt: Time,
  checkedOutAt: Time.nullable().optional(),
};
export const VenueCheckinIn = z.strictObject(visitorShape).meta({ id: 'VenueCheckin' });
// No .max() on the list: the use case answers 413 batch_too_large with the limit (the body limit stops the absurd).
export const VenueCheckinBatchIn = z.strictObject({ checkins: z.array(z.strictObject(visitorShape)) }).meta({ id: 'VenueCheckinBatch' });

export const VenueCheckinOut = z
  .object({ id: z.string().nullable(), clientId: z.string(), duplicate: z.boolean(), maskedName: z.string() })
  .meta({ id: 'VenueCheckinResult' });
export const VenueCheckinBatchOut = z.object({ inserted: z.number().int(), duplicates: z.number().int(), items: z.array(VenueCheckinOut) });

export const SelfCheckinIn = z
  .strictObject({
    venueToken: Token.optional().describe("The text of the venue poster's signed QR code, as scanned"),
    venueId: z.uuid().optional().describe('Or the venue id (from the venue page)'),
    clientId: ClientId,
    checkedInAt: Time,
    checkedOutAt: Time.nullable().optional(),
  })
  .meta({ id: 'SelfCheckin' });
export const SelfCheckinOut = z.object({ id: z.string().nullable(), clientId: z.string(), duplicate: z.boolean(), venueId: z.string(), venueName: z.string() });

export const VisitorsIn = z.strictObject({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD').optional() });
export const VisitorsOut = z.object({
  venueId: z.string(),
  date: z.string(),
  total: z.number().int(),
  truncated: z.boolean(),
  visitors: z.array(
    z.object({ checkinId: z.string(), maskedName: z.string(), checkedInAt: z.string(), checkedOutAt: z.string().nullable(), leftAt: z.string(), source: z.string(), colour: z.enum(['green', 'black']).nullable() }),
  ),
  countsByHour: z.array(z.object({ hour: z.number().int(), count: z.number().int() })),
});

export const CheckoutParams = z.strictObject({ id: z.uuid(), checkinId: z.uuid() });
export const SelfCheckoutParams = z.strictObject({ checkinId: z.uuid() });
export const CheckoutIn = z.strictObject({ checkedOutAt: Time.optional() }).meta({ id: 'VenueCheckout' });
export const CheckoutOut = z.object({ id: z.string(), venueId: z.string(), checkedInAt: z.string(), checkedOutAt: z.string() });

const tokenTimes = {
  issuedAt: z.string().describe('When this token was made'),
  expiresAt: z.string().describe('When scanners start refusing it (qr_expired); fetch or print a fresh one before'),
};
export const QrOut = z.object({ token: z.string(), version: z.number().int(), ...tokenTimes }).meta({ id: 'PersonQr' });
export const VenueQrOut = z.object({ venueId: z.string(), token: z.string(), version: z.number().int(), ...tokenTimes }).meta({ id: 'VenueQr' });
