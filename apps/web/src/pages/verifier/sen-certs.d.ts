/**
 * The part of @sen/certs the verifier uses, as the web app's type checker sees it. The library's own sources name
 * Node's webcrypto key types, which clash with the DOM's under this project's DOM lib, so tsconfig.json maps
 * '@sen/certs' here for type checking only; Vite bundles the real library. Keep in step with packages/certs/src.
 */
export type Stage = 'prefix' | 'base45' | 'inflate' | 'cbor' | 'cose' | 'signature' | 'keyUsage' | 'expiry' | 'schema' | 'rules';
export type StageStatus = 'ok' | 'fail' | 'skipped';
export interface Dcc {
  ver: string;
  nam: { fn?: string; fnt: string; gn?: string; gnt?: string };
  dob: string;
  v?: { ci: string; co: string; mp: string; dn: number; sd: number; dt: string }[];
  t?: { ci: string; co: string }[];
  r?: { ci: string; co: string; fr: string }[];
}
export interface VerifyResult {
  valid: boolean;
  stages: Record<Stage, StageStatus>;
  reason?: string;
  code?: string;
  kid?: string;
  issuer?: string;
  issuedAt?: string;
  expiresAt?: string;
  payload?: Dcc;
}
export interface TrustListBody {
  version: number;
  issuedAt: string;
  country: string;
  signers: { kid: string; certificate: string; usages: string[]; country: string }[];
}
export interface RuleSet {
  version: string;
  validFrom: string;
}
export interface StalePolicy {
  warnAfterHours: number;
  refuseAfterDays: number;
}
export interface VerifiedTrustList {
  body: TrustListBody;
  etag: string;
  trust: ReadonlyMap<string, readonly unknown[]>;
  revocations: { count: number };
  ruleSets: RuleSet[];
  rules: RuleSet;
  stalePolicy: StalePolicy;
  ageHours: number;
  warnings: string[];
}
export declare function ruleSetAt(sets: readonly RuleSet[], clock: Date): RuleSet;
export declare function certificatesFromText(text: string): Uint8Array[];
export declare function verifyTrustList(
  bytes: Uint8Array | string,
  rootCertificateDer: Uint8Array,
  opts?: { heldVersion?: number; now?: Date; stale?: Partial<StalePolicy> },
): Promise<VerifiedTrustList>;
export declare function verifyHcert(
  text: string,
  opts: { trust: VerifiedTrustList['trust']; clock?: Date; revocations?: VerifiedTrustList['revocations']; ruleSet?: RuleSet },
): Promise<VerifyResult>;
