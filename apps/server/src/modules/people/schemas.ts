import { z } from 'zod';
import { NATIONAL_ID_KINDS } from '@sen/domain';
import { HOUSEHOLD_ROLES } from './validate';

/**
 * HTTP shapes of the people module. Objects are strict: an unknown field is a 400 naming it, never silently dropped
 * (a misspelt "birthdate" must not create a person without a birth date). Lengths here only stop oversized input
 * early; the use cases apply the exact rules (a name is at most 200 characters after NFC normalisation).
 */
const Sex = z.enum(['male', 'female', 'other', 'unknown']);
const CommuneCode = z.string().regex(/^\d{2,5}$/, 'a commune code is 2 to 5 digits');
export const AreaCode = z.string().regex(/^(VN|\d{2,5})$/, 'an area code is VN or 2 to 5 digits');

export const IdentifierOut = z.object({ kind: z.string(), value: z.string() }).meta({ id: 'PersonIdentifier' });

const summaryShape = {
  id: z.string(),
  fullName: z.string(),
  birthDate: z.string().nullable().describe("Partial ISO date: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'"),
  sex: Sex,
  phone: z.string().nullable(),
  communeCode: z.string().nullable(),
  areaLabel: z.string().nullable(),
  identifiers: z.array(IdentifierOut),
};
export const PersonSummaryOut = z.object(summaryShape).meta({ id: 'PersonSummary' });
export const PersonOut = z
  .object({
    ...summaryShape,
    address: z.string().nullable(),
    householdId: z.string().nullable(),
    householdRole: z.string().nullable(),
    household: z.object({ id: z.string(), members: z.array(PersonSummaryOut) }).nullable(),
    mergedInto: z.string().nullable().describe('Set when this record was merged: the surviving record'),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int().describe('Send it back with an edit (optimistic concurrency)'),
  })
  .meta({ id: 'Person' });

const IdentifierIn = z.strictObject({ kind: z.enum(NATIONAL_ID_KINDS), value: z.string().min(1).max(40) });
const inputShape = {
  fullName: z.string().max(1000),
  birthDate: z.string().max(40).nullable().optional(),
  sex: Sex,
  phone: z.string().max(40).nullable().optional(),
  address: z.string().max(2000).nullable().optional(),
  communeCode: CommuneCode.nullable().optional(),
  identifiers: z.array(IdentifierIn).max(10).optional(),
  householdId: z.uuid().nullable().optional(),
  householdRole: z.enum(HOUSEHOLD_ROLES).nullable().optional(),
};
export const PersonCreateIn = z.strictObject(inputShape).meta({ id: 'PersonCreate' });
export const PersonUpdateIn = z
  .strictObject({
    fullName: inputShape.fullName.optional(),
    birthDate: inputShape.birthDate,
    sex: Sex.optional(),
    phone: inputShape.phone,
    address: inputShape.address,
    communeCode: inputShape.communeCode,
    identifiers: inputShape.identifiers.describe('When present, the whole new list'),
    householdId: inputShape.householdId,
    householdRole: inputShape.householdRole,
    version: z.number().int().min(1),
  })
  .meta({ id: 'PersonUpdate' });

export const PeopleSearchIn = z.strictObject({
  q: z.string().max(200).optional().describe('Name, with or without diacritics; each word matches the start of a word of the name'),
  idNumber: z.string().max(40).optional().describe('CCCD, CMND, passport or social insurance number, of any kind'),
  phone: z.string().max(40).optional(),
  birthYear: z.coerce.number().int().min(1880).max(2100).optional(),
  area: AreaCode.optional().describe('Only people inside this area'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1000).default(0).describe('Paging reaches the best 1,000 matches; refine the search beyond that'),
});
export const PeopleSearchOut = z.object({ items: z.array(PersonSummaryOut), hasMore: z.boolean() }).meta({ id: 'PersonSearchResult' });

export const HouseholdCreateIn = z.strictObject({ address: z.string().max(2000).nullable().optional(), communeCode: CommuneCode }).meta({ id: 'HouseholdCreate' });
export const HouseholdOut = z
  .object({ id: z.string(), address: z.string().nullable(), communeCode: z.string().nullable(), areaLabel: z.string().nullable(), members: z.array(PersonSummaryOut) })
  .meta({ id: 'Household' });

export const DuplicateCandidateOut = z
  .object({ id: z.string(), score: z.number(), reasons: z.array(z.string()), status: z.string(), detectedAt: z.string(), personA: PersonSummaryOut, personB: PersonSummaryOut })
  .meta({ id: 'DuplicateCandidate' });
export const DuplicatesIn = z.strictObject({
  status: z.enum(['pending', 'merged', 'dismissed']).default('pending'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});
export const MergeIn = z.strictObject({ survivorId: z.uuid() });
export const ScanIn = z.strictObject({ areaCode: AreaCode.optional(), batchSize: z.number().int().min(1).max(10_000).optional() });
export const IdParams = z.strictObject({ id: z.uuid() });
