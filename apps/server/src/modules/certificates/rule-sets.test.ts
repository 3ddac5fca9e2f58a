import { defaultRuleSet, fromBase64, verifyTrustList, vnDate, type RuleSet } from '@sen/certs';
import { loadRootCertificate } from '@sen/certs/node';
import { sql } from '@sen/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_JOBS } from '../../jobs';
import { signInAs } from '../../testing/test-app';
import { BA_DINH, call, countRows, createCertificatesTestApp, createPerson, JANSSEN, insertDose, ok } from './certificates.fixtures';
import { currentTrustList, REVOCATION_BATCH_SIZE } from './trust-list';
import { verifyForCheckpoint } from './verify-certificate';

type T = Awaited<ReturnType<typeof createCertificatesTestApp>>;
let t: T;
let national: string;
const DAY = 86400_000;
const today = () => vnDate(new Date());
const inDays = (n: number) => vnDate(new Date(Date.now() + n * DAY));
const deps = () => ({ db: t.conn.db, config: t.config, jobs: NO_JOBS });

/** The default set with every checkpoint rule replaced: a set that refuses everyone, to see when it applies. */
const refuseAll = (version: string, validFrom: string) => ({
  version, validFrom,
  rules: defaultRuleSet().rules.map((r) => (r.purpose === 'checkpoint' ? { ...r, logic: false } : r)),
});

beforeAll(async () => {
  t = await createCertificatesTestApp();
  national = (await signInAs(t, [{ role: 'national_admin', areaCode: 'VN' }])).cookie;
});
afterAll(async () => {
  await t?.close();
});

describe('rule sets as versioned data', () => {
  it('the default set is stored at start and served; the trust list carries every version', async () => {
    const sets = await ok<{ items: RuleSet[] }>(call(t, null, 'GET', '/api/trust/rule-sets'));
    expect(sets.items.map((s) => s.version)).toEqual([defaultRuleSet().version]);
    expect(sets.items[0]!.rules).toEqual(JSON.parse(JSON.stringify(defaultRuleSet().rules)));
    const list = await verifyTrustList((await call(t, null, 'GET', '/api/trust/list')).body, loadRootCertificate(t.keysDir));
    expect(list.ruleSets.map((s) => s.version)).toEqual([defaultRuleSet().version]);
    expect(list.stalePolicy).toEqual({ warnAfterHours: 48, refuseAfterDays: 7 });
  });

  it('refuses a start day in the past, logic that is not CertLogic or answers the wrong kind, duplicates; stored sets never change', async () => {
    const post = (body: unknown) => call(t, national, 'POST', '/api/trust/rule-sets', body);
    const past = await post(refuseAll('past.1', inDays(-1)));
    expect(past.statusCode).toBe(400);
    expect(past.json()).toMatchObject({ code: 'invalid_rule_set', field: 'validFrom' });
    const base = refuseAll('bad.1', inDays(30));
    const notLogic = await post({ ...base, rules: [{ ...base.rules[0]!, logic: { frobnicate: [1] } }] });
    expect(notLogic.statusCode).toBe(400);
    expect(notLogic.json()).toMatchObject({ code: 'invalid_rule_set', field: 'rules.0.logic' });
    const wrongKind = await post({ ...base, rules: [{ ...base.rules[0]!, logic: { '+': [1, 2] } }] });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json().detail ?? wrongKind.json().message ?? wrongKind.body).toMatch(/true or false/);
    const colourless = await post({ ...base, rules: base.rules.map((r) => (r.purpose === 'personalQr' ? { ...r, logic: 'blue' } : r)) });
    expect(colourless.json()).toMatchObject({ field: `rules.${base.rules.findIndex((r) => r.purpose === 'personalQr')}.logic` });
    const twice = await post({ ...base, rules: [base.rules[0]!, base.rules[0]!] });
    expect(twice.json()).toMatchObject({ field: 'rules.1.id' });
    expect((await post({ ...base, extra: 1 })).statusCode).toBe(400);
    expect(await countRows(t, 'certificate_rule_sets')).toBe(1);

    await ok(post(refuseAll('2099.1', inDays(40))), 201);
    expect((await post(refuseAll('2099.1', inDays(41)))).json()).toMatchObject({ code: 'rule_set_exists' });
    expect((await post(refuseAll('2099.2', inDays(40)))).json()).toMatchObject({ code: 'rule_set_day_taken' });
    await expect(sql`UPDATE certificate_rule_sets SET valid_from = valid_from + 1 WHERE version = '2099.1'`.execute(t.conn.db)).rejects.toThrow(/never change/);
    await expect(sql`DELETE FROM certificate_rule_sets WHERE version = '2099.1'`.execute(t.conn.db)).rejects.toThrow(/never change/);
    expect(await countRows(t, 'audit_log', sql`action = 'certificate.rule-set.create' AND entity_id = '2099.1'`)).toBe(1);
  });

  it('a version from tomorrow reaches the trust list at once and applies from its day at the verification clock', async () => {
    const before = await call(t, null, 'GET', '/api/trust/list');
    await ok(call(t, national, 'POST', '/api/trust/rule-sets', refuseAll('tomorrow.1', inDays(1))), 201);
    const after = await call(t, null, 'GET', '/api/trust/list');
    expect(Number(after.headers['x-trust-list-version'])).toBeGreaterThan(Number(before.headers['x-trust-list-version']));
    const list = await verifyTrustList(after.body, loadRootCertificate(t.keysDir));
    expect(list.ruleSets.map((s) => s.version)).toContain('tomorrow.1');
    expect(list.rules.version).toBe(defaultRuleSet().version); // in force now

    const p = await createPerson(t, national, BA_DINH);
    await insertDose(t, p, { ...JANSSEN, day: '2021-08-10', number: 1 });
    const cert = (await ok<{ issued: { id: string }[] }>(call(t, national, 'POST', `/api/people/${p}/certificates`, {}))).issued[0]!;
    const hc1 = (await t.conn.db.selectFrom('certificates').select('hcert').where('id', '=', cert.id).executeTakeFirstOrThrow()).hcert;
    const now = await verifyForCheckpoint(deps(), hc1, new Date());
    expect(now).toMatchObject({ valid: true });
    const tomorrow = await verifyForCheckpoint(deps(), hc1, new Date(`${inDays(1)}T00:30:00+07:00`));
    expect(tomorrow).toMatchObject({ valid: false, failureReason: 'rules_failed' });
    expect(today() < inDays(1)).toBe(true);
  });
});

describe('trust list serving', () => {
  it('rebuilds only when revocations, rules or signers change: an unchanged list is served from memory, 304 included', async () => {
    const first = await currentTrustList(deps());
    expect(await currentTrustList(deps())).toBe(first);
    // A row written behind the counters' back is not seen: the built list is reused without reading revocations.
    await sql`ALTER TABLE certificate_revocations DISABLE TRIGGER certificate_revocations_stats`.execute(t.conn.db);
    const cert = await t.conn.db.selectFrom('certificates').select(['id', 'kid', 'expires_at']).executeTakeFirstOrThrow();
    await sql`INSERT INTO certificate_revocations (id, certificate_id, kid, hash_type, hash, revoked_at, expires_at)
              VALUES (gen_random_uuid(), ${cert.id}, ${cert.kid}, 'UCI', 'AAAAAAAAAAAAAAAAAAAAAA==', now(), ${cert.expires_at})`.execute(t.conn.db);
    await sql`ALTER TABLE certificate_revocations ENABLE TRIGGER certificate_revocations_stats`.execute(t.conn.db);
    expect(await currentTrustList(deps())).toBe(first);
    const etag = first.etag;
    expect((await call(t, null, 'GET', '/api/trust/list', undefined, { 'if-none-match': etag })).statusCode).toBe(304);
    // A real revocation moves the counters: the next list carries both.
    const revoked = await ok<{ status: string }>(call(t, national, 'POST', `/api/certificates/${cert.id}/revoke`, { reason: 'kiểm thử / test' }));
    expect(revoked.status).toBe('revoked');
    const next = await currentTrustList(deps());
    expect(next.version).toBeGreaterThan(first.version);
    expect(next.revocationCount).toBe(first.revocationCount + 2);
    expect((await call(t, null, 'GET', '/api/trust/list', undefined, { 'if-none-match': etag })).statusCode).toBe(200);
  });

  it('groups revocations into sorted batches of at most 1000 per signer, with stable ids', async () => {
    const cert = await t.conn.db.selectFrom('certificates').select(['id', 'kid', 'expires_at']).executeTakeFirstOrThrow();
    // 2,400 synthetic hashes of one signer: 16 bytes from md5 of a counter, base64 as the table stores them.
    await sql`INSERT INTO certificate_revocations (id, certificate_id, kid, hash_type, hash, revoked_at, expires_at)
              SELECT gen_random_uuid(), ${cert.id}, ${cert.kid}, 'UCI', encode(decode(md5('sen-' || i), 'hex'), 'base64'), now() + i * interval '1 ms', ${cert.expires_at}
                FROM generate_series(1, 2400) AS i`.execute(t.conn.db);
    const list = JSON.parse((await currentTrustList(deps())).body) as { revocations: { batches: { batchId: string; kid: string; hashes: string }[] } };
    const mine = list.revocations.batches.filter((b) => b.batchId.startsWith(`${cert.kid}-UCI-`));
    const total = await countRows(t, 'certificate_revocations', sql`kid = ${cert.kid} AND hash_type = 'UCI'`);
    expect(mine.map((b) => b.batchId)).toEqual(Array.from({ length: Math.ceil(total / REVOCATION_BATCH_SIZE) }, (_, i) => `${cert.kid}-UCI-${i + 1}`));
    const sizes = mine.map((b) => fromBase64(b.hashes).length / 16);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(REVOCATION_BATCH_SIZE);
  });
});
