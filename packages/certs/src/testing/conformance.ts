// Runs one EU DCC test vector flag through our stages. Each check returns true (step succeeded),
// false (step failed) or 'skip' (its input is absent or we cannot run it).
import { isDeepStrictEqual } from 'node:util';
import { base45Decode } from '../base45';
import { cborDecode, cborEncode, mapGet, Tag, toPlain } from '../cbor';
import { checkExpiry, checkKeyUsage, decodeHcert, inflateCapped, parseCoseSign1, parseCwt, unprefix, verifyCoseSignature, type CoseSign1, type HcertClaims } from '../hcert';
import { fromBase64, fromHex, prepareTrust, toHex, type TrustStore } from '../keys';
import { buildRevocationIndex, findRevocation } from '../revocation';
import { defaultRuleSet, evaluateCheckpoint, evaluateQrColour } from '../rules';
import { validateDcc } from '../schema';
import { decodeQrPng } from '../node/qr-image';
import { clockOf, type Vector } from './vectors';

export type Outcome = boolean | 'skip';
const rules = defaultRuleSet();
const hex = (s: string) => fromHex(s.replace(/\s+/g, ''));
const attempt = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** COSE from the COSE field, else through the whole QR text chain. */
function coseOf(v: Vector): { cose: CoseSign1; claims: HcertClaims } | undefined | 'skip' {
  if (v.COSE) {
    return attempt(() => {
      const cose = parseCoseSign1(cborDecode(hex(v.COSE!)));
      return { cose, claims: parseCwt(cose.payload) };
    });
  }
  if (v.PREFIX) {
    const d = decodeHcert(v.PREFIX);
    return d.cose && d.claims ? { cose: d.cose, claims: d.claims } : undefined;
  }
  return 'skip';
}

async function trustOf(v: Vector): Promise<TrustStore | undefined> {
  if (!v.TESTCTX.CERTIFICATE) return undefined;
  try {
    return await prepareTrust([{ certificate: fromBase64(v.TESTCTX.CERTIFICATE) }]);
  } catch {
    return undefined;
  }
}

// Vectors disagree on what CBOR holds: the DCC itself, the CWT claims, or the whole COSE_Sign1.
const dccFromCbor = (v: Vector) =>
  attempt(() => {
    const d = cborDecode(hex(v.CBOR!));
    if (Array.isArray(d) || d instanceof Tag) return parseCwt(parseCoseSign1(d).payload).dcc;
    if (mapGet(d, -260) !== undefined) return toPlain(mapGet(mapGet(d, -260), 1));
    return toPlain(d);
  });

export const checks: Record<string, (v: Vector) => Outcome | Promise<Outcome>> = {
  EXPECTEDVALIDOBJECT: (v) => (v.JSON === undefined ? 'skip' : validateDcc(v.JSON).ok),
  EXPECTEDSCHEMAVALIDATION: (v) => {
    let dcc: unknown;
    if (v.CBOR) dcc = dccFromCbor(v);
    else {
      const c = coseOf(v);
      if (c === 'skip') return 'skip';
      dcc = c?.claims.dcc;
    }
    return dcc !== undefined && validateDcc(dcc).ok;
  },
  EXPECTEDENCODE: (v) => {
    if (v.JSON === undefined || !v.CBOR) return 'skip';
    const ours = attempt(() => toPlain(cborDecode(cborEncode(v.JSON))));
    const theirs = dccFromCbor(v);
    return ours !== undefined && isDeepStrictEqual(ours, theirs);
  },
  EXPECTEDDECODE: (v) => {
    if (!v.CBOR) return 'skip';
    const fromCbor = dccFromCbor(v);
    if (fromCbor === undefined) return false;
    if (v.JSON !== undefined && !isDeepStrictEqual(fromCbor, v.JSON)) return false;
    const c = coseOf(v);
    if (c === 'skip') return true;
    return c !== undefined && isDeepStrictEqual(c.claims.dcc, fromCbor);
  },
  EXPECTEDVERIFY: async (v) => {
    const c = coseOf(v);
    if (c === 'skip') return 'skip';
    const trust = await trustOf(v);
    if (!trust) return v.TESTCTX.CERTIFICATE ? false : 'skip';
    if (!c) return false;
    try {
      await verifyCoseSignature(c.cose, trust);
      return true;
    } catch {
      return false;
    }
  },
  EXPECTEDUNPREFIX: (v) => {
    if (!v.PREFIX) return 'skip';
    const b = attempt(() => unprefix(v.PREFIX!));
    return b !== undefined && (v.BASE45 === undefined || b === v.BASE45);
  },
  EXPECTEDVALIDJSON: (v) => {
    if (!v.PREFIX || v.JSON === undefined) return 'skip';
    const d = decodeHcert(v.PREFIX);
    return d.claims !== undefined && isDeepStrictEqual(d.claims.dcc, v.JSON);
  },
  EXPECTEDCOMPRESSION: (v) => {
    if (!v.COMPRESSED) return 'skip';
    const raw = attempt(() => inflateCapped(hex(v.COMPRESSED!), 64 * 1024));
    return raw !== undefined && (v.COSE === undefined || sameBytes(raw, hex(v.COSE)));
  },
  EXPECTEDB45DECODE: (v) => {
    if (v.BASE45 === undefined) return 'skip';
    const raw = attempt(() => base45Decode(v.BASE45!));
    return raw !== undefined && (v.COMPRESSED === undefined || sameBytes(raw, hex(v.COMPRESSED)));
  },
  EXPECTEDPICTUREDECODE: (v) => {
    const png = v['2DCODE'];
    if (!png || !v.PREFIX) return 'skip';
    return attempt(() => decodeQrPng(fromBase64(png), { inverted: false })) === v.PREFIX;
  },
  EXPECTEDEXPIRATIONCHECK: (v) => {
    const clock = clockOf(v);
    const c = coseOf(v);
    if (c === 'skip' || !clock) return 'skip';
    if (!c) return false;
    return attempt(() => (checkExpiry(c.claims, clock), true)) ?? false;
  },
  // Sen's own flags (packages/certs/testdata/README.md): revocation, and the CertLogic rules of the trust list.
  EXPECTEDNOTREVOKED: async (v) => {
    const c = coseOf(v);
    const clock = clockOf(v);
    if (c === 'skip' || !clock) return 'skip';
    if (!c || !c.cose.kid) return false;
    const index = buildRevocationIndex(v.TESTCTX.REVOCATIONS, clock);
    return (await findRevocation(index, toHex(c.cose.kid), c.claims.dcc as never, c.cose)) === null;
  },
  EXPECTEDCHECKPOINT: (v) => {
    const c = coseOf(v);
    const clock = clockOf(v);
    if (c === 'skip' || !clock) return 'skip';
    return c !== undefined && evaluateCheckpoint(rules, c.claims.dcc as Record<string, unknown>, clock).ok;
  },
  EXPECTEDGREENQR: (v) => {
    const c = coseOf(v);
    const clock = clockOf(v);
    if (c === 'skip' || !clock) return 'skip';
    return c !== undefined && evaluateQrColour(rules, c.claims.dcc as Record<string, unknown>, clock) === 'green';
  },
  EXPECTEDKEYUSAGE: async (v) => {
    const c = coseOf(v);
    if (c === 'skip') return 'skip';
    const trust = await trustOf(v);
    if (!trust) return v.TESTCTX.CERTIFICATE ? false : 'skip';
    if (!c) return false;
    try {
      const key = await verifyCoseSignature(c.cose, trust);
      checkKeyUsage(key, c.claims.dcc);
      return true;
    } catch {
      return false;
    }
  },
};
