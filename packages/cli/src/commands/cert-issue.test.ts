import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { listSigners, ensureKeys } from '@sen/certs/node';
import { verifyHcert } from '@sen/certs';
import { sql, uuidv7, type Connection } from '@sen/db';
import { shiftDay, uvciCheckValid, vnDayOf } from '@sen/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestConnection } from '../../../../apps/server/src/testing/test-db';
import { runCertIssue } from './cert-issue';

let conn: Connection;
let dir: string;
let personId: string;

beforeAll(async () => {
  conn = await createTestConnection();
  dir = mkdtempSync(path.join(os.tmpdir(), 'sen-cli-keys-'));
  await ensureKeys(dir);
  personId = uuidv7();
  await sql`INSERT INTO people (id, full_name, search_name, birth_date, commune_code, area_path)
            SELECT ${personId}, 'Lê Văn Đạt', 'le van dat', '1970-01-02', code, path FROM areas WHERE code = '00004'`.execute(conn.db);
  await sql`INSERT INTO person_identifiers (kind, value, person_id) VALUES ('cccd', '001070000123', ${personId})`.execute(conn.db);
  const id = uuidv7();
  await sql`
    INSERT INTO doses (id, person_id, administered_at, administered_on, area_path, product, vaccine_code, dose_kind, dose_number, catalog_version, source, verified, review_status, request_hash)
    SELECT ${id}, id, '2021-08-10T02:00:00Z', '2021-08-10', area_path, 'EU/1/20/1525', 'janssen', 'primary', 1, '1', 'site', true, 'confirmed', ${createHash('sha256').update(id).digest('hex')}
      FROM people WHERE id = ${personId}`.execute(conn.db);
}, 240_000);
afterAll(async () => {
  await conn?.close();
});

describe('sen cert issue', () => {
  it('issues by ID number and prints the UVCI and an HC1 that verifies; again by UUID it is unchanged', async () => {
    const lines: string[] = [];
    expect(await runCertIssue({ person: '001070000123', dir }, (l) => lines.push(l), conn)).toBe(0);
    const printed = JSON.parse(lines[0]!) as { uvci: string; hc1: string; dn: number; sd: number; issued: boolean };
    expect(printed).toMatchObject({ dn: 1, sd: 1, issued: true });
    expect(uvciCheckValid(printed.uvci)).toBe(true);
    const r = await verifyHcert(printed.hc1, { trust: listSigners(dir).map((s) => ({ certificate: s.certificateDer })) });
    expect(r.valid).toBe(true);
    expect(r.payload?.nam).toMatchObject({ fn: 'Lê', fnt: 'LE', gn: 'Văn Đạt', gnt: 'VAN<DAT' });
    const again: string[] = [];
    await runCertIssue({ person: personId, dir }, (l) => again.push(l), conn);
    expect(JSON.parse(again[0]!)).toMatchObject({ uvci: printed.uvci, issued: false });
  });

  it('--recovery issues a recovery certificate valid from day 11 to day 180; the same day again is unchanged; a bad day names the field', async () => {
    const fr = vnDayOf(new Date(Date.now() - 20 * 86400_000));
    const lines: string[] = [];
    expect(await runCertIssue({ person: '001070000123', dir, recovery: fr }, (l) => lines.push(l), conn)).toBe(0);
    const printed = JSON.parse(lines[0]!) as { uvci: string; hc1: string; fr: string; issued: boolean };
    expect(printed).toMatchObject({ kind: 'recovery', fr, issued: true });
    const r = await verifyHcert(printed.hc1, { trust: listSigners(dir).map((s) => ({ certificate: s.certificateDer })) });
    expect(r.valid).toBe(true);
    expect(r.payload?.r?.[0]).toMatchObject({ fr, co: 'VN', df: shiftDay(fr, 11), du: shiftDay(fr, 180), ci: printed.uvci });
    const again: string[] = [];
    await runCertIssue({ person: personId, dir, recovery: fr }, (l) => again.push(l), conn);
    expect(JSON.parse(again[0]!)).toMatchObject({ uvci: printed.uvci, issued: false });
    await expect(runCertIssue({ person: personId, dir, recovery: '2021-02-30' }, () => {}, conn)).rejects.toMatchObject({ details: { field: 'firstPositiveOn' } });
  });

  it('refuses an unknown person', async () => {
    await expect(runCertIssue({ person: '999999999999', dir }, () => {}, conn)).rejects.toThrow(/No person/);
  });
});
