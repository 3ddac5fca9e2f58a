import { z } from 'zod';

/** Default window: this many days before the test date. */
export const DEFAULT_WINDOW_DAYS = 14;

const Uuid = z.uuid({ error: 'Give an id (UUID)' });
const Reason = z.string({ error: 'reason: Say why (required: every tracing query is audited with its reason)' }).trim()
  .min(3, 'reason: Say why (at least 3 characters)').max(500, 'reason: At most 500 characters');
const Instant = z.iso.datetime({ offset: true, error: 'Give a time as ISO 8601 with its offset, e.g. 2021-08-01T10:00:00+07:00' });

export const RuleIn = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('window'),
    minutes: z.number().int().min(0).max(240).default(60),
    highRiskMinutes: z.number().int().min(1).max(720).default(10),
  }),
  z.strictObject({
    kind: z.literal('overlap'),
    minMinutes: z.number().int().min(0).max(720).default(10),
    highRiskMinutes: z.number().int().min(1).max(720).default(10),
  }),
]);

export const RunTraceIn = z.strictObject({
  personId: Uuid,
  /** The Viet Nam day of the positive test; default today. The window is `days` days before it to its end. */
  testDate: z.iso.date({ error: 'testDate: Give a day as YYYY-MM-DD' }).optional(),
  /** At most the check-ins retention (SEN_CHECKINS_RETENTION_DAYS): older check-ins are gone anyway. */
  days: z.number().int().min(1).max(366).optional(),
  /** An explicit window instead (both, at most the retention). */
  from: Instant.optional(),
  to: Instant.optional(),
  rule: RuleIn.optional(),
  reason: Reason,
});

export const IdParams = z.strictObject({ id: Uuid });
export const CandidateParams = z.strictObject({ id: Uuid, candidateId: Uuid });

export const RunReadIn = z.strictObject({
  generation: z.enum(['1', '2']).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Listing an index person's runs or contacts is a tracing query of its own: it states why (audited). */
export const RunListIn = z.strictObject({ personId: Uuid, reason: Reason });

export const ConfirmIn = z.strictObject({ note: z.string().trim().max(1000).optional() });

export const ManualContactIn = z.strictObject({
  /** Client-generated id: sending the same again is a no-op. */
  id: Uuid.optional(),
  indexPersonId: Uuid,
  contactPersonId: Uuid,
  generation: z.union([z.literal(1), z.literal(2)]).default(1),
  viaContactId: Uuid.optional(),
  exposureStart: Instant,
  exposureEnd: Instant.optional(),
  exposureMinutes: z.number().min(0).max(100_000).optional(),
  venueId: Uuid.optional(),
  source: z.enum(['manual', 'declaration']).default('manual'),
  note: z.string().trim().max(1000).optional(),
  reason: Reason,
});

export const ContactListIn = z.strictObject({ indexPersonId: Uuid, reason: Reason });

export const SecondDegreeIn = z.strictObject({
  perF1Limit: z.number().int().min(1).max(10_000).optional(),
  totalLimit: z.number().int().min(1).max(100_000).optional(),
});

const VisitOut = z.object({
  checkinId: z.string(),
  venueId: z.string(),
  venueName: z.string().nullable(),
  venueType: z.string().nullable(),
  communeCode: z.string().nullable(),
  start: z.string(),
  end: z.string(),
  endEstimated: z.boolean(),
  contacts: z.number(),
});

export const CandidateOut = z.object({
  id: z.string(),
  rank: z.number(),
  generation: z.number(),
  viaContactId: z.string().nullable(),
  maskedName: z.string(),
  score: z.number(),
  risk: z.enum(['high', 'low']),
  contactCount: z.number(),
  distinctVisits: z.number(),
  overlapMinutes: z.number(),
  exposureStart: z.string(),
  exposureEnd: z.string(),
  venueIds: z.array(z.string()),
  bestVenueId: z.string().nullable(),
  status: z.enum(['pending', 'confirmed', 'dismissed']),
  contactId: z.string().nullable(),
  opened: z.boolean(),
});

export const RunOut = z.object({
  id: z.string(),
  indexPersonId: z.string(),
  indexPersonName: z.string(),
  windowFrom: z.string(),
  windowTo: z.string(),
  testDate: z.string().nullable(),
  rule: z.record(z.string(), z.unknown()),
  reason: z.string(),
  createdAt: z.string(),
  visits: z.array(VisitOut),
  candidateCount: z.number(),
  secondDegree: z.object({ status: z.string().nullable(), limits: z.unknown().nullable(), summary: z.unknown().nullable() }),
  candidates: z.array(CandidateOut),
  nextOffset: z.number().nullable(),
});

export const RunSummaryOut = z.object({
  id: z.string(),
  windowFrom: z.string(),
  windowTo: z.string(),
  reason: z.string(),
  candidateCount: z.number(),
  createdAt: z.string(),
});

export const OpenedCandidateOut = CandidateOut.extend({
  personId: z.string(),
  fullName: z.string().nullable(),
  birthDate: z.string().nullable(),
  phone: z.string().nullable(),
  communeCode: z.string().nullable(),
  inRegistry: z.boolean(),
});

export const ContactOut = z.object({
  id: z.string(),
  indexPersonId: z.string(),
  contactPersonId: z.string(),
  contactName: z.string(),
  generation: z.number(),
  viaContactId: z.string().nullable(),
  exposureStart: z.string(),
  exposureEnd: z.string(),
  exposureMinutes: z.number(),
  venueId: z.string().nullable(),
  source: z.enum(['checkin', 'manual', 'declaration']),
  risk: z.string().nullable(),
  traceRunId: z.string().nullable(),
  status: z.string(),
  confirmedBy: z.string().nullable(),
  confirmedAt: z.string(),
  created: z.boolean(),
});

export const TraceVenueOut = z.object({
  venueId: z.string(),
  name: z.string().nullable(),
  type: z.string().nullable(),
  communeCode: z.string().nullable(),
  communeName: z.string().nullable(),
  provinceCode: z.string().nullable(),
  provinceName: z.string().nullable(),
  /** The venue's point when it has one; without it the map places the venue by its province. */
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  visits: z.number(),
  firstVisit: z.string(),
  lastVisit: z.string(),
  contacts: z.number(),
});

export type RunTraceInput = z.output<typeof RunTraceIn>;
export type ManualContactInput = z.output<typeof ManualContactIn>;
export type RuleInput = z.output<typeof RuleIn>;
