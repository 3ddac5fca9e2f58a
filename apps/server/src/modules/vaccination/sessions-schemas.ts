import { z } from 'zod';

/**
 * HTTP shapes of the site workflow (issue 3 items 5 to 8): sessions, arrivals, screening, doses, observation,
 * adverse events, backfill and offline sync. Objects are strict (an unknown field is a 400 naming it). Writes a
 * tablet may retry carry an `id` made by the client (UUID): the same id and body again answer the stored record
 * (200), the same id with another body is 409 client_id_reused.
 */
export const SESSION_STATUSES = ['planned', 'open', 'closed', 'cancelled'] as const;
export const SCREENING_OUTCOME_VALUES = ['eligible', 'caution', 'defer', 'contraindicated'] as const;
export const ARRIVAL_METHODS = ['qr', 'search', 'id_number', 'person_id'] as const;
/** AEFI symptom codes (Brighton/WHO case definitions used by the Ministry's AEFI form; a fixed list). */
export const AEFI_SYMPTOMS = [
  'injection_site_pain', 'injection_site_swelling', 'injection_site_redness', 'fever', 'headache', 'fatigue', 'myalgia', 'arthralgia', 'chills',
  'nausea', 'vomiting', 'diarrhoea', 'dizziness', 'syncope', 'rash', 'urticaria', 'angioedema', 'anaphylaxis', 'dyspnoea', 'chest_pain',
  'palpitations', 'hypotension', 'seizure', 'paraesthesia', 'lymphadenopathy', 'thrombosis_with_thrombocytopenia', 'myocarditis', 'pericarditis',
  'guillain_barre', 'other',
] as const;
export const AEFI_SEVERITIES = ['mild', 'moderate', 'severe'] as const;
export const AEFI_OUTCOMES = ['recovered', 'recovering', 'not_recovered', 'recovered_with_sequelae', 'fatal', 'unknown'] as const;
/** What made an event serious (DOMAIN.md); kept apart from the severity. */
export const AEFI_SERIOUSNESS_CRITERIA = ['death', 'life_threatening', 'hospitalisation', 'disability'] as const;
/** WHO AEFI causality classes: A1..A4 consistent, B1/B2 indeterminate, C coincidental, D unclassifiable. */
export const CAUSALITY_CLASSES = ['A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'C', 'D'] as const;
export const SYNC_MAX_ITEMS = 500;

const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, 'a Viet Nam local date and time YYYY-MM-DDTHH:MM')
  .describe('Viet Nam local time (UTC+7), YYYY-MM-DDTHH:MM');
const VaccineCode = z.string().regex(/^[a-z0-9_]{1,40}$/, 'a catalog vaccine code such as pfizer');
const Instant = z.iso.datetime({ offset: true });
const Text = (max: number) => z.string().max(max);
const Reason = z.string().min(1).max(1000);

export const SessionCreateIn = z
  .strictObject({
    id: z.uuid().optional().describe('Client id: the same id again returns the session created with it'),
    siteId: z.uuid(),
    startsAt: LocalDateTime,
    endsAt: LocalDateTime.describe('After startsAt, at most 24 hours later'),
    vaccines: z.array(VaccineCode).min(1).max(20).refine((v) => new Set(v).size === v.length, 'a vaccine appears twice').describe('Catalog codes of the vaccines offered'),
    capacity: z.number().int().min(1).max(100_000).describe('People the session can vaccinate'),
    shiftId: z.uuid().nullable().optional().describe('The shift (kíp tiêm) that staffs the session; same site'),
    note: Text(1000).optional(),
  })
  .meta({ id: 'SessionCreate' });
export const SessionOut = z
  .object({
    id: z.string(), siteId: z.string(), date: z.string().describe('Viet Nam day'), startsAt: z.string(), endsAt: z.string(),
    products: z.array(z.string()).describe('EU DCC product codes'), vaccines: z.array(z.string()).describe('Catalog codes'), capacity: z.number().int(),
    status: z.enum(SESSION_STATUSES), areaPath: z.string(), shiftId: z.string().nullable(), note: z.string().nullable(), openedAt: z.string().nullable(),
    closedAt: z.string().nullable(), cancelledAt: z.string().nullable(), cancelReason: z.string().nullable(), createdAt: z.string(),
    arrivals: z.number().int().nullable(), doses: z.number().int().nullable(),
  })
  .meta({ id: 'Session' });
export const SessionsIn = z.strictObject({
  siteId: z.uuid().optional(),
  status: z.enum(SESSION_STATUSES).optional(),
  from: z.iso.date().optional().describe('First Viet Nam day (inclusive)'),
  to: z.iso.date().optional().describe('Last Viet Nam day (inclusive)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export const SessionCancelIn = z.strictObject({ reason: Reason }).meta({ id: 'SessionCancel' });

export const ArrivalIn = z
  .strictObject({
    id: z.uuid().describe('Client id'),
    personId: z.uuid().optional().describe('From the personal QR or a search'),
    idNumber: z.string().regex(/^[0-9A-Za-z]{6,20}$/, '6 to 20 letters or digits').optional().describe('CCCD, CMND, passport or social insurance number'),
    personToken: z.string().min(1).max(600).optional().describe("The person's signed QR code, as scanned"),
    method: z.enum(ARRIVAL_METHODS).optional(),
    arrivedAt: Instant.optional(),
  })
  .refine((a) => [a.personId, a.idNumber, a.personToken].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of personId, idNumber and personToken', path: ['personId'],
  })
  .meta({ id: 'ArrivalCreate' });
export const ArrivalOut = z
  .object({ id: z.string(), sessionId: z.string(), personId: z.string(), arrivedAt: z.string(), method: z.enum(ARRIVAL_METHODS), replayed: z.boolean() })
  .meta({ id: 'Arrival' });

const Vitals = z.strictObject({
  temperatureC: z.number().min(-100).max(200).nullable().optional(),
  pulse: z.number().min(-1000).max(1000).nullable().optional(),
  systolic: z.number().min(-1000).max(1000).nullable().optional(),
  diastolic: z.number().min(-1000).max(1000).nullable().optional(),
  respiratoryRate: z.number().min(-1000).max(1000).nullable().optional(),
});
const Answers = z.strictObject({
  allergyToVaccine: z.boolean().optional(),
  anaphylaxisToPriorDose: z.boolean().optional(),
  allergyHistory: z.boolean().optional(),
  chronicDisease: z.boolean().optional(),
  chronicDiseaseUncontrolled: z.boolean().optional(),
  acuteIllness: z.boolean().optional(),
  immunosuppressed: z.boolean().optional(),
  pregnancyWeeks: z.number().nullable().optional(),
  lastCovidOn: z.iso.date().nullable().optional(),
});
export const ScreeningIn = z
  .strictObject({
    id: z.uuid().describe('Client id'),
    personId: z.uuid(),
    sessionId: z.uuid().optional(),
    siteId: z.uuid().optional().describe('When not at a session'),
    vaccineCode: VaccineCode.optional(),
    screenedAt: Instant.optional(),
    vitals: Vitals.default({}),
    answers: Answers.default({}),
  })
  .refine((s) => s.sessionId !== undefined || s.siteId !== undefined, { message: 'give sessionId or siteId', path: ['sessionId'] })
  .meta({ id: 'ScreeningCreate' });
export const ScreeningOut = z
  .object({
    id: z.string(), personId: z.string(), sessionId: z.string().nullable(), siteId: z.string().nullable(), screenedAt: z.string(), ruleSetVersion: z.string(),
    outcome: z.enum(SCREENING_OUTCOME_VALUES), reasons: z.array(z.object({ code: z.string(), outcome: z.string(), vi: z.string(), en: z.string() })),
    vitals: z.record(z.string(), z.unknown()), answers: z.record(z.string(), z.unknown()), replayed: z.boolean(),
  })
  .meta({ id: 'Screening' });

const Override = z.strictObject({ reason: Reason.describe('Why the rule is overridden; stored with the dose') });
export const DoseIn = z
  .strictObject({
    id: z.uuid().describe('Client id: a retry returns the same dose'),
    personId: z.uuid(),
    sessionId: z.uuid().optional(),
    siteId: z.uuid().optional().describe('When not at a session'),
    lotId: z.uuid(),
    component: z.string().regex(/^[A-Za-z0-9]{1,10}$/).optional().describe('Sputnik V component (I or II)'),
    screeningId: z.uuid().optional().describe("Default: the person's latest screening that day"),
    administeredAt: Instant.optional().describe('Default now; up to 7 days back for a queue synced late'),
    override: Override.optional(),
  })
  .refine((d) => d.sessionId !== undefined || d.siteId !== undefined, { message: 'give sessionId or siteId', path: ['sessionId'] })
  .meta({ id: 'DoseCreate' });
export const DoseProblemOut = z.object({ code: z.string(), severity: z.string(), overridable: z.boolean(), vi: z.string(), en: z.string() });
export const DoseOut = z
  .object({
    id: z.string(), personId: z.string(), administeredAt: z.string(), administeredOn: z.string(), siteId: z.string().nullable(), sessionId: z.string().nullable(),
    product: z.string(), vaccineCode: z.string(), component: z.string().nullable(), lotId: z.string().nullable(), lotNumber: z.string().nullable(),
    doseKind: z.enum(['primary', 'booster']), doseNumber: z.number().int(), completesSeries: z.boolean(), catalogVersion: z.string(),
    overrideReason: z.string().nullable(), overriddenProblems: z.array(z.string()), source: z.enum(['site', 'backfill']), verified: z.boolean(),
    reviewStatus: z.enum(['pending', 'confirmed', 'rejected']), backfillSource: z.string().nullable(), evidenceNote: z.string().nullable(), place: z.string().nullable(),
    observationEndsAt: z.string().nullable(), observationDoneAt: z.string().nullable(), observationOutcome: z.string().nullable(),
    recordedAt: z.string(), recordedBy: z.string().nullable(), replayed: z.boolean(),
    warnings: z.array(DoseProblemOut).describe('Rule warnings that did not block'),
  })
  .meta({ id: 'Dose' });

const AdverseEventBody = z.strictObject({
  id: z.uuid().describe('Client id'),
  onsetAt: Instant,
  symptoms: z.array(z.enum(AEFI_SYMPTOMS)).min(1).max(30).refine((s) => new Set(s).size === s.length, 'a symptom appears twice'),
  serious: z.boolean(),
  seriousCriteria: z.array(z.enum(AEFI_SERIOUSNESS_CRITERIA)).max(4).refine((c) => new Set(c).size === c.length, 'a criterion appears twice').optional()
    .describe('For a serious event: death, life_threatening, hospitalisation, disability'),
  severity: z.enum(AEFI_SEVERITIES),
  outcome: z.enum(AEFI_OUTCOMES),
  description: Text(4000).optional(),
});

export const ObservationIn = z.strictObject({
  siteId: z.uuid().optional(),
  sessionId: z.uuid().optional(),
  includeDone: z.enum(['true', 'false']).default('false'),
  hours: z.coerce.number().int().min(1).max(24).default(4).describe('Doses given in the last hours'),
}).refine((q) => q.siteId !== undefined || q.sessionId !== undefined, { message: 'give siteId or sessionId', path: ['siteId'] });
export const ObservationItemOut = z.object({
  doseId: z.string(), personId: z.string(), fullName: z.string(), vaccineCode: z.string(), doseNumber: z.number().int(), doseKind: z.string(),
  administeredAt: z.string(), observationEndsAt: z.string(), remainingSeconds: z.number().int(), state: z.enum(['running', 'ended', 'done']),
  outcome: z.string().nullable(),
});
export const ObservationDoneIn = z
  .strictObject({
    outcome: z.enum(['no_reaction', 'reaction']),
    adverseEvent: AdverseEventBody.optional().describe('Required when outcome is reaction'),
  })
  .refine((o) => o.outcome === 'no_reaction' || o.adverseEvent !== undefined, { message: 'a reaction needs its adverse event', path: ['adverseEvent'] })
  .refine((o) => o.outcome === 'reaction' || o.adverseEvent === undefined, { message: 'no adverse event without a reaction', path: ['adverseEvent'] })
  .meta({ id: 'ObservationDone' });

export const AdverseEventIn = AdverseEventBody.extend({ doseId: z.uuid() }).meta({ id: 'AdverseEventCreate' });
export const AdverseEventOut = z
  .object({
    id: z.string(), doseId: z.string(), personId: z.string(), product: z.string(), vaccineCode: z.string(), siteId: z.string().nullable(),
    sessionId: z.string().nullable(), onsetAt: z.string(), symptoms: z.array(z.string()), serious: z.boolean(), seriousCriteria: z.array(z.enum(AEFI_SERIOUSNESS_CRITERIA)),
    severity: z.enum(AEFI_SEVERITIES),
    outcome: z.enum(AEFI_OUTCOMES), description: z.string().nullable(), causality: z.enum(CAUSALITY_CLASSES).nullable(), causalityNote: z.string().nullable(),
    causalitySetAt: z.string().nullable(), reportedAt: z.string(), replayed: z.boolean(),
  })
  .meta({ id: 'AdverseEvent' });
export const AdverseEventsIn = z.strictObject({
  serious: z.enum(['true', 'false']).optional(),
  pendingCausality: z.enum(['true', 'false']).optional(),
  personId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export const CausalityIn = z.strictObject({ causality: z.enum(CAUSALITY_CLASSES), note: Text(2000).optional() }).meta({ id: 'AdverseEventCausality' });

export const BackfillIn = z
  .strictObject({
    id: z.uuid().describe('Client id'),
    personId: z.uuid(),
    vaccineCode: VaccineCode,
    administeredOn: z.iso.date().describe('Viet Nam day the dose was given'),
    doseNumber: z.number().int().min(1).max(20).optional().describe('As on the evidence, when it says (dose 1 given abroad, not recorded)'),
    component: z.string().regex(/^[A-Za-z0-9]{1,10}$/).optional(),
    lotNumber: z.string().min(1).max(60).optional(),
    siteId: z.uuid().optional().describe('A site of the registry where it was given, when known'),
    place: Text(500).optional().describe('Where it was given, as written'),
    source: z.string().min(1).max(500).describe('Where the record comes from (paper card, other system, abroad)'),
    evidenceNote: z.string().min(1).max(2000).describe('What evidence was seen'),
    override: Override.optional(),
  })
  .meta({ id: 'BackfillCreate' });
export const ReviewIn = z.strictObject({ decision: z.enum(['confirm', 'reject']), note: Text(1000).optional() }).meta({ id: 'BackfillReview' });
export const UnverifiedIn = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const SyncIn = z
  .strictObject({
    screenings: z.array(z.unknown()).max(SYNC_MAX_ITEMS).default([]),
    doses: z.array(z.unknown()).max(SYNC_MAX_ITEMS).default([]),
  })
  .refine((b) => b.screenings.length + b.doses.length <= SYNC_MAX_ITEMS, { message: `at most ${SYNC_MAX_ITEMS} items in all`, path: ['doses'] })
  .meta({ id: 'SyncBatch' });
export const SyncItemOut = z.object({
  kind: z.enum(['screening', 'dose']), index: z.number().int(), id: z.string().nullable(),
  status: z.enum(['created', 'duplicate', 'refused']), code: z.string().nullable(), message: z.string().nullable(),
  problems: z.array(z.string()).optional(),
});
export const SyncOut = z.object({ items: z.array(SyncItemOut), created: z.number().int(), duplicates: z.number().int(), refused: z.number().int() }).meta({ id: 'SyncResult' });

export const HistoryOut = z
  .object({
    personId: z.string(),
    doses: z.array(DoseOut.omit({ replayed: true, warnings: true })),
    status: z.object({
      dosesReceived: z.number().int(), primaryVaccine: z.string().nullable(), seriesLength: z.number().int().nullable(), primaryComplete: z.boolean(),
      completedOn: z.string().nullable(), boosters: z.number().int(), lastDoseOn: z.string().nullable(),
    }),
    nextDue: z.object({ earliest: z.string(), recommended: z.string(), latest: z.string().nullable() }).nullable(),
    catalogVersion: z.string(),
  })
  .meta({ id: 'VaccinationHistory' });
export const IdParams = z.strictObject({ id: z.uuid() });
