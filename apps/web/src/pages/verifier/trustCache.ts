import { createStore, get, getMany, setMany, type UseStore } from 'idb-keyval';
import { certificatesFromText, ruleSetAt, verifyHcert, verifyTrustList, type VerifiedTrustList, type VerifyResult } from '@sen/certs';

/**
 * What the offline verifier keeps on the phone, in IndexedDB: the root certificate (pinned the first time it is
 * fetched; a different root later is refused), the last signed trust list as received and when it was fetched.
 * Revocations are kept as binary (16 bytes a hash: a million take 16 MB, where base64 text in localStorage needed
 * 21 MB and hit its quota); the rest of the list is kept as its JSON text. Everything is checked again from these
 * bytes on every start, so a tampered cache fails like a forged list would.
 */
let opened: UseStore | undefined;
/** Opened on first use (the module also loads where there is no IndexedDB, such as unit tests). */
const store = (): UseStore => (opened ??= createStore('sen-verifier', 'trust'));
const ROOT = 'root';
const LIST = 'list';
const FETCHED = 'fetchedAt';
/** The cache of earlier versions, in localStorage: its pinned root is carried over, the list itself dropped. */
const LEGACY = { root: 'sen.verifier.root', list: 'sen.verifier.trustList', fetched: 'sen.verifier.fetchedAt' };

export interface TrustState {
  list: VerifiedTrustList;
  fetchedAt: string | null;
  /** Set when the fresh list could not be kept for offline use: it works for this visit only. */
  saveError: string | null;
}

/** The list with each batch's base64 hashes taken out as bytes. */
interface StoredList {
  skeleton: string;
  hashes: Uint8Array[];
}

interface ListJson {
  version?: number;
  revocations?: { batches?: { hashes: string }[] };
}

const b64ToBytes = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
function bytesToB64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(out);
}

export function packList(text: string): StoredList {
  const json = JSON.parse(text) as ListJson;
  const batches = json.revocations?.batches ?? [];
  const hashes = batches.map((b) => (b.hashes ? b64ToBytes(b.hashes) : new Uint8Array()));
  batches.forEach((b) => (b.hashes = ''));
  return { skeleton: JSON.stringify(json), hashes };
}

/** Back to the JSON the root signed (the signature covers canonical JSON, so key order and spacing do not matter). */
export function unpackList(stored: StoredList): string {
  const json = JSON.parse(stored.skeleton) as ListJson;
  (json.revocations?.batches ?? []).forEach((b, i) => (b.hashes = bytesToB64(stored.hashes[i] ?? new Uint8Array())));
  return JSON.stringify(json);
}

function legacyRoot(): string | null {
  try {
    return localStorage.getItem(LEGACY.root);
  } catch {
    return null;
  }
}

function rootDer(pem: string): Uint8Array {
  const der = certificatesFromText(pem)[0];
  if (!der) throw new Error('no root certificate');
  return der;
}

async function pinnedRoot(): Promise<string | null> {
  return (await get<string>(ROOT, store()).catch(() => undefined)) ?? legacyRoot();
}

export async function hasCachedTrust(): Promise<boolean> {
  return (await get(LIST, store()).catch(() => undefined)) !== undefined;
}

/** The cached trust list, verified against the pinned root now (throws trust_list_expired when too old). */
export async function loadCachedTrust(now = new Date()): Promise<TrustState | null> {
  const [root, list, fetchedAt] = await getMany<unknown>([ROOT, LIST, FETCHED], store());
  if (typeof root !== 'string' || !list) return null;
  return { list: await verifyTrustList(unpackList(list as StoredList), rootDer(root), { now }), fetchedAt: typeof fetchedAt === 'string' ? fetchedAt : null, saveError: null };
}

/**
 * Fetches the root and the trust list, verifies them, and keeps them when the list is at least as new as the one
 * held (an older one is a rollback and refused). Throws when offline or when the list does not verify. A list that
 * verifies but cannot be stored is returned with saveError, and the cache (and its fetch time) stay as they were.
 */
export async function refreshTrust(now = new Date()): Promise<TrustState> {
  const held = (await get<StoredList>(LIST, store()).catch(() => undefined)) ?? null;
  const heldVersion = held ? (JSON.parse(held.skeleton) as ListJson).version : undefined;
  const pinned = await pinnedRoot();
  const [rootRes, listRes] = await Promise.all([fetch('/api/trust/root', { cache: 'no-store' }), fetch('/api/trust/list', { cache: 'no-store' })]);
  if (!rootRes.ok || !listRes.ok) throw new Error(`trust list: HTTP ${rootRes.ok ? listRes.status : rootRes.status}`);
  const rootPem = await rootRes.text();
  if (pinned && pinned.trim() !== rootPem.trim()) throw new Error('root_changed');
  const text = await listRes.text();
  const verified = await verifyTrustList(text, rootDer(rootPem), { now, ...(heldVersion !== undefined ? { heldVersion } : {}) });
  const fetchedAt = now.toISOString();
  try {
    // One transaction: the list and its fetch time are written together or not at all.
    await setMany([[ROOT, rootPem], [LIST, packList(text)], [FETCHED, fetchedAt]], store());
  } catch (e) {
    return { list: verified, fetchedAt: null, saveError: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  try {
    for (const k of Object.values(LEGACY)) if (k !== LEGACY.root) localStorage.removeItem(k);
  } catch {
    // nothing to free
  }
  return { list: verified, fetchedAt, saveError: null };
}

export interface Verification {
  result: VerifyResult;
  holder: { name: string; dob: string } | null;
  /** base64 of the first 16 bytes of SHA-256 over the UVCI: what a checkpoint logs instead of the person. */
  certificateHash: string | null;
}

/**
 * Verifies an HC1 text fully offline: signature, key usage, expiry, revocation, schema and the checkpoint rules of
 * the rule set in force at the clock (the list carries scheduled versions too).
 */
export async function verifyOffline(text: string, trust: VerifiedTrustList, clock = new Date()): Promise<Verification> {
  const result = await verifyHcert(text.trim(), { trust: trust.trust, revocations: trust.revocations, ruleSet: ruleSetAt(trust.ruleSets, clock), clock });
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
