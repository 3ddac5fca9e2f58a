import { createHash } from 'node:crypto';
import { canonicalJson, createRevocationBatch, defaultRuleSet, fromBase64, fromHex, signTrustList, type RevocationBatch, type RevocationHashType, type Revocations, type RuleSet } from '@sen/certs';
import { hasRoot, loadRoot, loadRootCertificate } from '@sen/certs/node';
import { sql } from '@sen/db';
import { AppError } from '@sen/domain';
import type { Deps } from '../../context';
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

export function currentRuleSet(): RuleSet {
  return defaultRuleSet();
}

async function revocationBatches(deps: Deps): Promise<{ revocations: Revocations; count: number }> {
  const rows = await sql<{ kid: string; hash_type: RevocationHashType; hash: string; expires_at: Date }>`
    SELECT kid, hash_type, hash, expires_at FROM certificate_revocations
     WHERE hash_type = ANY(${sql.val([...PUBLISHED_HASH_TYPES])}::text[])
     ORDER BY kid, hash_type, revoked_at, id`.execute(deps.db);
  const groups = new Map<string, typeof rows.rows>();
  for (const r of rows.rows) {
    const key = `${r.kid}:${r.hash_type}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const batches: RevocationBatch[] = [];
  for (const [key, list] of groups) {
    for (let i = 0; i < list.length; i += REVOCATION_BATCH_SIZE) {
      const chunk = list.slice(i, i + REVOCATION_BATCH_SIZE);
      const [kid, hashType] = key.split(':') as [string, RevocationHashType];
      const expires = new Date(Math.max(...chunk.map((c) => new Date(c.expires_at).getTime())));
      // Stable ids: a batch only grows until full, so (kid, type, ordinal) names the same batch across versions.
      batches.push(await createRevocationBatch({ batchId: `${kid}-${hashType}-${i / REVOCATION_BATCH_SIZE + 1}`, country: DCC_COUNTRY_CODE, kid: fromHex(kid), hashType, expires, hashes: chunk.map((c) => fromBase64(c.hash)) }));
    }
  }
  return { revocations: { batches }, count: rows.rows.length };
}

async function latest(deps: Deps): Promise<(PublishedTrustList & { contentHash: string }) | undefined> {
  const row = await deps.db.selectFrom('trust_list_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (!row) return undefined;
  return { version: row.version, etag: row.etag, body: row.body, publishedAt: new Date(row.published_at), revocationCount: row.revocation_count, contentHash: row.content_hash };
}

/** The list to serve: the latest published one, publishing a new version first when its content is out of date. */
export async function currentTrustList(deps: Deps, now = new Date()): Promise<PublishedTrustList> {
  const dir = deps.config.SEN_KEYS_DIR;
  const signers = activeSigners(dir);
  if (!hasRoot(dir) || signers.length === 0) throw new AppError('trust_list_unavailable', 'No document signer exists yet: run `sen keys init-root` and `sen keys create-signer`', {}, 503);
  const { revocations, count } = await revocationBatches(deps);
  const rules = currentRuleSet();
  const signerEntries = signers.map((s) => ({ kidHex: s.kidHex, usages: s.usages, certificateDer: s.certificateDer }));
  const contentHash = createHash('sha256')
    .update(canonicalJson({ signers: signerEntries.map((s) => [s.kidHex, s.usages]), revocations, rules }))
    .digest('hex');
  const last = await latest(deps);
  if (last && last.contentHash === contentHash && now.getTime() - last.publishedAt.getTime() < RESIGN_AFTER_HOURS * 3600_000) return last;
  const version = (last?.version ?? 0) + 1;
  const signed = await signTrustList(
    { version, issuedAt: now, country: DCC_COUNTRY_CODE, signers: signerEntries.map((s) => ({ certificateDer: s.certificateDer, usages: s.usages })), revocations, rules },
    await loadRoot(dir),
  );
  // Two servers publishing at once: the second insert loses on the primary key and serves the winner.
  await deps.db
    .insertInto('trust_list_versions')
    .values({ version, content_hash: contentHash, signer_kids: signerEntries.map((s) => s.kidHex), revocation_count: count, rules_version: rules.version, body: signed.json, etag: signed.etag, published_at: now })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
  return (await latest(deps))!;
}

export function rootCertificate(deps: Deps): Uint8Array {
  if (!hasRoot(deps.config.SEN_KEYS_DIR)) throw new AppError('trust_list_unavailable', 'No root certificate exists yet: run `sen keys init-root`', {}, 503);
  return loadRootCertificate(deps.config.SEN_KEYS_DIR);
}

/** The revocation part of the current list, on its own (smaller, for verifiers that refresh it more often). */
export function revocationsOf(list: PublishedTrustList): { version: number; issuedAt: string; revocations: Revocations } {
  const parsed = JSON.parse(list.body) as { version: number; issuedAt: string; revocations: Revocations };
  return { version: parsed.version, issuedAt: parsed.issuedAt, revocations: parsed.revocations };
}
