import { defaultRuleSet, parseRuleSet, ruleSetAt, sortRuleSets, type CertRule, type RuleSet } from '@sen/certs';
import { sql, type Database, type DB, type Transaction } from '@sen/db';

type Db = Database | Transaction<DB>;

/**
 * CertLogic rule set versions (migration 0018): the code's default is written at start when missing and never
 * overwritten; later versions come from a national administrator. Stored versions never change (a trigger refuses
 * it), so a version parsed once is kept for the life of the process; only the list of versions is read again.
 */
const parsed = new WeakMap<object, Map<string, RuleSet>>();

interface RuleSetRow {
  version: string;
  valid_from: string;
  rules: CertRule[] | string;
}

export async function seedRuleSets(db: Db): Promise<void> {
  const d = defaultRuleSet();
  await db.insertInto('certificate_rule_sets').values({ version: d.version, valid_from: d.validFrom, rules: JSON.stringify(d.rules), source: 'default' }).onConflict((oc) => oc.doNothing()).execute();
}

/** Every stored version, oldest first; the code's default when none is stored yet (a tool on a bare database). */
export async function allRuleSets(db: Database): Promise<RuleSet[]> {
  const rows = await sql<RuleSetRow>`SELECT version, valid_from::text AS valid_from, rules FROM certificate_rule_sets ORDER BY valid_from`.execute(db);
  if (rows.rows.length === 0) return [defaultRuleSet()];
  let byVersion = parsed.get(db);
  if (!byVersion) parsed.set(db, (byVersion = new Map()));
  const cache = byVersion;
  return sortRuleSets(
    rows.rows.map((r) => {
      const hit = cache.get(r.version);
      if (hit) return hit;
      const set = parseRuleSet({ version: r.version, validFrom: r.valid_from, rules: typeof r.rules === 'string' ? JSON.parse(r.rules) : r.rules });
      cache.set(r.version, set);
      return set;
    }),
  );
}

/** The version in force at an instant (Viet Nam calendar day). */
export async function ruleSetInForce(db: Database, at: Date): Promise<RuleSet> {
  return ruleSetAt(await allRuleSets(db), at);
}
