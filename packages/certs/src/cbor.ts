import { decode, encode, Tag, type DecodeOptions, type ObjectCreator } from 'cbor2';
import { AppError } from '@sen/domain';

export { Tag };

export interface CborLimits {
  /** Nesting depth; a DCC needs about 6. */
  maxDepth: number;
  /** Bytes of one CBOR item (the inflate cap bounds the outer one already). */
  maxBytes: number;
}

export const defaultCborLimits: CborLimits = { maxDepth: 16, maxBytes: 64 * 1024 };

/** Above this many pairs a map's keys are checked through a Set rather than pair by pair. */
const PAIRWISE_KEY_CHECK_MAX = 16;

/**
 * Builds each decoded map, refusing keys that are not text or integers and keys that repeat. It compares decoded
 * keys, so it also refuses one key written twice in different encodings (1 as 0x01 and as 0x1801), which the
 * byte-wise rejectDuplicateKeys of cbor2 lets through, and it does not hex-encode every key as that option does.
 */
const strictMap: ObjectCreator = (pairs) => {
  let allText = true;
  for (let i = 0; i < pairs.length; i++) {
    const key = pairs[i]![0];
    if (typeof key !== 'string') {
      if (typeof key !== 'number' || !Number.isInteger(key)) throw new Error('Map key must be text or an integer');
      allText = false;
    }
    if (pairs.length <= PAIRWISE_KEY_CHECK_MAX) {
      for (let j = 0; j < i; j++) if (pairs[j]![0] === key) throw new Error(`Duplicate map key: ${JSON.stringify(key)}`);
    }
  }
  if (pairs.length > PAIRWISE_KEY_CHECK_MAX && new Set(pairs.map((p) => p[0])).size !== pairs.length) throw new Error('Duplicate map key');
  // Text keys only: a plain object, as cbor2 makes by default (CertLogic and the schema read plain objects).
  // Each pair is [key, value, encoded key]; Map and fromEntries read the first two.
  return allText ? Object.fromEntries(pairs) : new Map(pairs as unknown as [unknown, unknown][]);
};

const decodeOptionsByDepth = new Map<number, DecodeOptions>();
/** cbor2 options for a depth limit, made once: no global tag decoders, so a tag never turns into a Date or RegExp behind our back (it stays a Tag and fails the schema). */
function decodeOptions(maxDepth: number): DecodeOptions {
  let o = decodeOptionsByDepth.get(maxDepth);
  if (!o) {
    o = { createObject: strictMap, maxDepth, ignoreGlobalTags: true, rejectUndefined: true };
    decodeOptionsByDepth.set(maxDepth, o);
  }
  return o;
}

/** Strict decode: map keys text or integers and never repeated, depth and size capped, undefined refused. */
export function cborDecode(bytes: Uint8Array, limits: CborLimits = defaultCborLimits): unknown {
  if (bytes.length > limits.maxBytes) throw new AppError('cbor_too_large', 'CBOR item is too large', { bytes: bytes.length, max: limits.maxBytes });
  try {
    return decode(bytes, decodeOptions(limits.maxDepth));
  } catch (e) {
    throw new AppError('cbor_invalid', `CBOR is invalid: ${(e as Error).message}`);
  }
}

export function cborEncode(value: unknown): Uint8Array {
  return encode(value, { rejectDuplicateKeys: true });
}

/** CBOR maps decode to a plain object (all text keys) or a Map; read either by key. */
export function mapGet(map: unknown, key: number | string): unknown {
  if (map instanceof Map) return map.get(key);
  if (map !== null && typeof map === 'object' && !Array.isArray(map) && !(map instanceof Uint8Array) && !(map instanceof Tag)) {
    return Object.prototype.hasOwnProperty.call(map, key) ? (map as Record<string, unknown>)[String(key)] : undefined;
  }
  return undefined;
}

export const isCborMap = (v: unknown): boolean =>
  v instanceof Map || (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Tag));

// Some issuers tag date strings (0: date-time, 1004: full-date); the text is what the schema checks.
const isDateTag = (v: Tag) => (Number(v.tag) === 0 || Number(v.tag) === 1004) && typeof v.contents === 'string';

/** Whether toPlain would change anything: a Map, a date tag, or an object that is not a plain one, at any depth. */
function needsPlain(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return false;
  if (v instanceof Map) return true;
  if (v instanceof Tag) return isDateTag(v);
  if (Array.isArray(v)) return v.some(needsPlain);
  if (Object.getPrototypeOf(v) !== Object.prototype) return true;
  for (const k in v) if (needsPlain((v as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * Converts decoded CBOR to plain JSON-like values for comparison and schema checks. A value with nothing to
 * convert (the usual DCC: text keys, no tags) is returned as it is rather than copied.
 */
export function toPlain(v: unknown): unknown {
  if (!needsPlain(v)) return v;
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, val] of v) o[String(k)] = toPlain(val);
    return o;
  }
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Tag) return v.contents;
  const o: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v as object)) o[k] = toPlain(val);
  return o;
}
