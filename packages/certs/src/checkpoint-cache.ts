// Checkpoint rule outcomes, remembered per rule set. A checkpoint sees many certificates with the same product,
// doses and date on one day, and CertLogic is the costliest step after the signature. The outcome is remembered
// under exactly what the applicable rules read: the values of their `var` paths in the certificate, and the Viet
// Nam day of the clock (or the clock itself when a rule reads more of it than the day, as the 72-hour test rule
// does). evaluateCheckpoint gives every outcome; this file only decides when an earlier one can be reused.
import { evaluate, type CertLogicExpression } from 'certlogic-js';
import { evaluateCheckpoint, vnDate, type RuleSet, type RulesOutcome } from './rules';
import { dccType, type Dcc, type DccType } from './schema';
import type { RuleOutcome } from './hcert';

/** What the checkpoint rules of one certificate type read. */
interface Reads {
  /** `{ var }` expressions into the certificate. */
  payload: CertLogicExpression[];
  /** What the rules read of the clock: nothing, its Viet Nam day, or the instant. */
  clock: 'none' | 'day' | 'instant';
}

interface Remembered {
  reads: Map<DccType, Reads>;
  outcomes: Map<string, RuleOutcome>;
}

/** Outcomes kept per rule set; past this the memory starts over (hostile input cannot grow it without bound). */
const MAX_OUTCOMES = 4096;
const remembered = new WeakMap<RuleSet, Remembered>();

function collectVars(expr: unknown, into: Set<string>): void {
  if (Array.isArray(expr)) {
    for (const e of expr) collectVars(e, into);
  } else if (expr !== null && typeof expr === 'object') {
    for (const [op, operand] of Object.entries(expr)) {
      // A var whose path is not text makes CertLogic throw, whatever the data: nothing to read.
      if (op === 'var') {
        if (typeof operand === 'string') into.add(operand);
      } else collectVars(operand, into);
    }
  }
}

const DAY = 'external.validationDate';

function readsOf(ruleSet: RuleSet, type: DccType): Reads {
  const paths = new Set<string>();
  for (const rule of ruleSet.rules) if (rule.purpose === 'checkpoint' && (rule.type === undefined || rule.type === type)) collectVars(rule.logic, paths);
  const payload: CertLogicExpression[] = [];
  let clock: Reads['clock'] = 'none';
  for (const p of paths) {
    if (p === 'payload' || p.startsWith('payload.')) payload.push({ var: p });
    else if (p === DAY || p.startsWith(`${DAY}.`)) clock = clock === 'none' ? 'day' : clock;
    // Anything else ('', 'external', validationClock...) is the data CertLogic builds from the clock.
    else clock = 'instant';
  }
  return { payload, clock };
}

/** The verifier's outcome of an evaluateCheckpoint result: the reason names the rules not met. */
export const ruleOutcomeOf = (o: RulesOutcome): RuleOutcome =>
  o.ok ? { ok: true } : { ok: false, reason: `Rule ${o.failed.map((f) => f.id).join(', ')} not met: ${o.failed.map((f) => f.error ?? f.description.en).join('; ')}` };

/**
 * The checkpoint rules' verdict on a schema-valid DCC at `clock`, as evaluateCheckpoint gives it. A rule set is
 * treated as immutable: outcomes are kept per RuleSet object.
 */
export function checkpointOutcome(ruleSet: RuleSet, dcc: Dcc, clock: Date): RuleOutcome {
  const type = dccType(dcc);
  if (!type) return ruleOutcomeOf(evaluateCheckpoint(ruleSet, dcc, clock));
  let memory = remembered.get(ruleSet);
  if (!memory) {
    memory = { reads: new Map(), outcomes: new Map() };
    remembered.set(ruleSet, memory);
  }
  let reads = memory.reads.get(type);
  if (!reads) {
    reads = readsOf(ruleSet, type);
    memory.reads.set(type, reads);
  }
  const data = { payload: dcc };
  const parts: unknown[] = [type, reads.clock === 'instant' ? clock.toISOString() : reads.clock === 'day' ? vnDate(clock) : ''];
  // CertLogic's own var lookup, so the key sees exactly what the rules see.
  for (const v of reads.payload) parts.push(evaluate(v, data));
  const key = JSON.stringify(parts);
  let outcome = memory.outcomes.get(key);
  if (!outcome) {
    outcome = ruleOutcomeOf(evaluateCheckpoint(ruleSet, dcc, clock));
    if (memory.outcomes.size >= MAX_OUTCOMES) memory.outcomes.clear();
    memory.outcomes.set(key, outcome);
  }
  return outcome;
}
