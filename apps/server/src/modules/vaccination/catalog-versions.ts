import { z } from 'zod';
import { sql } from '@sen/db';
import { AppError, badRequest, forbidden, vnToday, type CatalogVersion } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { COUNTRY_PATH, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { allCatalogVersions, catalogBody, catalogByVersion } from './catalog-store';

/**
 * Editing the vaccine catalog: a national administrator writes a new version = the latest version with changes,
 * in force from a date. Versions are never edited (doses keep the version that judged them), so a correction is
 * itself a new version.
 */
const Code = z.string().regex(/^[a-z0-9_]{1,40}$/, 'lower-case letters, digits and _ (1 to 40)');
const Days = z.number().int().min(0).max(3650);
const Age = z.number().int().min(0).max(130);
const DccText = z.string().min(1).max(60).regex(/^[\w./-]+$/, 'letters, digits and . / - _ only');
const Name = z.string().trim().min(1).max(200);

export const VaccineDefinitionSchema = z.strictObject({
  code: Code,
  nameVi: Name,
  nameEn: Name,
  platform: z.enum(['viral_vector', 'mrna', 'inactivated', 'protein_subunit']),
  dcc: z.strictObject({ mp: DccText, ma: DccText, vp: DccText }),
  seriesDoses: z.number().int().min(1).max(5),
  minIntervalDays: Days,
  recommendedIntervalDays: Days,
  recommendedIntervalMaxDays: Days,
  minAgeYears: Age,
  maxAgeYears: Age.nullable(),
  defaultDosesPerVial: z.number().int().min(1).max(50),
  components: z.array(z.string().regex(/^[A-Za-z0-9]{1,10}$/)).min(1).max(5).nullable(),
});

export const BoosterRuleSchema = z.strictObject({
  minIntervalDays: Days,
  recommendedIntervalDays: Days,
  products: z.array(Code).min(1).max(20),
  minAgeYears: Age,
  maxBoosters: z.number().int().min(1).max(10),
});

const MixedScheduleSchema = z.strictObject({ first: Code, then: z.array(Code).min(1).max(20) });

/** Changes to one vaccine of the previous version: any field but its code. */
const VaccineChangeSchema = VaccineDefinitionSchema.partial().extend({ code: Code });

export const CatalogVersionIn = z
  .strictObject({
    validFrom: z.iso.date().describe('First day (Viet Nam calendar) the version applies: today or later, and after the latest version'),
    source: z.string().trim().min(1).max(500).describe('The decision or guidance this version follows'),
    vaccineChanges: z.array(VaccineChangeSchema).max(50).optional().describe('Field changes to vaccines of the previous version, by code'),
    addVaccines: z.array(VaccineDefinitionSchema).max(20).optional().describe('Vaccines new to the catalog'),
    mixedSchedules: z.array(MixedScheduleSchema).max(50).optional().describe('Replaces the allowed mixed schedules'),
    booster: BoosterRuleSchema.nullable().optional().describe('Replaces the booster rule (null: no boosters)'),
  })
  .meta({ id: 'CatalogVersionCreate' });
export type CatalogVersionInput = z.infer<typeof CatalogVersionIn>;

function invalid(field: string, message: string): AppError {
  return badRequest('invalid_catalog', `${field}: ${message}`, { field, errors: [{ field, message }] });
}

/** Rules between fields that a schema of single fields cannot say. Throws a 400 naming the first problem. */
export function checkCatalog(c: Omit<CatalogVersion, 'version' | 'validFrom' | 'source'>): void {
  const codes = new Set<string>();
  c.vaccines.forEach((v, i) => {
    const at = `vaccines.${i}`;
    if (codes.has(v.code)) throw invalid(`${at}.code`, `the code ${v.code} is listed twice`);
    codes.add(v.code);
    if (v.seriesDoses === 1 && (v.minIntervalDays !== 0 || v.recommendedIntervalDays !== 0 || v.recommendedIntervalMaxDays !== 0)) {
      throw invalid(`${at}.minIntervalDays`, 'a single-dose vaccine has no interval between primary doses (0)');
    }
    if (v.seriesDoses > 1 && v.minIntervalDays < 1) throw invalid(`${at}.minIntervalDays`, 'doses of a series need at least one day between them');
    if (v.recommendedIntervalDays < v.minIntervalDays) throw invalid(`${at}.recommendedIntervalDays`, 'the recommended interval cannot be shorter than the minimum');
    if (v.recommendedIntervalMaxDays < v.recommendedIntervalDays) throw invalid(`${at}.recommendedIntervalMaxDays`, 'the end of the recommended window cannot be before its start');
    if (v.maxAgeYears !== null && v.maxAgeYears < v.minAgeYears) throw invalid(`${at}.maxAgeYears`, 'the maximum age is below the minimum age');
    if (v.components && v.components.length !== v.seriesDoses) throw invalid(`${at}.components`, 'give one component per primary dose');
  });
  const dccProducts = new Map<string, string>();
  for (const v of c.vaccines) {
    const other = dccProducts.get(v.dcc.mp);
    if (other) throw invalid('vaccines', `${v.code} and ${other} have the same EU product code ${v.dcc.mp}`);
    dccProducts.set(v.dcc.mp, v.code);
  }
  c.mixedSchedules.forEach((m, i) => {
    if (!codes.has(m.first)) throw invalid(`mixedSchedules.${i}.first`, `${m.first} is not a vaccine of the catalog`);
    m.then.forEach((n, j) => {
      if (!codes.has(n)) throw invalid(`mixedSchedules.${i}.then.${j}`, `${n} is not a vaccine of the catalog`);
    });
  });
  if (c.booster) {
    if (c.booster.recommendedIntervalDays < c.booster.minIntervalDays) throw invalid('booster.recommendedIntervalDays', 'the recommended interval cannot be shorter than the minimum');
    c.booster.products.forEach((p, i) => {
      if (!codes.has(p)) throw invalid(`booster.products.${i}`, `${p} is not a vaccine of the catalog`);
    });
  }
}

export function versionView(v: CatalogVersion) {
  return {
    version: v.version, validFrom: v.validFrom, source: v.source,
    vaccines: v.vaccines.map((x) => ({ ...x, dcc: { ...x.dcc }, components: x.components ? [...x.components] : null })),
    mixedSchedules: v.mixedSchedules.map((m) => ({ first: m.first, then: [...m.then] })),
    booster: v.booster ? { ...v.booster, products: [...v.booster.products] } : null,
  };
}

/** Only a grant of vaccination:write at the country root may change national rules. */
function assertNational(ctx: RequestContext): void {
  scopePaths(ctx, 'vaccination:write');
  if (!ctx.actor?.grants.get('vaccination:write')?.includes(COUNTRY_PATH)) {
    throw forbidden('Only a national administrator can change the vaccine catalog', { scope: 'vaccination:write', level: 'national' });
  }
}

export async function listCatalogVersions(deps: Deps) {
  return { items: (await allCatalogVersions(deps.db)).map(versionView) };
}

export async function getCatalogVersion(deps: Deps, version: number) {
  const v = await catalogByVersion(deps.db, version);
  if (!v) throw new AppError('not_found', 'Catalog version not found', {}, 404);
  return versionView(v);
}

export async function createCatalogVersion(deps: Deps, ctx: RequestContext, input: CatalogVersionInput) {
  assertNational(ctx);
  // Doses already given were judged by the version then in force: a new version never reaches back over them.
  const today = vnToday();
  if (input.validFrom < today) throw invalid('validFrom', `a new version cannot start before today (${today}, Viet Nam time)`);
  return deps.db.transaction().execute(async (trx) => {
    // One writer at a time: the next number and the "after the latest" rule read the table.
    await sql`LOCK TABLE vaccine_catalog_versions IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    const versions = await allCatalogVersions(trx);
    const latest = versions.at(-1);
    if (!latest) throw new AppError('catalog_missing', 'The catalog has no version to start from', {}, 409);
    if (input.validFrom <= latest.validFrom) {
      throw invalid('validFrom', `a new version must start after the latest one (version ${latest.version}, from ${latest.validFrom})`);
    }
    const vaccines = latest.vaccines.map((v) => ({ ...v }));
    (input.vaccineChanges ?? []).forEach((change, i) => {
      const index = vaccines.findIndex((v) => v.code === change.code);
      if (index < 0) throw invalid(`vaccineChanges.${i}.code`, `${change.code} is not in version ${latest.version}; use addVaccines`);
      vaccines[index] = { ...vaccines[index]!, ...change };
    });
    vaccines.push(...(input.addVaccines ?? []));
    const body = {
      vaccines,
      mixedSchedules: input.mixedSchedules ?? latest.mixedSchedules,
      booster: input.booster === undefined ? latest.booster : input.booster,
    };
    // The merged body is checked whole: a change may break a rule with a field it did not touch.
    const parsed = z.array(VaccineDefinitionSchema).safeParse(body.vaccines);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalid(['vaccines', ...issue.path].join('.'), issue.message);
    }
    checkCatalog(body);
    const version = Math.max(...versions.map((v) => v.version)) + 1;
    await trx
      .insertInto('vaccine_catalog_versions')
      .values({ version: String(version), valid_from: input.validFrom, source: input.source, body: JSON.stringify(catalogBody({ version, validFrom: input.validFrom, source: input.source, ...body })), created_by: ctx.actor?.userId ?? null })
      .execute();
    await recordAudit(trx, ctx, {
      action: 'catalog.version.create', entityType: 'vaccine_catalog_version', entityId: String(version), areaPath: COUNTRY_PATH,
      details: { basedOn: latest.version, validFrom: input.validFrom, changed: (input.vaccineChanges ?? []).map((c) => c.code), added: (input.addVaccines ?? []).map((v) => v.code), mixedSchedules: input.mixedSchedules !== undefined, booster: input.booster !== undefined },
    });
    return versionView({ version, validFrom: input.validFrom, source: input.source, ...body });
  });
}
