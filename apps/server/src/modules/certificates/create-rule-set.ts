import { evaluate, type CertLogicExpression } from 'certlogic-js';
import { validateFormat } from 'certlogic-js/dist/validation';
import { vnDate, type CertRule, type RuleSet } from '@sen/certs';
import { AppError, badRequest, forbidden } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { COUNTRY_PATH, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { allRuleSets } from './rule-set-store';

export interface RuleSetInput {
  version: string;
  validFrom: string;
  rules: CertRule[];
}

const invalid = (field: string, message: string) => badRequest('invalid_rule_set', `${field}: ${message}`, { field, errors: [{ field, message }] });

/** One certificate of each type, to run every rule once before it is stored: a rule must answer, and answer the right kind. */
function samples(day: string): Record<'v' | 'r' | 't', Record<string, unknown>> {
  const holder = { ver: '1.3.0', nam: { fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'An', gnt: 'AN' }, dob: '1980-01-01' };
  const entry = { tg: '840539006', co: 'VN', is: 'Ministry of Health of Viet Nam', ci: 'URN:UVCI:01:VN:SAMPLE#A' };
  return {
    v: { ...holder, v: [{ ...entry, vp: '1119349007', mp: 'EU/1/20/1528', ma: 'ORG-100030215', dn: 2, sd: 2, dt: day }] },
    r: { ...holder, r: [{ ...entry, fr: day, df: day, du: day }] },
    t: { ...holder, t: [{ ...entry, tt: 'LP6464-4', sc: `${day}T08:00:00Z`, tr: '260415000', tc: 'Sample', co: 'VN' }] },
  };
}

/** Format by certlogic-js, ids unique, one personal QR rule, and a dry run that must give true/false or a colour. */
function checkRules(rules: readonly CertRule[], validFrom: string): void {
  const ids = new Set<string>();
  const certificates = samples(validFrom);
  const data = (payload: Record<string, unknown>) => ({ payload, external: { validationClock: `${validFrom}T01:00:00Z`, validationDate: validFrom, countryCode: 'VN' } });
  rules.forEach((rule, i) => {
    if (ids.has(rule.id)) throw invalid(`rules.${i}.id`, `the id ${rule.id} is used twice`);
    ids.add(rule.id);
    const errors = validateFormat(rule.logic);
    if (errors.length > 0) throw invalid(`rules.${i}.logic`, `not CertLogic: ${errors[0]!.message}`);
    const types = rule.purpose === 'personalQr' ? (['v', 'r'] as const) : rule.type ? [rule.type] : (['v', 'r', 't'] as const);
    for (const type of types) {
      let out: unknown;
      try {
        out = evaluate(rule.logic as CertLogicExpression, data(certificates[type]));
      } catch (e) {
        throw invalid(`rules.${i}.logic`, `fails on a sample ${type} certificate: ${(e as Error).message}`);
      }
      const expected = rule.purpose === 'personalQr' ? out === 'green' || out === 'black' : typeof out === 'boolean';
      if (!expected) throw invalid(`rules.${i}.logic`, `gives ${JSON.stringify(out)} on a sample ${type} certificate; a ${rule.purpose} rule must give ${rule.purpose === 'personalQr' ? '"green" or "black"' : 'true or false'}`);
    }
  });
  if (rules.filter((r) => r.purpose === 'personalQr').length > 1) throw invalid('rules', 'at most one personalQr rule');
  if (!rules.some((r) => r.purpose === 'checkpoint')) throw invalid('rules', 'a rule set needs at least one checkpoint rule');
}

/**
 * A national administrator adds a rule set version, in force from a day that is today or later (Viet Nam calendar):
 * verifiers holding the next trust list switch to it on that day, offline. Stored versions never change.
 */
export async function createRuleSet(deps: Deps, ctx: RequestContext, input: RuleSetInput, now = new Date()): Promise<RuleSet> {
  if (!scopePaths(ctx, 'vaccination:write').includes(COUNTRY_PATH)) {
    throw forbidden('Only a national administrator can change the certificate rules', { scope: 'vaccination:write', level: 'national' });
  }
  const today = vnDate(now);
  if (input.validFrom < today) throw invalid('validFrom', `must be today (${today}) or later: verifiers already judged earlier days`);
  checkRules(input.rules, input.validFrom);
  const existing = await allRuleSets(deps.db);
  if (existing.some((s) => s.version === input.version)) throw new AppError('rule_set_exists', `Rule set ${input.version} already exists; versions never change`, { field: 'version' }, 409);
  const sameDay = existing.find((s) => s.validFrom === input.validFrom);
  if (sameDay) throw new AppError('rule_set_day_taken', `Rule set ${sameDay.version} already starts on ${input.validFrom}`, { field: 'validFrom' }, 409);
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('certificate_rule_sets').values({ version: input.version, valid_from: input.validFrom, rules: JSON.stringify(input.rules), source: 'admin', created_by: ctx.actor?.userId ?? null }).execute();
      await recordAudit(trx, ctx, { action: 'certificate.rule-set.create', entityType: 'certificate_rule_set', entityId: input.version, areaPath: COUNTRY_PATH, details: { validFrom: input.validFrom, rules: input.rules.map((r) => r.id) } });
    });
  } catch (e) {
    // Another administrator stored the same version or day in the meantime.
    if ((e as { code?: string }).code === '23505') throw new AppError('rule_set_conflict', 'Another rule set with this version or start day was just stored', { field: 'version' }, 409);
    throw e;
  }
  return { version: input.version, validFrom: input.validFrom, rules: input.rules };
}
