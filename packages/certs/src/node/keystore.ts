// NODE-ONLY: the keys directory (CSCA root and document signers as PEM files). Exported from '@sen/certs/node'.
//
// Layout:  <dir>/csca/key.pem (0600) + cert.pem
//          <dir>/signers/<kid hex>/key.pem (0600) + cert.pem + meta.json
//          <dir>/state.json   { currentSigner: kid hex | null, trustListVersion: n }
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '@sen/domain';
import { createCsca, createDsc, type Usage } from '../ca';
import { fromBase64, parseCertificate, toBase64, toHex } from '../keys';
import type { Revocations } from '../revocation';
import { defaultRuleSet, type RuleSet } from '../rules';
import { importPkcs8Es256, pemDecode, pemEncode } from '../signer';
import { signTrustList, type StalePolicy } from '../trustlist';
import type { CryptoKey } from '../webcrypto';

export const defaultKeysDir = () => process.env.SEN_KEYS_DIR ?? path.resolve('data/keys');

export interface SignerMeta {
  kid: string; // base64, as in the trust list
  kidHex: string;
  usages: Usage[];
  country: string;
  createdAt: string;
  notAfter: string;
  retiredAt: string | null;
}
export interface SignerInfo extends SignerMeta {
  current: boolean;
  certificateDer: Uint8Array;
}
interface State {
  currentSigner: string | null;
  trustListVersion: number;
}

const writeAtomic = (file: string, data: string, mode = 0o644) => {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
};
const writePrivateKey = async (file: string, key: CryptoKey) =>
  writeAtomic(file, pemEncode('PRIVATE KEY', new Uint8Array(await crypto.subtle.exportKey('pkcs8', key))), 0o600);

const rootDir = (dir: string) => path.join(dir, 'csca');
const signersDir = (dir: string) => path.join(dir, 'signers');
const statePath = (dir: string) => path.join(dir, 'state.json');

export function readState(dir: string): State {
  if (!existsSync(statePath(dir))) return { currentSigner: null, trustListVersion: 0 };
  return JSON.parse(readFileSync(statePath(dir), 'utf8')) as State;
}
export const writeState = (dir: string, s: State) => writeAtomic(statePath(dir), `${JSON.stringify(s, null, 2)}\n`);

export const hasRoot = (dir: string) => existsSync(path.join(rootDir(dir), 'cert.pem'));

export async function initRoot(dir: string, opts: { country?: string; commonName?: string; force?: boolean } = {}): Promise<{ certificateDer: Uint8Array }> {
  if (hasRoot(dir) && !opts.force) throw new AppError('root_exists', `A root already exists in ${dir}`);
  mkdirSync(rootDir(dir), { recursive: true, mode: 0o700 });
  const { keys, der } = await createCsca({ country: opts.country ?? 'VN', commonName: opts.commonName ?? 'Sen CSCA Viet Nam' });
  await writePrivateKey(path.join(rootDir(dir), 'key.pem'), keys.privateKey);
  writeAtomic(path.join(rootDir(dir), 'cert.pem'), pemEncode('CERTIFICATE', der));
  if (!existsSync(statePath(dir))) writeState(dir, { currentSigner: null, trustListVersion: 0 });
  return { certificateDer: der };
}

export async function loadRoot(dir: string): Promise<{ privateKey: CryptoKey; certificateDer: Uint8Array }> {
  if (!hasRoot(dir)) throw new AppError('root_missing', `No root in ${dir}: run \`sen keys init-root\``);
  const certificateDer = pemDecode('CERTIFICATE', readFileSync(path.join(rootDir(dir), 'cert.pem'), 'utf8'));
  const privateKey = await importPkcs8Es256(pemDecode('PRIVATE KEY', readFileSync(path.join(rootDir(dir), 'key.pem'), 'utf8')));
  return { privateKey, certificateDer };
}

export const loadRootCertificate = (dir: string): Uint8Array => {
  if (!hasRoot(dir)) throw new AppError('root_missing', `No root in ${dir}: run \`sen keys init-root\``);
  return pemDecode('CERTIFICATE', readFileSync(path.join(rootDir(dir), 'cert.pem'), 'utf8'));
};

/** Creates a DSC signed by the root; it becomes the current signer unless makeCurrent is false. */
export async function createSigner(dir: string, opts: { usages?: Usage[]; country?: string; makeCurrent?: boolean; validDays?: number } = {}): Promise<SignerInfo> {
  const root = await loadRoot(dir);
  const rootCert = parseCertificate(root.certificateDer);
  const country = opts.country ?? /C=([A-Z]{2})/.exec(rootCert.subject)?.[1] ?? 'VN';
  const usages = [...new Set(opts.usages ?? (['v', 't', 'r'] as Usage[]))];
  const notBefore = new Date();
  const wanted = new Date(notBefore.getTime() + (opts.validDays ?? 730) * 86400_000);
  const notAfter = wanted > rootCert.notAfter ? rootCert.notAfter : wanted;
  const dsc = await createDsc({ csca: { privateKey: root.privateKey, der: root.certificateDer }, usages, country, notBefore, notAfter });
  const kidHex = toHex(dsc.kid);
  const d = path.join(signersDir(dir), kidHex);
  mkdirSync(d, { recursive: true, mode: 0o700 });
  await writePrivateKey(path.join(d, 'key.pem'), dsc.keys.privateKey);
  writeAtomic(path.join(d, 'cert.pem'), pemEncode('CERTIFICATE', dsc.der));
  const meta: SignerMeta = { kid: toBase64(dsc.kid), kidHex, usages, country, createdAt: notBefore.toISOString(), notAfter: notAfter.toISOString(), retiredAt: null };
  writeAtomic(path.join(d, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  const state = readState(dir);
  if (opts.makeCurrent !== false) writeState(dir, { ...state, currentSigner: kidHex });
  return { ...meta, current: opts.makeCurrent !== false || state.currentSigner === kidHex, certificateDer: dsc.der };
}

export function listSigners(dir: string): SignerInfo[] {
  if (!existsSync(signersDir(dir))) return [];
  const current = readState(dir).currentSigner;
  return readdirSync(signersDir(dir))
    .filter((n) => /^[0-9a-f]{16}$/.test(n) && existsSync(path.join(signersDir(dir), n, 'meta.json')))
    .map((n) => {
      const meta = JSON.parse(readFileSync(path.join(signersDir(dir), n, 'meta.json'), 'utf8')) as SignerMeta;
      const certificateDer = pemDecode('CERTIFICATE', readFileSync(path.join(signersDir(dir), n, 'cert.pem'), 'utf8'));
      return { ...meta, current: n === current, certificateDer };
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.kidHex.localeCompare(b.kidHex));
}

/** Accepts a kid as hex (16 digits) or base64 (as the trust list prints it). */
export function resolveKid(dir: string, kid: string): SignerInfo {
  const hex = /^[0-9a-fA-F]{16}$/.test(kid) ? kid.toLowerCase() : (() => {
    try {
      const b = fromBase64(kid);
      return b.length === 8 ? toHex(b) : '';
    } catch {
      return '';
    }
  })();
  const found = listSigners(dir).find((s) => s.kidHex === hex);
  if (!found) throw new AppError('signer_not_found', `No signer with kid ${kid} in ${dir}`);
  return found;
}

/** New current signer with the same usages as the current one; the old one stays in the trust list. */
export async function rotateSigner(dir: string): Promise<{ previous: SignerInfo | null; current: SignerInfo }> {
  const previous = listSigners(dir).find((s) => s.current) ?? null;
  const current = await createSigner(dir, { usages: previous?.usages, country: previous?.country });
  return { previous, current };
}

/** Marks a signer retired: it leaves the next trust list. The current signer must be rotated away first. */
export function retireSigner(dir: string, kid: string, at = new Date()): SignerInfo {
  const s = resolveKid(dir, kid);
  if (s.current) throw new AppError('signer_current', 'This is the current signer: run `sen keys rotate` first');
  if (s.retiredAt) return s;
  const meta: SignerMeta = { kid: s.kid, kidHex: s.kidHex, usages: s.usages, country: s.country, createdAt: s.createdAt, notAfter: s.notAfter, retiredAt: at.toISOString() };
  writeAtomic(path.join(signersDir(dir), s.kidHex, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return { ...s, retiredAt: meta.retiredAt };
}

export const signerKeyPath = (dir: string, kidHex: string) => path.join(signersDir(dir), kidHex, 'key.pem');

/** Creates a demo root and signer when the directory holds none (development start). */
export async function ensureKeys(dir: string = defaultKeysDir(), opts: { country?: string } = {}): Promise<{ created: boolean; kid: string }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let created = false;
  if (!hasRoot(dir)) {
    await initRoot(dir, { country: opts.country });
    created = true;
  }
  // A current signer that has expired (or expires within 30 days) is replaced, as on a long-running demo.
  const current = listSigners(dir).find((s) => s.current && !s.retiredAt && Date.parse(s.notAfter) > Date.now() + 30 * 86400_000);
  if (current) return { created, kid: current.kid };
  const s = await createSigner(dir, { country: opts.country });
  return { created: true, kid: s.kid };
}

/**
 * Signs the next trust list from the keys directory: every signer not retired and still in validity, the given
 * revocation batches and rule set; the version is one above the last one issued from this directory.
 */
export async function buildTrustList(dir: string, opts: { revocations?: Revocations; ruleSets?: RuleSet[]; stalePolicy?: StalePolicy; now?: Date } = {}): Promise<{ json: string; etag: string; version: number; signers: number }> {
  const now = opts.now ?? new Date();
  const root = await loadRoot(dir);
  const signers = listSigners(dir).filter((s) => !s.retiredAt && Date.parse(s.notAfter) > now.getTime());
  const state = readState(dir);
  const version = state.trustListVersion + 1;
  const country = /C=([A-Z]{2})/.exec(parseCertificate(root.certificateDer).subject)?.[1] ?? 'VN';
  const out = await signTrustList(
    { version, issuedAt: now, country, signers: signers.map((s) => ({ certificateDer: s.certificateDer, usages: s.usages })), revocations: opts.revocations, ruleSets: opts.ruleSets ?? [defaultRuleSet()], stalePolicy: opts.stalePolicy },
    root,
  );
  writeState(dir, { ...readState(dir), trustListVersion: version });
  return { json: out.json, etag: out.etag, version, signers: signers.length };
}
