import { createHash } from 'node:crypto';
import { canonicalJson, createRevocationBatch, defaultStalePolicy, fromBase64, fromHex, ruleSetAt, signTrustList, type RevocationBatch, type RevocationHashType, type Revocations, type StalePolicy } from '@sen/certs';
import { hasRoot, loadRoot, loadRootCertificate } from '@sen/certs/node';
import { sql } from '@sen/db';
import { AppError } from '@sen/domain';
import type { Deps } from '../../context';
import { allRuleSets } from './rule-set-store';
import { activeSigners } from './signing-keys';

/**
 * The signed trust list verifiers download: active document signers, revocation batches and the CertLogic rules,
 * signed by the root (certs-lib). Each published list is a row of trust_list_versions; a new version is published
 * when what it carries changes, or when the last one is older than RESIGN_AFTER_HOURS (verifiers warn after 48 hours
 * and refuse after a few days). Reads serve the stored body, so the root key is touched only to publish.
 */
export const RESIGN_AFTER_HOURS = 24;
/** EU batches hold at most 1000 hashes; more batches per kid and type beyond that. */
export const REVOCATION_BATCH_SIZE = 1000;
/**
 * Only UCI hashes are published: every Sen certificate has a unique UCI, and one type keeps the list a third of the
 * size (a million revocations = 16 MB of hashes, 21 MB as base64). The other EU types are stored for exchange.
 */
export const PUBLISHED_HASH_TYPES: readonly RevocationHashType[] = ['UCI'];
export const DCC_COUNTRY_CODE = 'VN';

export interface PublishedTrustList {
  version: number;
  etag: string;
  body: string;
  publishedAt: Date;
  revocationCount: number;
}

async function revocationBatches(deps: Pick<Deps, 'db'>): Promise<{ revocations: Revocations; count: number }> {
  const rows = await sql<{ kid: string; hash_type: RevocationHashType; hash: string; expires_at: Date }>`
    SELECT kid, hash_type, hash, expires_at FROM certificate_revocations
     WHERE hash_type = ANY(${sql.val([...PUBLISHED_HASH_TYPES])}::text[])
     ORDER BY kid, hash_type, revoked_at, id`.execute(deps.db);
  const groups = new Map<string, typeof rows.rows>();
  for (const r of rows.rows) {
    const key = `${r.kid}:${r.hash_type}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const batches: RevocationBatch[] = [];
  for (const [key, list] of groups) {
    const [kid, hashType] = key.split(':') as [string, RevocationHashType];
    for (let i = 0; i < list.length; i += REVOCATION_BATCH_SIZE) {
      const chunk = list.slice(i, i + REVOCATION_BATCH_SIZE);
      let expires = 0;
      for (const c of chunk) expires = Math.max(expires, new Date(c.expires_at).getTime());
      // Stable ids: a batch only grows until full, so (kid, type, ordinal) names the same batch across versions.
      batches.push(await createRevocationBatch({ batchId: `${kid}-${hashType}-${i / REVOCATION_BATCH_SIZE + 1}`, country: DCC_COUNTRY_CODE, kid: fromHex(kid), hashType, expires: new Date(expires), hashes: chunk.map((c) => fromBase64(c.hash)) }));
    }
  }
  return { revocations: { batches }, count: rows.rows.length };
}

async function latest(deps: Pick<Deps, 'db'>): Promise<(PublishedTrustList & { contentHash: string }) | undefined> {
  const row = await deps.db.selectFrom('trust_list_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (!row) return undefined;
  return { version: row.version, etag: row.etag, body: row.body, publishedAt: new Date(row.published_at), revocationCount: row.revocation_count, contentHash: row.content_hash };
}

/**
 * What the served list is built from, read in one cheap statement: the revocation counters a trigger keeps
 * (migration 0018), the number of rule set versions (never deleted, so the count names the set) and the signer set.
 */
async function sourceKey(deps: Pick<Deps, 'db' | 'config'>, signers: ReturnType<typeof activeSigners>): Promise<string> {
  const state = await sql<{ generation: string | null; rule_sets: number }>`
    SELECT (SELECT sum(generation)::text FROM certificate_revocation_stats WHERE hash_type = ANY(${sql.val([...PUBLISHED_HASH_TYPES])}::text[])) AS generation,
           (SELECT count(*)::int FROM certificate_rule_sets) AS rule_sets`.execute(deps.db);
  const s = state.rows[0]!;
  return [s.generation ?? '0', s.rule_sets, signers.map((x) => `${x.kidHex}/${x.usages.join('')}`).join(','), deps.config.SEN_TRUST_LIST_MAX_AGE_DAYS].join('|');
}

/** The list built last, per database: GETs and 304s reuse it while nothing it is built from has changed. */
const built = new WeakMap<object, { key: string; list: PublishedTrustList }>();

export const stalePolicyOf = (config: Deps['config']): StalePolicy => ({ warnAfterHours: defaultStalePolicy.warnAfterHours, refuseAfterDays: config.SEN_TRUST_LIST_MAX_AGE_DAYS });

/**
 * The list to serve: the latest published one, publishing a new version first when what it carries changed or it
 * is older than RESIGN_AFTER_HOURS. Revocations are read and batched again only when the counters moved.
 */
export async function currentTrustList(deps: Pick<Deps, 'db' | 'config'>, now = new Date()): Promise<PublishedTrustList> {
  const dir = deps.config.SEN_KEYS_DIR;
  const signers = activeSigners(dir);
  if (!hasRoot(dir) || signers.length === 0) throw new AppError('trust_list_unavailable', 'No document signer exists yet: run `sen keys init-root` and `sen keys create-signer`', {}, 503);
  const key = await sourceKey(deps, signers);
  const fresh = (l: PublishedTrustList) => now.getTime() - l.publishedAt.getTime() < RESIGN_AFTER_HOURS * 3600_000;
  const hit = built.get(deps.db);
  if (hit && hit.key === key && fresh(hit.list)) return hit.list;

  const { revocations, count } = await revocationBatches(deps);
  const ruleSets = await allRuleSets(deps.db);
  const stalePolicy = stalePolicyOf(deps.config);
  const signerEntries = signers.map((s) => ({ kidHex: s.kidHex, usages: s.usages, certificateDer: s.certificateDer }));
  const contentHash = createHash('sha256')
    .update(canonicalJson({ signers: signerEntries.map((s) => [s.kidHex, s.usages]), revocations, ruleSets, stalePolicy }))
    .digest('hex');
  const last = await latest(deps);
  let list: PublishedTrustList;
  if (last && last.contentHash === contentHash && fresh(last)) list = last;
  else {
    const version = (last?.version ?? 0) + 1;
    const signed = await signTrustList(
      { version, issuedAt: now, country: DCC_COUNTRY_CODE, signers: signerEntries.map((s) => ({ certificateDer: s.certificateDer, usages: s.usages })), revocations, ruleSets, stalePolicy },
      await loadRoot(dir),
    );
    // Two servers publishing at once: the second insert loses on the primary key and serves the winner.
    await deps.db
      .insertInto('trust_list_versions')
      .values({ version, content_hash: contentHash, signer_kids: signerEntries.map((s) => s.kidHex), revocation_count: count, rules_version: ruleSetAt(ruleSets, now).version, body: signed.json, etag: signed.etag, published_at: now })
      .onConflict((oc) => oc.column('version').doNothing())
      .execute();
    list = (await latest(deps))!;
  }
  built.set(deps.db, { key, list });
  return list;
}

export function rootCertificate(deps: Deps): Uint8Array {
  if (!hasRoot(deps.config.SEN_KEYS_DIR)) throw new AppError('trust_list_unavailable', 'No root certificate exists yet: run `sen keys init-root`', {}, 503);
  return loadRootCertificate(deps.config.SEN_KEYS_DIR);
}

const revocationParts = new WeakMap<PublishedTrustList, { version: number; issuedAt: string; revocations: Revocations }>();

/** The revocation part of the current list, on its own (smaller, for verifiers that refresh it more often). */
export function revocationsOf(list: PublishedTrustList): { version: number; issuedAt: string; revocations: Revocations } {
  let part = revocationParts.get(list);
  if (!part) {
    const parsed = JSON.parse(list.body) as { version: number; issuedAt: string; revocations: Revocations };
    part = { version: parsed.version, issuedAt: parsed.issuedAt, revocations: parsed.revocations };
    revocationParts.set(list, part);
  }
  return part;
}
