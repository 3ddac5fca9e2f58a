// The signed trust list: trusted signers, revocation batches and the validity rules in one JSON document, signed
// by the CSCA (ES256 over the canonical JSON of everything but the signature). Browser-safe.
import { AppError } from '@sen/domain';
import { validateDscChain, type Usage } from './ca';
import { EC_PARAMS, buf, fromBase64, kidOf, parseCertificate, prepareTrust, toBase64, toHex, type TrustStore } from './keys';
import { buildRevocationIndex, type RevocationIndex, type Revocations } from './revocation';
import { ruleSetAt, sortRuleSets } from './rule-sets';
import { parseRuleSet, type RuleSet } from './rules';
import type { CryptoKey } from './webcrypto';

export interface TrustListSigner {
  /** base64 of the 8-byte kid. */
  kid: string;
  /** DSC, base64 DER. */
  certificate: string;
  usages: Usage[];
  country: string;
}

export interface TrustListBody {
  version: number;
  issuedAt: string;
  country: string;
  signers: TrustListSigner[];
  revocations: Revocations;
  /** Every rule set version, oldest first: a verifier evaluates the one in force at its clock. */
  ruleSets: RuleSet[];
  /** How old a verifier may let this list grow (the issuer's setting); absent = defaultStalePolicy. */
  stalePolicy?: StalePolicy;
}

export interface SignedTrustList extends TrustListBody {
  signature: { alg: 'ES256'; value: string };
}

export interface StalePolicy {
  /** Warn when the list is older than this (hours). */
  warnAfterHours: number;
  /** Refuse to use a list older than this (days). */
  refuseAfterDays: number;
}
export const defaultStalePolicy: StalePolicy = { warnAfterHours: 48, refuseAfterDays: 7 };

/** A stale policy as a list or an operator gives it: positive whole hours and days, the refusal after the warning. */
export function checkStalePolicy(p: StalePolicy): StalePolicy {
  const ok = Number.isSafeInteger(p.warnAfterHours) && Number.isSafeInteger(p.refuseAfterDays) && p.warnAfterHours >= 1 && p.refuseAfterDays >= 1 && p.refuseAfterDays * 24 >= p.warnAfterHours && p.refuseAfterDays <= 3650;
  if (!ok) throw new AppError('stale_policy_invalid', 'Stale policy: warnAfterHours and refuseAfterDays are whole numbers, at least 1, and the refusal comes after the warning');
  return p;
}
export const MAX_TRUST_LIST_BYTES = 64 * 1024 * 1024;

/** Canonical JSON: object keys sorted by code unit, no whitespace; only finite numbers. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AppError('canonical_json', 'Numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new AppError('canonical_json', `Cannot encode ${typeof value}`);
}

const enc = new TextEncoder();
const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** The bytes the root signs. */
export const trustListSignedBytes = (body: TrustListBody) => enc.encode(canonicalJson(body));

/** ETag: quoted hex of SHA-256 over the signed bytes. */
export async function trustListEtag(body: TrustListBody): Promise<string> {
  return `"${toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', buf(trustListSignedBytes(body)))))}"`;
}

/**
 * Builds and signs a trust list. Every signer is checked against the root first (signature, validity at
 * issuedAt, CA flag); a signer that fails is refused, not silently dropped.
 */
export async function signTrustList(
  input: { version: number; issuedAt: Date; country: string; signers: { certificateDer: Uint8Array; usages?: Usage[] }[]; revocations?: Revocations; ruleSets: RuleSet[]; stalePolicy?: StalePolicy },
  root: { privateKey: CryptoKey; certificateDer: Uint8Array },
): Promise<{ json: string; etag: string; body: TrustListBody }> {
  const signers: TrustListSigner[] = [];
  for (const s of input.signers) {
    const chain = await validateDscChain(s.certificateDer, root.certificateDer, input.issuedAt);
    const country = /C=([A-Z]{2})/.exec(parseCertificate(s.certificateDer).subject)?.[1] ?? input.country;
    signers.push({ kid: toBase64(await kidOf(s.certificateDer)), certificate: toBase64(s.certificateDer), usages: s.usages ?? chain.usages ?? ['v', 't', 'r'], country });
  }
  const body: TrustListBody = {
    version: input.version, issuedAt: input.issuedAt.toISOString(), country: input.country, signers,
    revocations: input.revocations ?? { batches: [] }, ruleSets: sortRuleSets(input.ruleSets.map(parseRuleSet)),
    ...(input.stalePolicy ? { stalePolicy: checkStalePolicy(input.stalePolicy) } : {}),
  };
  if (body.ruleSets.length === 0) throw new AppError('rules_missing', 'A trust list carries at least one rule set');
  const sig = new Uint8Array(await crypto.subtle.sign(ES256, root.privateKey, buf(trustListSignedBytes(body))));
  const signed: SignedTrustList = { ...body, signature: { alg: 'ES256', value: toBase64(sig) } };
  return { json: `${JSON.stringify(signed, null, 1)}\n`, etag: await trustListEtag(body), body };
}

export interface VerifiedTrustList {
  body: TrustListBody;
  etag: string;
  trust: TrustStore;
  revocations: RevocationIndex;
  ruleSets: RuleSet[];
  /** The set in force at `now` (for another clock: ruleSetAt(ruleSets, clock)). */
  rules: RuleSet;
  /** The policy applied: the operator's, else the list's, else the default. */
  stalePolicy: StalePolicy;
  ageHours: number;
  warnings: string[];
}

export interface VerifyTrustListOptions {
  /** Version the verifier holds: an older list is refused (rollback). */
  heldVersion?: number;
  now?: Date;
  stale?: Partial<StalePolicy>;
}

const fail = (code: string, message: string) => new AppError(code, message);

/** Parses and checks a trust list against the root certificate; throws AppError (trust_list_*) on any failure. */
export async function verifyTrustList(bytes: Uint8Array | string, rootCertificateDer: Uint8Array, opts: VerifyTrustListOptions = {}): Promise<VerifiedTrustList> {
  const now = opts.now ?? new Date();
  const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  if (text.length > MAX_TRUST_LIST_BYTES) throw fail('trust_list_too_large', 'Trust list is too large');
  let parsed: SignedTrustList;
  try {
    parsed = JSON.parse(text) as SignedTrustList;
  } catch (e) {
    throw fail('trust_list_invalid', `Trust list is not JSON: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || !parsed.signature || parsed.signature.alg !== 'ES256' || typeof parsed.signature.value !== 'string') {
    throw fail('trust_list_invalid', 'Trust list has no ES256 signature');
  }
  const { signature, ...body } = parsed;
  if (!Number.isSafeInteger(body.version) || typeof body.issuedAt !== 'string' || Number.isNaN(Date.parse(body.issuedAt)) || !Array.isArray(body.signers)) {
    throw fail('trust_list_invalid', 'Trust list needs version, issuedAt and signers');
  }
  const root = parseCertificate(rootCertificateDer);
  const rootKey = await crypto.subtle.importKey('spki', buf(new Uint8Array(root.publicKey.rawData)), EC_PARAMS, false, ['verify']);
  const sigOk = await Promise.resolve()
    .then(() => crypto.subtle.verify(ES256, rootKey, buf(fromBase64(signature.value)), buf(trustListSignedBytes(body))))
    .catch(() => false);
  if (!sigOk) throw fail('trust_list_signature', 'Trust list signature does not verify with the root certificate');
  if (opts.heldVersion !== undefined && body.version < opts.heldVersion) {
    throw fail('trust_list_rollback', `Trust list version ${body.version} is older than the version held (${opts.heldVersion})`);
  }
  // The list's own policy counts only once its signature holds; an operator's option overrides it.
  const listPolicy = body.stalePolicy ? checkStalePolicy({ ...defaultStalePolicy, ...body.stalePolicy }) : defaultStalePolicy;
  const given = Object.fromEntries(Object.entries(opts.stale ?? {}).filter(([, v]) => v !== undefined)) as Partial<StalePolicy>;
  const policy = checkStalePolicy({ ...listPolicy, ...given });
  const ageHours = (now.getTime() - Date.parse(body.issuedAt)) / 3600_000;
  if (ageHours > policy.refuseAfterDays * 24) throw fail('trust_list_expired', `Trust list is ${Math.floor(ageHours / 24)} days old (limit ${policy.refuseAfterDays}): update it`);
  const warnings: string[] = [];
  if (ageHours > policy.warnAfterHours) warnings.push(`trust list is ${Math.floor(ageHours)} hours old`);
  // Lists signed before rule sets were versioned carried one set as `rules`.
  const legacy = (body as { rules?: unknown }).rules;
  const ruleSets = sortRuleSets((Array.isArray(body.ruleSets) ? body.ruleSets : legacy ? [legacy] : []).map(parseRuleSet));
  if (ruleSets.length === 0) throw fail('trust_list_invalid', 'Trust list carries no rule set');
  const certs: Uint8Array[] = [];
  for (const s of body.signers) {
    const der = fromBase64(s.certificate);
    if (toBase64(await kidOf(der)) !== s.kid) throw fail('trust_list_invalid', `Signer ${s.kid}: kid does not match its certificate`);
    // Signed by the root already; this also catches a list built against another root.
    await validateDscChain(der, rootCertificateDer, new Date(body.issuedAt)).catch((e: AppError) => {
      throw fail('trust_list_invalid', `Signer ${s.kid}: ${e.message}`);
    });
    certs.push(der);
  }
  return {
    body, etag: await trustListEtag(body), trust: await prepareTrust(certs.map((certificate) => ({ certificate }))),
    revocations: buildRevocationIndex(body.revocations, now), ruleSets, rules: ruleSetAt(ruleSets, now), stalePolicy: policy, ageHours, warnings,
  };
}

/** Cheap sniff: is this text a trust list (rather than a PEM/base64 certificate)? */
export const looksLikeTrustList = (text: string) => text.trimStart().startsWith('{');
