// Type names only (erased at build): the root tsconfig has no DOM lib, and Node's globals expose
// CryptoKey as a value. At run time the library uses globalThis.crypto in Node and in browsers alike.
import type { webcrypto } from 'node:crypto';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
