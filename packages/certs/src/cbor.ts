import { decode, encode, Tag } from 'cbor2';
import { AppError } from '@sen/domain';

export { Tag };

export interface CborLimits {
  /** Nesting depth; a DCC needs about 6. */
  maxDepth: number;
  /** Bytes of one CBOR item (the inflate cap bounds the outer one already). */
  maxBytes: number;
}

export const defaultCborLimits: CborLimits = { maxDepth: 16, maxBytes: 64 * 1024 };

/**
 * Strict decode: duplicate map keys rejected, depth capped, and no global tag decoders so a tag
 * never turns into a Date or RegExp behind our back (it stays a Tag and fails the schema).
 */
export function cborDecode(bytes: Uint8Array, limits: CborLimits = defaultCborLimits): unknown {
  if (bytes.length > limits.maxBytes) throw new AppError('cbor_too_large', 'CBOR item is too large', { bytes: bytes.length, max: limits.maxBytes });
  try {
    return decode(bytes, { rejectDuplicateKeys: true, maxDepth: limits.maxDepth, ignoreGlobalTags: true, rejectUndefined: true });
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

/** Converts decoded CBOR to plain JSON-like values for comparison and schema checks. */
export function toPlain(v: unknown): unknown {
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, val] of v) o[String(k)] = toPlain(val);
    return o;
  }
  if (Array.isArray(v)) return v.map(toPlain);
  // Some issuers tag date strings (0: date-time, 1004: full-date); the text is what the schema checks.
  if (v instanceof Tag && (Number(v.tag) === 0 || Number(v.tag) === 1004) && typeof v.contents === 'string') return v.contents;
  if (v instanceof Uint8Array || v instanceof Tag) return v;
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) o[k] = toPlain(val);
    return o;
  }
  return v;
}
