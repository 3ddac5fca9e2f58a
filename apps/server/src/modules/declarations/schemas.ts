import { z } from 'zod';
import { ALERT_STATUSES, ENTRY_TRANSPORT_CODES, EXPOSURE_CODES, SYMPTOM_CODES, TRAVEL_VEHICLE_CODES } from '@sen/domain';

/**
 * HTTP shapes of health declarations and their alerts. Objects are strict; code lists are closed enums, so an
 * unknown symptom or vehicle is a 400 naming the field. The use cases check dates and areas.
 */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');
const AreaCode = z.string().regex(/^\d{2,5}$/, 'an area code is 2 to 5 digits');
const Country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code, e.g. KR');

const common = {
  id: z.uuid().describe('Made by the client once; a retry with the same id stores nothing new'),
  symptoms: z.array(z.enum(SYMPTOM_CODES as [string, ...string[]])).max(20).default([]),
  exposures: z.array(z.enum(EXPOSURE_CODES as [string, ...string[]])).max(5).default([]).describe('In the last 14 days'),
};

export const DailyIn = z.strictObject({
  kind: z.literal('daily'),
  ...common,
  declaredFor: Day.optional().describe('The day declared for (default today, Viet Nam time); today or yesterday'),
  travelledFrom: z.array(z.strictObject({ areaCode: AreaCode, on: Day })).max(10).default([]).describe('Areas visited in the last 14 days, with the day left'),
});
export const DomesticTravelIn = z.strictObject({
  kind: z.literal('domestic_travel'),
  ...common,
  fromAreaCode: AreaCode,
  toAreaCode: AreaCode,
  vehicle: z.enum(TRAVEL_VEHICLE_CODES as [string, ...string[]]),
  vehicleNumber: z.string().max(40).optional().describe('Plate, flight, train or coach number'),
  travelDate: Day,
});
export const EntryIn = z.strictObject({
  kind: z.literal('entry'),
  ...common,
  country: Country.describe('Country of departure'),
  transport: z.enum(ENTRY_TRANSPORT_CODES as [string, ...string[]]),
  flightOrVehicle: z.string().min(1).max(40),
  arrivalDate: Day,
  destinationCommuneCode: AreaCode,
  countriesVisited: z.array(Country).max(20).default([]).describe('Countries visited in the last 14 days'),
});
export const DeclarationIn = z.discriminatedUnion('kind', [DailyIn, DomesticTravelIn, EntryIn]).meta({ id: 'HealthDeclarationCreate' });
export type DeclarationInput = z.infer<typeof DeclarationIn>;

export const DeclarationOut = z
  .object({
    id: z.string(),
    personId: z.string(),
    kind: z.enum(['daily', 'domestic_travel', 'entry']),
    declaredFor: z.string(),
    symptoms: z.array(z.string()),
    answers: z.record(z.string(), z.unknown()),
    warnings: z.array(z.string()),
    ruleVersion: z.string(),
    alertId: z.string().nullable(),
    onBehalf: z.boolean(),
    createdAt: z.string(),
    duplicate: z.boolean().optional(),
  })
  .meta({ id: 'HealthDeclaration' });
export const DeclarationListOut = z.object({ items: z.array(DeclarationOut) });

export const AlertStatus = z.enum(ALERT_STATUSES);
export const AlertOut = z
  .object({
    id: z.string(),
    declarationId: z.string(),
    declarationKind: z.string(),
    personId: z.string(),
    fullName: z.string(),
    phone: z.string().nullable(),
    communeCode: z.string().nullable(),
    reasons: z.array(z.string()),
    symptoms: z.array(z.string()),
    status: AlertStatus,
    note: z.string().nullable(),
    createdAt: z.string(),
    acknowledgedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'DeclarationAlert' });
export const AlertListIn = z.strictObject({
  status: AlertStatus.optional(),
  communeCode: AreaCode.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  before: z.string().datetime({ offset: true }).optional().describe('Keyset: alerts created before this instant'),
});
export const AlertUpdateIn = z.strictObject({
  version: z.number().int().min(1),
  status: z.enum(['acknowledged', 'closed']),
  note: z.string().max(1000).optional(),
}).meta({ id: 'DeclarationAlertUpdate' });

export const RiskAreaIn = z.strictObject({
  areaCode: AreaCode,
  level: z.enum(['high', 'very_high']).default('high'),
  since: Day,
  until: Day.nullable().optional(),
}).meta({ id: 'RiskAreaSet' });
export const RiskAreaOut = z.object({ areaCode: z.string(), name: z.string(), path: z.string(), level: z.string(), since: z.string(), until: z.string().nullable() });
