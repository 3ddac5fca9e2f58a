import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { ARTIFACTS, launchBrowser } from './browser';
import { baseUrl, signIn, call, download } from './session';

/** Phường Ba Đình: the vaccination staff account `tiemchung` works there. */
const COMMUNE = '00004';
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The certificate PDF's first page as a PNG (Poppler's pdftoppm), and the HC1 text an independent decoder (zbarimg) reads from it. */
function certificateImage(pdf: Buffer): { png: string; hc1: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sen-e2e-cert-'));
  fs.writeFileSync(path.join(dir, 'cert.pdf'), pdf);
  execFileSync('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', '-singlefile', path.join(dir, 'cert.pdf'), path.join(dir, 'cert')]);
  const png = path.join(dir, 'cert.png');
  fs.copyFileSync(png, path.join(ARTIFACTS, 'certificate-page.png'));
  const hc1 = execFileSync('zbarimg', ['-q', '--raw', png], { encoding: 'utf8' }).split('\n').find((l) => l.startsWith('HC1:'));
  if (!hc1) throw new Error('no HC1 QR code on the certificate PDF');
  return { png, hc1: hc1.trim() };
}

const vnDay = (daysAgo: number) => new Date(Date.now() + 7 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);

/** Flips one Base45 character in the middle of the code: what a forger editing the payload produces. */
function tamper(hc1: string): string {
  const i = Math.floor(hc1.length / 2);
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  const next = alphabet[(alphabet.indexOf(hc1[i]!) + 7) % alphabet.length]!;
  return hc1.slice(0, i) + next + hc1.slice(i + 1);
}

describe('the offline verifier', () => {
  let context: BrowserContext;
  let cert: { png: string; hc1: string };
  let holderName: string;

  // A certificate the checkpoint rule accepts (full series, 14 days), as its PDF shows it.
  beforeAll(async () => {
    const admin = await browser.newPage();
    const staff = await browser.newPage();
    try {
      await signIn(admin, 'admin');
      await signIn(staff, 'tiemchung');
      // The demo citizen's own certificate when it is for a completed series older than 14 days (the demo certifies the
      // people of demo accounts first); else a new person of the commune given two backfilled Pfizer doses (90
      // and 60 days ago), confirmed by the site staff. Few calls: the server limits requests per address.
      const fortnightAgo = vnDay(14);
      const accepted = (c: { status: string; kind: string; doseNumber: number | null; seriesDoses: number | null; eventOn: string }) =>
        c.status === 'valid' && c.kind === 'vaccination' && c.doseNumber !== null && c.seriesDoses !== null && c.doseNumber >= c.seriesDoses && c.eventOn <= fortnightAgo;
      let certificateId: string | null = null;
      const citizen = await browser.newPage();
      try {
        await signIn(citizen, 'nguoidan');
        const mine = await call<{ items: { id: string; status: string; kind: string; doseNumber: number | null; seriesDoses: number | null; eventOn: string }[] }>(citizen, 'GET', '/api/me/certificates');
        const own = mine.items.find(accepted);
        if (own) {
          certificateId = own.id;
          holderName = (await call<{ fullName: string }>(citizen, 'GET', '/api/me/person')).fullName;
          cert = certificateImage(await download(citizen, `/api/me/certificates/${own.id}/pdf`));
        }
      } finally {
        await citizen.close();
      }
      if (!certificateId) {
        // A new person of the commune (the demo campaign may have vaccinated everyone there already).
        const unvaccinated = await call<{ id: string; fullName: string }>(admin, 'POST', '/api/people', {
          fullName: `Trần Thị Kiểm Thử ${Date.now().toString(36).toUpperCase().replace(/\d/g, '')}`, birthDate: '1980-05-17', sex: 'female', communeCode: COMMUNE,
        });
        holderName = unvaccinated.fullName;
        for (const [n, daysAgo] of [
          [1, 90],
          [2, 60],
        ] as const) {
          const id = randomUUID();
          await call(admin, 'POST', '/api/vaccination/backfills', {
            id, personId: unvaccinated.id, vaccineCode: 'pfizer', administeredOn: vnDay(daysAgo), doseNumber: n, source: 'Phiếu tiêm giấy', evidenceNote: 'Thẻ tiêm chủng bản giấy (kiểm thử e2e)',
          });
          await call(staff, 'POST', `/api/vaccination/backfills/${id}/review`, { decision: 'confirm' });
        }
        const issued = await call<{ issued: { id: string; doseNumber: number | null }[]; unchanged: { id: string; doseNumber: number | null }[] }>(admin, 'POST', `/api/people/${unvaccinated.id}/certificates`, {});
        certificateId = [...issued.issued, ...issued.unchanged].find((c) => c.doseNumber === 2)?.id ?? null;
        if (!certificateId) throw new Error(`no certificate for the completed series: ${JSON.stringify(issued)}`);
        cert = certificateImage(await download(admin, `/api/certificates/${certificateId}/pdf`));
      }
    } finally {
      await admin.close();
      await staff.close();
    }
    context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 412, height: 900 } });
  });
  afterAll(async () => {
    await context?.close();
  });

  it('loads /verify once, then with the network cut verifies a valid certificate (green) and a tampered one (red)', { timeout: 180_000 }, async () => {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/verify`);
    await page.getByTestId('trust-status').filter({ hasText: 'phiên bản' }).waitFor({ timeout: 30_000 });
    // The service worker has precached the app shell and the verifier's assets.
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      if (!reg.active) throw new Error('no active service worker');
    });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 }).catch(async () => {
      await page.reload(); // first load: claim may land after the page; a reload is controlled for sure
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    });

    await context.setOffline(true);
    try {
      await page.reload();
      await page.getByTestId('network-state').filter({ hasText: 'Ngoại tuyến' }).waitFor();
      await page.getByTestId('trust-status').filter({ hasText: 'phiên bản' }).waitFor();

      // A valid certificate from a picture of its PDF.
      await page.getByTestId('hc1-upload').setInputFiles(cert.png);
      const result = page.getByTestId('verify-result');
      await result.waitFor({ timeout: 30_000 });
      expect(await result.getAttribute('data-valid'), await result.innerText()).toBe('true');
      await expect(result.innerText()).resolves.toContain('HỢP LỆ');
      await expect(page.getByTestId('holder-name').innerText()).resolves.toBe(holderName);
      await page.screenshot({ path: path.join(ARTIFACTS, 'verifier-valid.png') });

      // The same code with one character changed.
      await page.fill('textarea[name="hc1"]', tamper(cert.hc1));
      await page.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
      await page.locator('[data-testid="verify-result"][data-valid="false"]').waitFor();
      await expect(result.innerText()).resolves.toContain('KHÔNG HỢP LỆ');
      await expect(page.getByTestId('fail-reason').innerText()).resolves.not.toBe('');
      await expect(page.getByTestId('holder-name').count()).resolves.toBe(0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'verifier-tampered.png') });
    } finally {
      await context.setOffline(false);
    }
  });
  it('an officer in checkpoint mode logs each passage, queued while offline and sent when back online', { timeout: 180_000 }, async () => {
    const officerContext = await browser.newContext({ locale: 'vi-VN', viewport: { width: 412, height: 900 } });
    try {
      const page = await officerContext.newPage();
      await signIn(page, 'chot');
      let checkpoints = (await call<{ items: { id: string; name: string; active: boolean }[] }>(page, 'GET', '/api/checkpoints')).items.filter((c) => c.active);
      if (checkpoints.length === 0) {
        await call(page, 'POST', '/api/checkpoints', { name: 'Chốt kiểm soát E2E', areaCode: COMMUNE });
        checkpoints = (await call<{ items: { id: string; name: string; active: boolean }[] }>(page, 'GET', '/api/checkpoints')).items.filter((c) => c.active);
      }
      const checkpoint = checkpoints[0]!;
      const day = vnDay(0);
      const before = await call<{ total: { pass: number; fail: number } }>(page, 'GET', `/api/checkpoints/${checkpoint.id}/passages?date=${day}`);

      await page.goto(`${baseUrl}/verify`);
      await page.getByTestId('trust-status').filter({ hasText: 'phiên bản' }).waitFor({ timeout: 30_000 });
      await page.getByRole('combobox', { name: 'Chốt kiểm soát (ghi nhận lượt qua)' }).click();
      await page.getByRole('option', { name: checkpoint.name }).click();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 }).catch(async () => {
        await page.reload();
        await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      });

      // Online: the passage is logged at once.
      await page.getByTestId('hc1-upload').setInputFiles(cert.png);
      await page.getByText('Đã ghi nhận lượt qua chốt.').waitFor({ timeout: 30_000 });

      // Offline: verified on the device, the passage waits; back online, it is sent.
      await officerContext.setOffline(true);
      await page.fill('textarea[name="hc1"]', tamper(cert.hc1));
      await page.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
      await page.getByText('Lượt qua chốt được lưu, sẽ gửi khi có mạng.').waitFor();
      await page.getByText('1 lượt qua chờ gửi').waitFor();
      await officerContext.setOffline(false);
      await page.getByText('1 lượt qua chờ gửi').waitFor({ state: 'detached', timeout: 30_000 });

      const after = await call<{ total: { pass: number; fail: number } }>(page, 'GET', `/api/checkpoints/${checkpoint.id}/passages?date=${day}`);
      expect(after.total.pass - before.total.pass).toBe(1);
      expect(after.total.fail - before.total.fail).toBe(1);
      // The trust list is kept in IndexedDB (revocations as bytes), not in localStorage.
      const kept = await page.evaluate(async () => {
        const db = await new Promise<IDBDatabase>((ok, ko) => {
          const r = indexedDB.open('sen-verifier');
          r.onsuccess = () => ok(r.result);
          r.onerror = () => ko(r.error);
        });
        const list = await new Promise<{ skeleton: string; hashes: Uint8Array[] } | undefined>((ok, ko) => {
          const r = db.transaction('trust').objectStore('trust').get('list');
          r.onsuccess = () => ok(r.result as { skeleton: string; hashes: Uint8Array[] } | undefined);
          r.onerror = () => ko(r.error);
        });
        return { legacy: localStorage.getItem('sen.verifier.trustList'), skeleton: typeof list?.skeleton, binary: (list?.hashes ?? []).every((h) => h instanceof Uint8Array) };
      });
      expect(kept).toEqual({ legacy: null, skeleton: 'string', binary: true });
    } finally {
      await officerContext.close();
    }
  });

  it("a citizen scans a checkpoint's QR (printed by the officer) and shows the result of their own certificate, logged without their name", { timeout: 180_000 }, async () => {
    const officerContext = await browser.newContext({ locale: 'vi-VN' });
    const citizenContext = await browser.newContext({ locale: 'vi-VN', viewport: { width: 412, height: 900 } });
    try {
      const officer = await officerContext.newPage();
      await signIn(officer, 'chot');
      const name = `Chốt cầu Long Biên ${Date.now().toString(36)}`;
      const created = await call<{ id: string }>(officer, 'POST', '/api/checkpoints', { name, areaCode: COMMUNE });
      await officer.goto(`${baseUrl}/checkpoints`);
      const row = officer.getByTestId('checkpoint-list').getByRole('row').filter({ hasText: name });
      await row.getByRole('button', { name: 'Xem mã QR' }).click();
      const qr = officer.getByTestId('checkpoint-qr');
      await qr.getByRole('img').waitFor();
      const link = await qr.getAttribute('data-qr-text');
      expect(link).toMatch(new RegExp(`^${baseUrl}/pass\\?cp=[A-Za-z0-9_-]{16,64}$`));
      await officer.goto(`${baseUrl}/checkpoints/${created.id}/print`);
      await officer.getByTestId('checkpoint-poster').getByText(name).waitFor();
      await officer.screenshot({ path: path.join(ARTIFACTS, 'checkpoint-poster.png') });
      const day = vnDay(0);
      const before = await call<{ total: { pass: number; fail: number } }>(officer, 'GET', `/api/checkpoints/${created.id}/passages?date=${day}`);

      const citizen = await citizenContext.newPage();
      await signIn(citizen, 'nguoidan');
      const mine = await call<{ items: { status: string; hcert: string | null }[] }>(citizen, 'GET', '/api/me/certificates');
      await citizen.goto(link!);
      if (!mine.items.some((c) => c.status === 'valid' && c.hcert)) {
        await citizen.getByTestId('no-certificate').waitFor();
        return;
      }
      await citizen.getByTestId('pass-show').click();
      const result = citizen.getByTestId('verify-result');
      await result.waitFor({ timeout: 30_000 });
      await citizen.getByTestId('pass-checkpoint').filter({ hasText: name }).waitFor({ timeout: 30_000 });
      await citizen.getByText('Đã ghi nhận lượt qua chốt').waitFor();
      await citizen.screenshot({ path: path.join(ARTIFACTS, 'checkpoint-pass.png') });
      const passed = (await result.getAttribute('data-valid')) === 'true';
      const after = await call<{ total: { pass: number; fail: number } }>(officer, 'GET', `/api/checkpoints/${created.id}/passages?date=${day}`);
      expect([after.total.pass - before.total.pass, after.total.fail - before.total.fail]).toEqual(passed ? [1, 0] : [0, 1]);
    } finally {
      await officerContext.close();
      await citizenContext.close();
    }
  });
});
