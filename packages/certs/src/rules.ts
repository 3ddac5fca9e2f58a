// Validity rules as data: CertLogic rule sets (the EU's JSON-logic dialect), versioned and carried inside the
// signed trust list, evaluated offline with certlogic-js. Browser-safe.
import { evaluate, isCertLogicExpression, type CertLogicExpression } from 'certlogic-js';
import { AppError, CATALOG_VERSIONS, vnDayOf } from '@sen/domain';
import type { Dcc, DccType } from './schema';

export type RulePurpose = 'checkpoint' | 'personalQr';

export interface CertRule {
  id: string;
  purpose: RulePurpose;
  /** Certificate type the rule applies to; absent = every type. */
  type?: DccType;
  description: { vi: string; en: string };
  /** checkpoint rules give true/false; the personalQr rule gives a colour ("green" | "black"). */
  logic: CertLogicExpression;
}

export interface RuleSet {
  version: string;
  /** First day the set applies (ISO date). */
  validFrom: string;
  rules: CertRule[];
}

const v = (p: string) => ({ var: p });
const plusDays = (date: CertLogicExpression, days: number) => ({ plusTime: [date, days, 'day'] }) as unknown as CertLogicExpression;
const today = plusDays(v('external.validationDate'), 0);

/** Products by primary series length, from every catalog version (a code never changes its series length). */
function productsBySeries(): { single: string[]; two: string[]; three: string[] } {
  const bySeries = new Map<number, Set<string>>([[1, new Set()], [2, new Set()], [3, new Set()]]);
  for (const c of CATALOG_VERSIONS) for (const vac of c.vaccines) bySeries.get(vac.seriesDoses)?.add(vac.dcc.mp);
  const sorted = (n: number) => [...bySeries.get(n)!].sort();
  return { single: sorted(1), two: sorted(2), three: sorted(3) };
}

/**
 * The 2021 rules: checkpoint = full series and 14 days after its last dose (a booster, dn above the product's
 * series length or above sd, counts at once); recovery from day 11 to day 180 after the positive test; a negative
 * PCR sampled within 72 hours. Dates compare Viet Nam calendar days (external.validationDate).
 *
 * Personal QR colour (HCMC, DOMAIN.md: green if recovered less than 180 days ago, or vaccinated = at least one dose
 * of a two-dose vaccine 14 days ago or more; black otherwise). Our reading: "one dose" is the rule for two-dose
 * products only; any other product counts once its series is complete (Janssen 1/1, Abdala 3/3, not Abdala 1/3 or
 * 2/3), 14 days after that dose. A booster certificate is green at once: a completed series came before it.
 * Recovered means the recovery certificate has begun (day 11 after the positive test, as the EU defines it) and the
 * test is under 180 days old (day 179 green, day 180 black). A product outside the catalog takes its series length
 * from sd.
 */
export function defaultRuleSet(): RuleSet {
  const { single, two, three } = productsBySeries();
  const mp = v('payload.v.0.mp');
  const dn = v('payload.v.0.dn');
  const sd = v('payload.v.0.sd');
  const seriesLength = { if: [{ in: [mp, single] }, 1, { if: [{ in: [mp, two] }, 2, { if: [{ in: [mp, three] }, 3, sd] }] }] };
  const booster = { if: [{ '>': [dn, sd] }, true, { '>': [dn, seriesLength] }] };
  const daysSince = (date: CertLogicExpression, days: number) => ({ 'not-before': [today, plusDays(date, days)] });
  // CertLogic has no "or": nested ifs.
  const primaryCounts = { if: [{ '>=': [dn, seriesLength] }, true, { and: [{ '===': [seriesLength, 2] }, { '>=': [dn, 1] }] }] };
  const vaccinatedGreen = { if: [booster, true, { and: [primaryCounts, daysSince(v('payload.v.0.dt'), 14)] }] };
  const recoveredGreen = { and: [daysSince(v('payload.r.0.fr'), 11), { before: [today, plusDays(v('payload.r.0.fr'), 180)] }] };
  return {
    version: '2021.12.2',
    validFrom: '2021-12-01',
    rules: [
      {
        id: 'VN-CP-V-0001', purpose: 'checkpoint', type: 'v',
        description: { vi: 'Tiêm đủ liều cơ bản và đã qua 14 ngày sau mũi cuối (mũi nhắc: có hiệu lực ngay)', en: 'Full primary series and 14 days since its last dose (a booster counts at once)' },
        logic: {
          if: [{ '<': [dn, sd] }, false, { if: [booster, daysSince(v('payload.v.0.dt'), 0), daysSince(v('payload.v.0.dt'), 14)] }],
        } as CertLogicExpression,
      },
      {
        id: 'VN-CP-R-0001', purpose: 'checkpoint', type: 'r',
        description: { vi: 'Khỏi bệnh: từ ngày 11 đến ngày 180 sau xét nghiệm dương tính', en: 'Recovered: from day 11 to day 180 after the positive test' },
        logic: { and: [daysSince(v('payload.r.0.fr'), 11), { 'not-after': [today, plusDays(v('payload.r.0.fr'), 180)] }] } as CertLogicExpression,
      },
      {
        id: 'VN-CP-T-0001', purpose: 'checkpoint', type: 't',
        description: { vi: 'Xét nghiệm PCR âm tính trong vòng 72 giờ', en: 'Negative PCR test sampled within 72 hours' },
        logic: {
          and: [
            { '===': [v('payload.t.0.tr'), '260415000'] },
            { '===': [v('payload.t.0.tt'), 'LP6464-4'] },
            { 'not-after': [{ plusTime: [v('external.validationClock'), 0, 'hour'] }, { plusTime: [v('payload.t.0.sc'), 72, 'hour'] }] },
          ],
        } as CertLogicExpression,
      },
      {
        id: 'VN-QR-0001', purpose: 'personalQr',
        description: {
          vi: 'Mã QR xanh: khỏi bệnh dưới 180 ngày (từ ngày 11 sau xét nghiệm dương tính), hoặc đã tiêm ít nhất 1 mũi vắc xin loại 2 mũi (vắc xin khác: đủ liều) từ 14 ngày trở lên; còn lại: đen',
          en: 'Green QR: recovered under 180 days ago (from day 11 after the positive test), or at least one dose of a two-dose vaccine (other vaccines: the full series) 14 days ago or more; black otherwise',
        },
        logic: {
          if: [
            v('payload.r.0'),
            { if: [recoveredGreen, 'green', 'black'] },
            { if: [v('payload.v.0'), { if: [vaccinatedGreen, 'green', 'black'] }, 'black'] },
          ],
        } as CertLogicExpression,
      },
    ],
  };
}

/** Structural check of a rule set received in a trust list. */
export function parseRuleSet(value: unknown): RuleSet {
  const r = value as RuleSet;
  if (!r || typeof r !== 'object' || typeof r.version !== 'string' || typeof r.validFrom !== 'string' || !Array.isArray(r.rules)) {
    throw new AppError('rules_invalid', 'Rule set must have version, validFrom and rules');
  }
  for (const rule of r.rules) {
    if (typeof rule?.id !== 'string' || (rule.purpose !== 'checkpoint' && rule.purpose !== 'personalQr') || !isCertLogicExpression(rule.logic)) {
      throw new AppError('rules_invalid', `Rule ${String(rule?.id)} is not a valid CertLogic rule`);
    }
  }
  return r;
}

/** Viet Nam (UTC+7, no daylight saving) calendar day of an instant: CertLogic's validation date. */
export const vnDate = vnDayOf;

const ruleData = (dcc: Dcc | Record<string, unknown>, clock: Date) => ({
  payload: dcc,
  external: { validationClock: clock.toISOString(), validationDate: vnDate(clock), countryCode: 'VN' },
});

const typeOf = (dcc: Record<string, unknown>): DccType | undefined => (dcc.v ? 'v' : dcc.r ? 'r' : dcc.t ? 't' : undefined);

export interface RulesOutcome {
  ok: boolean;
  /** Ids of the rules that failed (or could not be evaluated). */
  failed: { id: string; description: CertRule['description']; error?: string }[];
  /** Rules that applied to this certificate type. */
  evaluated: number;
}

/** Checkpoint rules that apply to the certificate's type; no applicable rule = not accepted. */
export function evaluateCheckpoint(ruleSet: RuleSet, dcc: Dcc | Record<string, unknown>, clock: Date): RulesOutcome {
  const type = typeOf(dcc as Record<string, unknown>);
  const rules = ruleSet.rules.filter((r) => r.purpose === 'checkpoint' && (r.type === undefined || r.type === type));
  const data = ruleData(dcc, clock);
  const failed: RulesOutcome['failed'] = [];
  for (const rule of rules) {
    try {
      if (evaluate(rule.logic, data) !== true) failed.push({ id: rule.id, description: rule.description });
    } catch (e) {
      failed.push({ id: rule.id, description: rule.description, error: (e as Error).message });
    }
  }
  if (rules.length === 0) failed.push({ id: 'none', description: { vi: 'Không có quy tắc cho loại chứng nhận này', en: 'No rule accepts this certificate type' } });
  return { ok: failed.length === 0, failed, evaluated: rules.length };
}

/** Personal QR colour from the rule set (black when no rule or the rule errs). */
export function evaluateQrColour(ruleSet: RuleSet, dcc: Dcc | Record<string, unknown>, clock: Date): 'green' | 'black' {
  const rule = ruleSet.rules.find((r) => r.purpose === 'personalQr');
  if (!rule) return 'black';
  try {
    return evaluate(rule.logic, ruleData(dcc, clock)) === 'green' ? 'green' : 'black';
  } catch {
    return 'black';
  }
}
