import { evaluateCheckpoint, toBase64, verifyHcert, type Dcc, type VerifyResult } from '@sen/certs';
import type { Deps } from '../../context';
import { uciHash } from './revocation-hashes';
import { ruleSetInForce } from './rule-set-store';
import { trustStore } from './signing-keys';

export interface CheckpointVerification {
  valid: boolean;
  /** Stable code of the first failure: revoked, rules_failed, signature_invalid, expired, base45_invalid... */
  failureReason: string | null;
  reason: string | null;
  stages: VerifyResult['stages'];
  /** Name and date of birth only: what an officer needs to match the certificate to the person in front of them. */
  holder: { name: string; nameTransliterated: string; dob: string } | null;
  /** UCI hash (base64): what the passage log keeps instead of the person. */
  certificateHash: string | null;
}

/**
 * Verifies an HC1 string as a checkpoint would: signature by a trusted signer, key usage, expiry, schema,
 * not revoked, and the checkpoint rule (full series and 14 days) of the rule set in force at the clock.
 */
export async function verifyForCheckpoint(deps: Deps, hc1: string, clock = new Date()): Promise<CheckpointVerification> {
  const trust = await trustStore(deps.config.SEN_KEYS_DIR);
  const rules = await ruleSetInForce(deps.db, clock);
  const r = await verifyHcert(hc1, {
    trust, clock,
    rules: (dcc: Dcc) => {
      const outcome = evaluateCheckpoint(rules, dcc, clock);
      return { ok: outcome.ok, reason: outcome.failed.map((f) => f.description.en).join('; ') || undefined };
    },
  });
  const payload = r.payload;
  const entry = payload ? (payload.v?.[0] ?? payload.r?.[0] ?? payload.t?.[0]) : undefined;
  const certificateHash = entry?.ci ? uciHash(entry.ci) : null;
  let revoked = false;
  if (certificateHash && r.stages.signature === 'ok') {
    const hit = await deps.db.selectFrom('certificate_revocations').select('id').where('hash_type', '=', 'UCI').where('hash', '=', certificateHash).executeTakeFirst();
    revoked = hit !== undefined;
  }
  const valid = r.valid && r.stages.rules === 'ok' && !revoked;
  const failureReason = valid ? null : revoked ? 'revoked' : (r.code ?? 'invalid');
  const nam = payload?.nam;
  return {
    valid,
    failureReason,
    reason: valid ? null : revoked ? 'The certificate has been revoked' : (r.reason ?? 'The certificate is not valid'),
    stages: r.stages,
    holder: payload && nam ? { name: [nam.fn, nam.gn].filter(Boolean).join(' '), nameTransliterated: [nam.fnt, nam.gnt].filter(Boolean).join('<<'), dob: payload.dob } : null,
    certificateHash,
  };
}

export const kidBase64 = (kidHex: string) => toBase64(Uint8Array.from(kidHex.match(/../g)!.map((h) => parseInt(h, 16))));
