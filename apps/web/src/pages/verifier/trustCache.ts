import { certificatesFromText, verifyHcert, verifyTrustList, type VerifiedTrustList, type VerifyResult } from '@sen/certs';

/**
 * What the offline verifier keeps on the phone: the root certificate (pinned the first time it is fetched; a
 * different root later is refused), the last signed trust list (signers, revocations, rules) as received, and when
 * it was fetched. Everything is checked again from these bytes on every start, so a tampered cache fails like a
 * forged list would.
 */
const ROOT_KEY = 'sen.verifier.root';
const LIST_KEY = 'sen.verifier.trustList';
const FETCHED_KEY = 'sen.verifier.fetchedAt';

export interface TrustState {
  list: VerifiedTrustList;
  fetchedAt: string | null;
}

const get = (k: string) => {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
};
const set = (k: string, v: string) => {
  try {
    localStorage.setItem(k, v);
  } catch {
    // storage full: the list stays in memory for this visit
  }
};

function rootDer(pem: string): Uint8Array {
  const der = certificatesFromText(pem)[0];
  if (!der) throw new Error('no root certificate');
  return der;
}

/** The cached trust list, verified against the pinned root now (throws trust_list_expired when too old). */
export async function loadCachedTrust(now = new Date()): Promise<TrustState | null> {
  const root = get(ROOT_KEY);
  const list = get(LIST_KEY);
  if (!root || !list) return null;
  return { list: await verifyTrustList(list, rootDer(root), { now }), fetchedAt: get(FETCHED_KEY) };
}

/**
 * Fetches the root and the trust list, verifies them, and keeps them when the list is at least as new as the one
 * held (an older one is a rollback and refused). Throws when offline or when the list does not verify.
 */
export async function refreshTrust(now = new Date()): Promise<TrustState> {
  const held = get(LIST_KEY);
  let heldVersion: number | undefined;
  try {
    heldVersion = held ? (JSON.parse(held) as { version?: number }).version : undefined;
  } catch {
    heldVersion = undefined;
  }
  const pinned = get(ROOT_KEY);
  const [rootRes, listRes] = await Promise.all([fetch('/api/trust/root', { cache: 'no-store' }), fetch('/api/trust/list', { cache: 'no-store' })]);
  if (!rootRes.ok || !listRes.ok) throw new Error(`trust list: HTTP ${rootRes.ok ? listRes.status : rootRes.status}`);
  const rootPem = await rootRes.text();
  if (pinned && pinned.trim() !== rootPem.trim()) throw new Error('root_changed');
  const text = await listRes.text();
  const verified = await verifyTrustList(text, rootDer(rootPem), { now, ...(heldVersion !== undefined ? { heldVersion } : {}) });
  set(ROOT_KEY, rootPem);
  set(LIST_KEY, text);
  const fetchedAt = now.toISOString();
  set(FETCHED_KEY, fetchedAt);
  return { list: verified, fetchedAt };
}

export interface Verification {
  result: VerifyResult;
  holder: { name: string; dob: string } | null;
  /** base64 of the first 16 bytes of SHA-256 over the UVCI: what a checkpoint logs instead of the person. */
  certificateHash: string | null;
}

/** Verifies an HC1 text fully offline: signature, key usage, expiry, revocation, schema and the checkpoint rules. */
export async function verifyOffline(text: string, trust: VerifiedTrustList, clock = new Date()): Promise<Verification> {
  const result = await verifyHcert(text.trim(), { trust: trust.trust, revocations: trust.revocations, ruleSet: trust.rules, clock });
  const p = result.payload;
  const holder = p ? { name: [p.nam.fn ?? p.nam.fnt, p.nam.gn ?? p.nam.gnt].filter(Boolean).join(' '), dob: p.dob } : null;
  const ci = p?.v?.[0]?.ci ?? p?.t?.[0]?.ci ?? p?.r?.[0]?.ci;
  let certificateHash: string | null = null;
  if (ci) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(ci))).slice(0, 16);
    certificateHash = btoa(String.fromCharCode(...digest));
  }
  return { result, holder, certificateHash };
}
