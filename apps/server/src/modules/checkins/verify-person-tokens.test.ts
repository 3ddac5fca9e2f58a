import { describe, expect, it } from 'vitest';
import { AppError } from '@sen/domain';
import { generateQrKey, signQrToken, type QrKey } from './qr-signing';
import { verifyPersonTokens } from './verify-person-tokens';

/** Remembered signatures must never let a token through that a full check would refuse. */
const DAY_MS = 86_400_000;
const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - DAY_MS);
const person = (key: QrKey, ref: string, at = issuedAt) => signQrToken(key, { kind: 'person', ref, version: 1, issuedAt: at });
const named = (i: number, err: unknown) => Object.assign(err as AppError, { index: i });

async function refusal(p: Promise<unknown>): Promise<AppError & { index: number }> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError & { index: number };
}

describe('verifyPersonTokens', () => {
  it('returns the claims in order, the same for a token seen before and for repeats in one batch', async () => {
    const { key } = await generateQrKey();
    const [a, b] = [await person(key, 'ref-a'), await person(key, 'ref-b')];
    const first = await verifyPersonTokens(key, [a, b, a], new Date(), 365, named);
    expect(first.map((c) => c.ref)).toEqual(['ref-a', 'ref-b', 'ref-a']);
    const again = await verifyPersonTokens(key, [` ${b} `, a], new Date(), 365, named);
    expect(again).toEqual([first[1], first[0]]);
  });

  it('a remembered token expires on time, and is refused before it was issued', async () => {
    const { key } = await generateQrKey();
    const token = await person(key, 'ref-exp');
    expect(await verifyPersonTokens(key, [token], new Date(), 30, named)).toHaveLength(1);
    const expired = await refusal(verifyPersonTokens(key, [token], new Date(issuedAt.getTime() + 31 * DAY_MS), 30, named));
    expect({ code: expired.code, status: expired.status }).toEqual({ code: 'qr_expired', status: 410 });
    // A shorter maximum age configured later applies to remembered tokens too.
    expect((await refusal(verifyPersonTokens(key, [token], new Date(), 1, named))).code).toBe('qr_expired');
    const early = await refusal(verifyPersonTokens(key, [token], new Date(issuedAt.getTime() - DAY_MS), 30, named));
    expect(early.code).toBe('qr_issued_in_future');
  });

  it('a token is remembered for its own key only', async () => {
    const { key } = await generateQrKey();
    const { key: other } = await generateQrKey();
    const token = await person(key, 'ref-key');
    await verifyPersonTokens(key, [token], new Date(), 365, named);
    expect((await refusal(verifyPersonTokens(other, [token], new Date(), 365, named))).code).toBe('qr_unknown_key');
  });

  it('names the first bad token in order and never remembers a refusal', async () => {
    const { key } = await generateQrKey();
    const good = await person(key, 'ref-good');
    const [h, p, s] = good.split('.') as [string, string, string];
    const forged = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    const venue = await signQrToken(key, { kind: 'venue', ref: 'ref-venue', version: 1, issuedAt });
    const err = await refusal(verifyPersonTokens(key, [good, forged, 'not a token', venue], new Date(), 365, named));
    expect({ code: err.code, index: err.index }).toEqual({ code: 'qr_signature_invalid', index: 1 });
    expect((await refusal(verifyPersonTokens(key, [forged], new Date(), 365, named))).code).toBe('qr_signature_invalid');
    expect((await refusal(verifyPersonTokens(key, [good, venue], new Date(), 365, named)))).toMatchObject({ code: 'qr_wrong_kind', index: 1 });
  });
});
