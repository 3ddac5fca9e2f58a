import { z } from 'zod';

export const IdParams = z.object({ id: z.string().uuid() });
export const PersonParams = z.object({ personId: z.string().uuid() });

const Stage = z.enum(['ok', 'fail', 'skipped']);
export const CertificateOut = z.object({
  id: z.string(), personId: z.string(), kind: z.string(), uvci: z.string(), doseId: z.string().nullable(), product: z.string().nullable(),
  doseNumber: z.number().nullable(), seriesDoses: z.number().nullable(), eventOn: z.string(), issuedAt: z.string(), expiresAt: z.string(), kid: z.string(),
  status: z.enum(['valid', 'revoked', 'superseded']), revokedAt: z.string().nullable(), reason: z.string().nullable(), supersededBy: z.string().nullable(),
});
export const MyCertificateOut = CertificateOut.extend({ hcert: z.string().nullable() });

export const IssueIn = z.object({
  reissue: z.boolean().optional(),
  reason: z.string().trim().min(1).max(500).optional(),
}).strict();
export const IssueOut = z.object({ personId: z.string(), issued: z.array(CertificateOut), unchanged: z.array(CertificateOut), revoked: z.array(CertificateOut) });

export const RecoveryIn = z.object({
  firstPositiveOn: z.iso.date().describe('Viet Nam calendar day of the first positive NAAT (PCR) test'),
  country: z.string().regex(/^[A-Z]{2}$/, 'two capital letters (ISO 3166)').default('VN').describe('Where the test was taken'),
  issuer: z.string().trim().min(1).max(80).optional().describe('Certificate issuer; the Ministry of Health of Viet Nam by default'),
  sourceId: z.string().uuid().optional().describe('The positive test result, when recorded in Sen'),
}).strict();
export const RecoveryOut = z.object({ issued: CertificateOut.nullable(), revoked: CertificateOut.nullable(), unchanged: CertificateOut.nullable() });

export const RevokeIn = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export const BulkIn = z.object({ areaCode: z.string().trim().min(1).max(20) }).strict();
export const BulkOut = z.object({ jobId: z.string().nullable(), areaPath: z.string() });

/** An HC1 text; anything longer than a QR code can hold is refused before it reaches the decoder. */
export const Hc1 = z.string().min(1).max(8192);

export const CheckpointIn = z.object({ name: z.string().trim().min(1).max(200), areaCode: z.string().trim().min(1).max(20) }).strict();
export const CheckpointOut = z.object({ id: z.string(), name: z.string(), communeCode: z.string(), qrToken: z.string(), active: z.boolean(), createdAt: z.string() });

export const VerifyIn = z.object({ hc1: Hc1 }).strict();
const Holder = z.object({ name: z.string(), nameTransliterated: z.string(), dob: z.string() }).nullable();
export const VerifyOut = z.object({
  valid: z.boolean(), failureReason: z.string().nullable(), reason: z.string().nullable(),
  stages: z.record(z.string(), Stage), holder: Holder, certificateHash: z.string().nullable(), passageId: z.string(),
});
export const PassageIn = z.object({
  result: z.enum(['pass', 'fail']),
  failureReason: z.string().regex(/^[a-z0-9_]{1,60}$/).optional(),
  certificateHash: z.string().regex(/^[A-Za-z0-9+/]{22}==$/).optional(),
  passedAt: z.coerce.date().optional(),
}).strict();
export const CitizenPassageIn = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/), hc1: Hc1 }).strict();
export const CitizenPassageOut = z.object({
  checkpoint: z.object({ name: z.string() }), valid: z.boolean(), failureReason: z.string().nullable(), reason: z.string().nullable(), holder: Holder, passageId: z.string(), at: z.string(),
});
export const StatsQuery = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() });
export const StatsOut = z.object({
  checkpointId: z.string(), day: z.string(), total: z.object({ pass: z.number(), fail: z.number() }),
  hours: z.array(z.object({ hour: z.number(), pass: z.number(), fail: z.number() })), failureReasons: z.record(z.string(), z.number()),
});
export const QrColourOut = z.object({
  colour: z.enum(['green', 'black']), certificateId: z.string().nullable(), ruleId: z.string().nullable(), ruleVersion: z.string(),
  description: z.object({ vi: z.string(), en: z.string() }).nullable(), at: z.string(),
});

const Description = z.object({ vi: z.string().trim().min(1).max(500), en: z.string().trim().min(1).max(500) }).strict();
export const CertRuleSchema = z.object({
  id: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,39}$/, 'upper-case letters, digits and - (1 to 40)'),
  purpose: z.enum(['checkpoint', 'personalQr']),
  type: z.enum(['v', 't', 'r']).optional(),
  description: Description,
  /** A CertLogic expression; checked by certlogic-js and a dry run in the use case. */
  logic: z.unknown().refine((v) => v !== undefined, 'required'),
}).strict();
export const RuleSetIn = z.object({
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.-]{0,39}$/, 'letters, digits, . and - (1 to 40), e.g. 2022.02.1'),
  validFrom: z.iso.date().describe('First day (Viet Nam calendar) the set applies: today or later'),
  rules: z.array(CertRuleSchema).min(1).max(50),
}).strict();
export const RuleSetOut = z.object({ version: z.string(), validFrom: z.string(), rules: z.array(CertRuleSchema.extend({ logic: z.unknown() })) });
