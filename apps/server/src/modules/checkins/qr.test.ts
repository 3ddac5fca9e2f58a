import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompactSign } from 'jose';
import { loadConfig } from '../../config';
import { BODY_LIMIT } from '../../app';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { generateQrKey, newPersonRef, qrSigningKey, QR_KEY_FILE, signQrToken, uuidToRef, type QrKey } from './qr-signing';
import { api, BA_DINH, countRows, createPerson, createVenue, NGOC_HA, THU_DAU_MOT, uuid } from './venues.fixtures';

/**
 * Signed personal and venue QR codes, and check-ins by scanning them both ways. Each refusal names its reason and
 * stores nothing.
 */
let t: TestApp;
let keysDir: string;
let key: QrKey;
const c: Record<string, string> = {};
const id: Record<string, string> = {};

/** What a token stands for: kind, reference and version (each request signs it afresh, with its own time). */
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { k: string; r: string; v: number; i: number };
const sameCode = (token: string) => {
  const { k, r, v } = claims(token);
  return { k, r, v };
};
const at = (minutesAgo = 1) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

beforeAll(async () => {
  keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sen-qr-keys-'));
  // Shorter lives than the defaults (365 days), so the tests see the configuration take effect.
  t = await createTestApp({ env: { SEN_KEYS_DIR: keysDir, SEN_QR_PERSON_MAX_AGE_DAYS: '30', SEN_QR_VENUE_MAX_AGE_DAYS: '60' } });
  const sign = async (k: string, roles: { role: string; areaCode: string }[], personId?: string) => {
    const s = await signInAs(t, roles, personId ? { personId } : {});
    c[k] = s.cookie;
    id[`user:${k}`] = s.userId;
  };
  await sign('national', [{ role: 'national_admin', areaCode: 'VN' }]);
  await sign('owner', [{ role: 'business_admin', areaCode: BA_DINH }]);
  await sign('otherOwner', [{ role: 'business_admin', areaCode: BA_DINH }]);
  await sign('officer', [{ role: 'commune_officer', areaCode: BA_DINH }]);
  await sign('officerElsewhere', [{ role: 'commune_officer', areaCode: THU_DAU_MOT }]);
  await sign('officerNgocHa', [{ role: 'commune_officer', areaCode: NGOC_HA }]);
  await sign('vaccinator', [{ role: 'vaccination_staff', areaCode: BA_DINH }]);
  id.person = (await createPerson(t, c.national!, { fullName: 'Nguyễn Thị Hương', sex: 'female', birthDate: '1990-05-02', communeCode: BA_DINH })).id;
  id.person2 = (await createPerson(t, c.national!, { fullName: 'Trần Văn Đức', sex: 'male', communeCode: BA_DINH })).id;
  await sign('citizen', [{ role: 'citizen', areaCode: 'VN' }], id.person);
  await sign('citizen2', [{ role: 'citizen', areaCode: 'VN' }], id.person2);
  id.venue = (await createVenue(t, c.owner!, { name: 'Chợ Ngọc Hà', type: 'market' })).id;
  id.otherVenue = (await createVenue(t, c.otherOwner!, { name: 'Quán nước' })).id;
  key = await qrSigningKey(keysDir);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(keysDir, { recursive: true, force: true });
});

async function myToken(cookie: string): Promise<string> {
  const res = await api(t, cookie, 'GET', '/api/me/qr');
  expect(res.statusCode).toBe(200);
  return res.json().token;
}
async function venueToken(venueId = id.venue!): Promise<string> {
  const res = await api(t, c.owner!, 'GET', `/api/venues/${venueId}/qr`);
  expect(res.statusCode).toBe(200);
  return res.json().token;
}
const scan = (token: unknown, extra: Record<string, unknown> = {}) =>
  api(t, c.owner!, 'POST', `/api/venues/${id.venue}/checkins`, { personToken: token, checkedInAt: at(), clientId: uuid(), ...extra });
const selfScan = (token: unknown, extra: Record<string, unknown> = {}) => api(t, c.citizen!, 'POST', '/api/me/checkins', { venueToken: token, checkedInAt: at(), clientId: uuid(), ...extra });
/** Flips one character of the payload part. */
function alter(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const i = Math.floor(p.length / 2);
  return `${h}.${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}.${s}`;
}

describe('the signing key', () => {
  it('is made on first use in the keys directory, private to the server, and reused', async () => {
    const file = path.join(keysDir, QR_KEY_FILE);
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect((await qrSigningKey(keysDir)).kid).toBe(key.kid);
    const tokens = await Promise.all([myToken(c.citizen!), myToken(c.citizen!)]);
    expect(sameCode(tokens[0])).toEqual(sameCode(tokens[1]));
  });
});

describe('personal QR', () => {
  it('carries no personal data in clear and stays the same until rotated', async () => {
    const token = await myToken(c.citizen!);
    expect(token.length).toBeLessThan(260);
    const payload = Buffer.from(token.split('.')[1]!, 'base64url').toString();
    expect(payload).not.toContain(id.person);
    expect(payload).not.toMatch(/Hương|Huong/);
    expect(JSON.parse(payload)).toMatchObject({ k: 'p', v: 1 });
    // staff of the person's commune get the same live code
    const staff = await api(t, c.officer!, 'GET', `/api/people/${id.person}/qr`);
    expect(staff.statusCode).toBe(200);
    expect(sameCode(staff.json().token)).toEqual(sameCode(token));
  });

  it('a venue checks a visitor in by scanning it', async () => {
    const before = await countRows(t, 'checkins');
    const res = await scan(await myToken(c.citizen!));
    expect(res.statusCode).toBe(201);
    expect(res.json().maskedName).toBe('Nguyễn T. H.');
    const row = await t.conn.db.selectFrom('checkins').select(['person_id', 'source']).where('client_id', '=', res.json().clientId).executeTakeFirstOrThrow();
    expect(row).toEqual({ person_id: id.person, source: 'venue_scan' });
    expect(await countRows(t, 'checkins')).toBe(before + 1);
  });

  it('refuses a forged, altered, wrong-key, wrong-kind or malformed token, naming why, and stores nothing', async () => {
    const good = await myToken(c.citizen!);
    const before = await countRows(t, 'checkins');
    const other = (await generateQrKey()).key;
    const forgedRef = await signQrToken(other, { kind: 'person', ref: newPersonRef(), version: 1, issuedAt: new Date() });
    // Another key claiming to be ours (same kid): the signature fails.
    const [, payload] = good.split('.');
    const impostor = await new CompactSign(Buffer.from(payload!, 'base64url')).setProtectedHeader({ alg: 'ES256', kid: key.kid }).sign(other.privateKey);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url')}.${payload}.`;
    const cases: [unknown, number, string][] = [
      [alter(good), 400, 'qr_signature_invalid'],
      [impostor, 400, 'qr_signature_invalid'],
      [forgedRef, 400, 'qr_unknown_key'],
      [unsigned, 400, 'qr_token_malformed'],
      [await venueToken(), 400, 'qr_wrong_kind'],
      ['hello', 400, 'qr_token_malformed'],
      ['a.b.c', 400, 'qr_token_malformed'],
      ['x'.repeat(5_000), 413, 'qr_token_too_large'],
      [await signQrToken(key, { kind: 'person', ref: newPersonRef(), version: 1, issuedAt: new Date() }), 404, 'qr_unknown'],
      [await signQrToken(key, { kind: 'person', ref: newPersonRef(), version: 1, issuedAt: new Date(Date.now() + 86_400_000) }), 400, 'qr_issued_in_future'],
    ];
    for (const [token, status, code] of cases) {
      const res = await scan(token);
      expect({ status: res.statusCode, code: res.json().code }, String(token).slice(0, 40)).toEqual({ status, code });
      expect(res.json().detail).toMatch(/personToken/);
    }
    // a token plus an ID number is ambiguous
    const both = await scan(good, { idNumber: '001090123456' });
    expect(both.statusCode).toBe(400);
    expect(both.json().code).toBe('visitor_required');
    expect(await countRows(t, 'checkins')).toBe(before);
  });

  it('rotation refuses every older version (citizen and staff can rotate; staff need people:write)', async () => {
    const v1 = await myToken(c.citizen2!);
    const rotated = await api(t, c.citizen2!, 'POST', '/api/me/qr/rotate');
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().version).toBe(2);
    const old = await scan(v1);
    expect(old.statusCode).toBe(410);
    expect(old.json().code).toBe('qr_revoked');
    expect((await scan(rotated.json().token)).statusCode).toBe(201);
    const byStaff = await api(t, c.officer!, 'POST', `/api/people/${id.person2}/qr/rotate`);
    expect(byStaff.statusCode).toBe(200);
    expect(byStaff.json().version).toBe(3);
    expect((await scan(rotated.json().token)).json().code).toBe('qr_revoked');
    expect(sameCode(await myToken(c.citizen2!))).toEqual(sameCode(byStaff.json().token));
    const audit = await t.conn.db.selectFrom('audit_log').select('action').where('entity_id', '=', id.person2!).where('action', '=', 'person.qr.rotate').execute();
    expect(audit).toHaveLength(2);
  });

  it('the offline queue of scanned codes syncs once', async () => {
    const token = await myToken(c.citizen!);
    const checkins = Array.from({ length: 5 }, (_, i) => ({ personToken: token, checkedInAt: at(30 + i), clientId: uuid() }));
    const first = await api(t, c.owner!, 'POST', `/api/venues/${id.venue}/checkins/batch`, { checkins });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ inserted: 5, duplicates: 0 });
    const again = await api(t, c.owner!, 'POST', `/api/venues/${id.venue}/checkins/batch`, { checkins });
    expect(again.json()).toMatchObject({ inserted: 0, duplicates: 5 });
    // one bad code in the batch refuses the whole batch, naming the item
    const bad = await api(t, c.owner!, 'POST', `/api/venues/${id.venue}/checkins/batch`, { checkins: [{ ...checkins[0], clientId: uuid() }, { personToken: alter(token), checkedInAt: at(), clientId: uuid() }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field ?? bad.json().errors?.[0]?.field).toBe('checkins.1.personToken');
  });

  it('prints a card (PDF) for staff of the commune and the citizen; audited', async () => {
    for (const [cookie, url] of [[c.officer!, `/api/people/${id.person}/qr-card.pdf`], [c.citizen!, '/api/me/qr-card.pdf']] as const) {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    }
    const prints = await t.conn.db.selectFrom('audit_log').select('action').where('entity_id', '=', id.person!).where('action', '=', 'person.qr.print').execute();
    expect(prints).toHaveLength(2);
  });

  it('authorisation: staff of another commune get 404, without people:write 403, no session 401', async () => {
    expect((await api(t, c.officerElsewhere!, 'GET', `/api/people/${id.person}/qr`)).statusCode).toBe(404);
    expect((await api(t, c.officerElsewhere!, 'GET', `/api/people/${id.person}/qr-card.pdf`)).statusCode).toBe(404);
    expect((await api(t, c.officerElsewhere!, 'POST', `/api/people/${id.person}/qr/rotate`)).statusCode).toBe(404);
    expect((await api(t, c.vaccinator!, 'GET', `/api/people/${id.person}/qr`)).statusCode).toBe(200);
    expect((await api(t, c.vaccinator!, 'POST', `/api/people/${id.person}/qr/rotate`)).statusCode).toBe(403);
    expect((await api(t, c.owner!, 'GET', `/api/people/${id.person}/qr`)).statusCode).toBe(403);
    expect((await api(t, c.citizen!, 'GET', `/api/people/${id.person2}/qr`)).statusCode).toBe(403);
    expect((await api(t, c.officer!, 'GET', '/api/me/qr')).statusCode).toBe(403);
    expect((await api(t, null, 'GET', '/api/me/qr')).statusCode).toBe(401);
    expect((await api(t, null, 'GET', `/api/people/${id.person}/qr`)).statusCode).toBe(401);
    expect((await api(t, c.officer!, 'GET', '/api/people/not-a-uuid/qr')).statusCode).toBe(400);
  });
});

describe('venue QR', () => {
  it('a citizen checks in by scanning the poster', async () => {
    const res = await selfScan(await venueToken());
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ venueId: id.venue, venueName: 'Chợ Ngọc Hà', duplicate: false });
    const row = await t.conn.db.selectFrom('checkins').select(['person_id', 'source', 'venue_id']).where('client_id', '=', res.json().clientId).executeTakeFirstOrThrow();
    expect(row).toEqual({ person_id: id.person, source: 'self_scan', venue_id: id.venue });
  });

  it('the poster token is compact and names the venue only by id', async () => {
    const token = await venueToken();
    expect(token.length).toBeLessThan(220);
    expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())).toMatchObject({ k: 'v', r: uuidToRef(id.venue!) });
  });

  it('refuses forged, altered, rotated, unknown-venue tokens, future times and bad bodies, storing nothing', async () => {
    const good = await venueToken();
    const before = await countRows(t, 'checkins');
    const other = (await generateQrKey()).key;
    const cases: [Record<string, unknown>, number, string][] = [
      [{ venueToken: alter(good) }, 400, 'qr_signature_invalid'],
      [{ venueToken: await signQrToken(other, { kind: 'venue', ref: uuidToRef(id.venue!), version: 1, issuedAt: new Date() }) }, 400, 'qr_unknown_key'],
      [{ venueToken: await myToken(c.citizen!) }, 400, 'qr_wrong_kind'],
      [{ venueToken: await signQrToken(key, { kind: 'venue', ref: uuidToRef(uuid()), version: 1, issuedAt: new Date() }) }, 404, 'unknown_venue'],
      [{ venueToken: await signQrToken(key, { kind: 'venue', ref: uuidToRef(id.venue!), version: 7, issuedAt: new Date() }) }, 410, 'qr_revoked'],
      [{ venueToken: 'y'.repeat(9_000) }, 413, 'qr_token_too_large'],
      [{ venueToken: good, checkedInAt: new Date(Date.now() + 3_600_000).toISOString() }, 400, 'checkin_in_future'],
      [{ venueToken: good, venueId: id.venue }, 400, 'venue_required'],
      [{ venueToken: undefined }, 400, 'venue_required'],
      [{ venueToken: good, extra: 1 }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of cases) {
      const res = await selfScan(good, body);
      expect({ status: res.statusCode, code: res.json().code }, JSON.stringify(body).slice(0, 60)).toEqual({ status, code });
    }
    const huge = await t.app.inject({ method: 'POST', url: '/api/me/checkins', headers: { cookie: c.citizen!, 'content-type': 'application/json' }, payload: JSON.stringify({ venueToken: 'z'.repeat(2_000_000) }) });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(huge.json()).toMatchObject({ status: 413, code: 'body_too_large', limit: BODY_LIMIT });
    expect(huge.json().detail).toBe(`The request body is larger than ${BODY_LIMIT} bytes`);
    expect(await countRows(t, 'checkins')).toBe(before);
  });

  it('rotation by the owner or commune staff makes the old poster refused', async () => {
    const v1 = await venueToken();
    const byOwner = await api(t, c.owner!, 'POST', `/api/venues/${id.venue}/qr/rotate`);
    expect(byOwner.statusCode).toBe(200);
    expect(byOwner.json().version).toBe(2);
    const old = await selfScan(v1);
    expect(old.statusCode).toBe(410);
    expect(old.json().code).toBe('qr_revoked');
    expect((await selfScan(byOwner.json().token)).statusCode).toBe(201);
    const byStaff = await api(t, c.officer!, 'POST', `/api/venues/${id.venue}/qr/rotate`);
    expect(byStaff.statusCode).toBe(200);
    expect((await selfScan(byOwner.json().token)).statusCode).toBe(410);
    expect((await selfScan(byStaff.json().token)).statusCode).toBe(201);
    // an edit of the venue (its own version) does not invalidate the poster
    const venue = (await api(t, c.owner!, 'GET', `/api/venues/${id.venue}`)).json();
    expect((await api(t, c.owner!, 'PATCH', `/api/venues/${id.venue}`, { version: venue.version, openingHours: '6:00-18:00' })).statusCode).toBe(200);
    expect((await selfScan(byStaff.json().token)).statusCode).toBe(201);
  });

  it('authorisation: poster and token for the owner and staff who can read it; rotation for owner or commune staff', async () => {
    const poster = await t.app.inject({ method: 'GET', url: `/api/venues/${id.venue}/poster.pdf`, headers: { cookie: c.owner! } });
    expect(poster.statusCode).toBe(200);
    expect(poster.headers['content-type']).toBe('application/pdf');
    expect(poster.headers['content-disposition']).toMatch(/attachment/);
    expect((await api(t, c.officer!, 'GET', `/api/venues/${id.venue}/poster.pdf`)).statusCode).toBe(200);
    expect((await api(t, c.otherOwner!, 'GET', `/api/venues/${id.venue}/qr`)).statusCode).toBe(404);
    expect((await api(t, c.otherOwner!, 'GET', `/api/venues/${id.venue}/poster.pdf`)).statusCode).toBe(404);
    expect((await api(t, c.otherOwner!, 'POST', `/api/venues/${id.venue}/qr/rotate`)).statusCode).toBe(404);
    expect((await api(t, c.officerElsewhere!, 'GET', `/api/venues/${id.venue}/qr`)).statusCode).toBe(404);
    expect((await api(t, c.officerElsewhere!, 'POST', `/api/venues/${id.venue}/qr/rotate`)).statusCode).toBe(404);
    expect((await api(t, c.vaccinator!, 'POST', `/api/venues/${id.venue}/qr/rotate`)).statusCode).toBe(403);
    expect((await api(t, c.citizen!, 'GET', `/api/venues/${id.venue}/qr`)).statusCode).toBe(403);
    expect((await api(t, c.citizen!, 'POST', `/api/venues/${id.venue}/qr/rotate`)).statusCode).toBe(403);
    expect((await api(t, null, 'GET', `/api/venues/${id.venue}/poster.pdf`)).statusCode).toBe(401);
    // staff of the neighbouring commune can neither read nor rotate
    expect((await api(t, c.officerNgocHa!, 'POST', `/api/venues/${id.venue}/qr/rotate`)).statusCode).toBe(404);
  });
});

describe('expiry', () => {
  const DAY_MS = 86_400_000;
  /** The same code (reference and version) as if its token had been made `days` days ago. */
  const madeAgo = async (token: string, kind: 'person' | 'venue', days: number) => {
    const { r, v } = claims(token);
    return signQrToken(key, { kind, ref: r, version: v, issuedAt: new Date(Date.now() - days * DAY_MS) });
  };

  it('each token says when it stops working: its kind\'s configured age after it was made (365 days by default)', async () => {
    const mine = (await api(t, c.citizen!, 'GET', '/api/me/qr')).json();
    expect(Date.parse(mine.expiresAt) - Date.parse(mine.issuedAt)).toBe(30 * DAY_MS);
    expect(Math.abs(Date.parse(mine.issuedAt) - Date.now())).toBeLessThan(60_000);
    expect(claims(mine.token).i * 1000).toBe(Date.parse(mine.issuedAt));
    const poster = (await api(t, c.owner!, 'GET', `/api/venues/${id.venue}/qr`)).json();
    expect(Date.parse(poster.expiresAt) - Date.parse(poster.issuedAt)).toBe(60 * DAY_MS);
    const defaults = loadConfig({});
    expect([defaults.SEN_QR_PERSON_MAX_AGE_DAYS, defaults.SEN_QR_VENUE_MAX_AGE_DAYS]).toEqual([365, 365]);
  });

  it('a venue scanning a personal code older than its maximum age is refused (410 naming personToken); just younger passes', async () => {
    const token = await myToken(c.citizen!);
    const before = await countRows(t, 'checkins');
    const old = await scan(await madeAgo(token, 'person', 31));
    expect(old.statusCode).toBe(410);
    expect(old.json().code).toBe('qr_expired');
    expect(old.json().detail).toMatch(/^personToken: This personal QR code expired on \d{4}-\d{2}-\d{2} \(codes last 30 days\)/);
    expect(await countRows(t, 'checkins')).toBe(before);
    expect((await scan(await madeAgo(token, 'person', 29))).statusCode).toBe(201);
  });

  it('the offline batch is refused whole when one scanned code has expired, naming the item', async () => {
    const token = await myToken(c.citizen!);
    const before = await countRows(t, 'checkins');
    const checkins = [
      { personToken: token, checkedInAt: at(20), clientId: uuid() },
      { personToken: await madeAgo(token, 'person', 45), checkedInAt: at(10), clientId: uuid() },
    ];
    const res = await api(t, c.owner!, 'POST', `/api/venues/${id.venue}/checkins/batch`, { checkins });
    expect(res.statusCode).toBe(410);
    expect(res.json().code).toBe('qr_expired');
    expect(res.json().field ?? res.json().errors?.[0]?.field).toBe('checkins.1.personToken');
    expect(res.json().detail).toMatch(/^checkins\.1\.personToken: This personal QR code expired/);
    expect(await countRows(t, 'checkins')).toBe(before);
  });

  it('a citizen scanning a poster older than the venue maximum age is refused (410 naming venueToken); the venue limit is its own', async () => {
    const token = await venueToken();
    const before = await countRows(t, 'checkins');
    const old = await selfScan(await madeAgo(token, 'venue', 61));
    expect(old.statusCode).toBe(410);
    expect(old.json().code).toBe('qr_expired');
    expect(old.json().detail).toMatch(/^venueToken: This venue poster expired on \d{4}-\d{2}-\d{2} \(codes last 60 days\)/);
    expect(await countRows(t, 'checkins')).toBe(before);
    // 45 days: past the personal limit (30), inside the venue's (60).
    expect((await selfScan(await madeAgo(token, 'venue', 45))).statusCode).toBe(201);
  });
});
