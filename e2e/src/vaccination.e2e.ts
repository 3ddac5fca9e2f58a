import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchBrowser } from './browser';
import { baseUrl, signIn, call } from './session';

/** The demo commune of the commune roles (Phường Ba Đình); the vaccination staff account works there. */
const COMMUNE = '00004';
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const vnNow = () => new Date(Date.now() + 7 * 3_600_000).toISOString();
/** Today as the console writes it (dd/mm/yyyy, Viet Nam day). */
const formatToday = () => vnNow().slice(0, 10).split('-').reverse().join('/');

/** The dose count on the dashboard ("1.234" in vi-VN) once it has loaded. */
async function dashboardDoses(page: Page): Promise<number> {
  const cell = page.getByTestId('total-doses');
  const problem = page.getByRole('alert').first();
  await cell.or(problem).first().waitFor({ timeout: 30_000 });
  if (!(await cell.isVisible())) throw new Error(`The dashboard shows a problem: ${await problem.innerText()}`);
  return Number((await cell.innerText()).replace(/\D/g, ''));
}

interface Person {
  id: string;
  fullName: string;
  birthDate: string | null;
  identifiers: { kind: string; value: string }[];
}

/**
 * A new adult of the commune with a valid CCCD (Hà Nội 001, a man born in the 1900s: 0, then the year), so the test
 * does not depend on who the demo campaign has vaccinated already.
 */
async function newAdult(admin: Page, n: number): Promise<Person & { cccd: string }> {
  const cccd = `001085${String((Date.now() + n * 7919) % 1_000_000).padStart(6, '0')}`;
  const person = await call<Person>(admin, 'POST', '/api/people', {
    fullName: `Nguyễn Văn Thử ${['An', 'Bình', 'Cường'][n] ?? n}`, birthDate: '1985-05-05', sex: 'male', communeCode: COMMUNE, identifiers: [{ kind: 'cccd', value: cccd }],
  });
  return { ...person, cccd };
}

async function checkIn(staff: Page, person: Person & { cccd: string }) {
  await staff.fill('input[name="lookup"]', person.cccd);
  await staff.getByRole('search').getByRole('button', { name: 'Tìm kiếm', exact: true }).click();
  await staff.getByRole('button', { name: `Tiếp đón: ${person.fullName}` }).click();
  await staff.getByTestId('current-person').filter({ hasText: person.fullName }).waitFor();
}

async function screenNormal(staff: Page) {
  await staff.fill('input[name="vitals.temperatureC"]', '36,6');
  await staff.fill('input[name="vitals.pulse"]', '78');
  await staff.fill('input[name="vitals.systolic"]', '120');
  await staff.fill('input[name="vitals.diastolic"]', '78');
  await staff.fill('input[name="vitals.respiratoryRate"]', '18');
  await staff.getByRole('button', { name: 'Ghi kết quả khám sàng lọc' }).click();
  await staff.getByText('Đủ điều kiện tiêm', { exact: true }).waitFor();
}

async function giveDose(staff: Page, lotNumber: string) {
  await staff.getByRole('button', { name: /Chuyển sang tiêm/ }).click();
  await staff.getByRole('combobox', { name: 'Số lô' }).click();
  await staff.getByRole('option').filter({ hasText: lotNumber }).click();
  await staff.getByRole('button', { name: 'Ghi nhận mũi tiêm' }).click();
}

describe('vaccination staff at a site tablet, in Chromium', () => {
  let admin: Page;
  let staff: Page;
  let lot: { id: string; lotNumber: string };
  let session: { id: string };
  let site: { id: string; name: string };
  let storeName: string;

  // Stock the national admin sends down (a lot, a site store in the commune, doses received), then the site and
  // today's session made by the site staff.
  beforeAll(async () => {
    admin = await browser.newPage();
    staff = await browser.newPage({ locale: 'vi-VN', viewport: { width: 1180, height: 820 } }); // a landscape tablet
    await signIn(admin, 'admin');
    await signIn(staff, 'tiemchung');
    const stamp = Date.now().toString(36).toUpperCase();
    const expiry = new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10);
    lot = await call(admin, 'POST', '/api/vaccination/lots', { vaccineCode: 'pfizer', lotNumber: `E2E${stamp}`, expiryDate: expiry });
    storeName = `Kho điểm tiêm E2E ${stamp}`;
    const store = await call<{ id: string }>(admin, 'POST', '/api/vaccination/stores', { name: storeName, level: 'site', areaCode: COMMUNE });
    await call(admin, 'POST', `/api/vaccination/stores/${store.id}/receive`, { lotId: lot.id, doses: 60, clientId: `e2e-receive-${stamp}` });
    site = await call<{ id: string; name: string }>(staff, 'POST', '/api/vaccination/sites', {
      kind: 'fixed', name: `Trạm Y tế E2E ${stamp}`, areaCode: COMMUNE, capacityPerHour: 60, openingDays: [1, 2, 3, 4, 5, 6, 7], opensAt: '00:00', closesAt: '23:59', storeId: store.id,
    });
    const today = vnNow().slice(0, 10);
    session = await call(staff, 'POST', '/api/vaccination/sessions', { siteId: site.id, startsAt: `${today}T00:00`, endsAt: `${today}T23:59`, vaccines: ['pfizer'], capacity: 200 });
  });
  afterAll(async () => {
    await admin?.close();
    await staff?.close();
  });

  it('runs a person through arrival, screening, injection and observation, and the dashboard count rises', { timeout: 180_000 }, async () => {
    let reports: Page | null = null;
    try {
      const person = await newAdult(admin, 0);

      // The dashboard before, seen by whoever holds reports:read over the commune.
      const me = await call<{ scopes: string[] }>(staff, 'GET', '/api/auth/me');
      if (me.scopes.includes('reports:read')) reports = staff;
      else {
        reports = await browser.newPage({ locale: 'vi-VN' });
        await signIn(reports, 'xa.badinh');
      }
      await reports.goto(`${baseUrl}/reports`);
      const before = await dashboardDoses(reports);

      // The session page: open it, check the person in by CCCD, screen, inject.
      await staff.goto(`${baseUrl}/vaccination/sessions/${session.id}`);
      await staff.getByRole('button', { name: 'Mở buổi tiêm' }).click();
      await staff.getByText('Đang tiêm', { exact: true }).waitFor();
      await checkIn(staff, person);
      await screenNormal(staff);
      await staff.screenshot({ path: path.join(ARTIFACTS, 'vaccination-screening.png'), fullPage: true });
      await giveDose(staff, lot.lotNumber);

      // Observation: the person's card with a running 30-minute timer, then signed off.
      const card = staff.getByTestId('observation-card').filter({ hasText: person.fullName });
      await card.waitFor();
      await expect(card.getByText(/^(2\d|30):[0-5]\d$/).isVisible()).resolves.toBe(true);
      await staff.screenshot({ path: path.join(ARTIFACTS, 'vaccination-observation.png'), fullPage: true });
      await card.getByRole('button', { name: 'Không phản ứng' }).click();
      await card.getByText('Không phản ứng', { exact: true }).waitFor(); // the badge of a signed-off observation

      const history = await call<{ doses: { lotNumber: string | null; doseNumber: number }[] }>(staff, 'GET', `/api/vaccination/people/${person.id}/history`);
      expect(history.doses).toHaveLength(1);
      expect(history.doses[0]).toMatchObject({ lotNumber: lot.lotNumber, doseNumber: 1 });
      // The person's record shows the dose to staff.
      await staff.goto(`${baseUrl}/people/${person.id}`);
      await staff.getByTestId('person-doses').filter({ hasText: lot.lotNumber }).waitFor();

      // The dashboard counts the dose within seconds (rollups, not a scan).
      let after = before;
      for (let i = 0; i < 20 && after <= before; i++) {
        await reports.goto(`${baseUrl}/reports`);
        after = await dashboardDoses(reports);
        if (after <= before) await reports.waitForTimeout(1_000);
      }
      expect(after).toBeGreaterThan(before);
      await reports.screenshot({ path: path.join(ARTIFACTS, 'vaccination-dashboard.png'), fullPage: true });
    } finally {
      if (reports && reports !== staff) await reports.close();
    }
  });

  it('keeps screening and dose in the tablet queue while offline and sends them once when back online', { timeout: 120_000 }, async () => {
    const person = await newAdult(admin, 1);
    const current = await call<{ status: string }>(staff, 'GET', `/api/vaccination/sessions/${session.id}`);
    if (current.status === 'planned') await call(staff, 'POST', `/api/vaccination/sessions/${session.id}/open`);
    await staff.goto(`${baseUrl}/vaccination/sessions/${session.id}`);
    await checkIn(staff, person);

    await staff.context().setOffline(true);
    try {
      await screenNormal(staff);
      await staff.getByText(/Không có mạng: kết quả được tính trên máy/).waitFor();
      await giveDose(staff, lot.lotNumber);
      await staff.getByText('2 bản ghi đang chờ gửi lên máy chủ.').waitFor();
      await staff.screenshot({ path: path.join(ARTIFACTS, 'vaccination-offline.png'), fullPage: true });
    } finally {
      await staff.context().setOffline(false);
    }
    // Back online: the queue goes by itself.
    await staff.getByText(/bản ghi đang chờ gửi/).waitFor({ state: 'detached', timeout: 20_000 });
    const history = await call<{ doses: { lotNumber: string | null }[] }>(staff, 'GET', `/api/vaccination/people/${person.id}/history`);
    expect(history.doses.map((d) => d.lotNumber)).toEqual([lot.lotNumber]);
    const stored = await staff.evaluate(() => localStorage.getItem('sen.vaccination.queue'));
    expect(JSON.parse(stored ?? '[]')).toEqual([]);
  });

  it('shows the stock and takes a discard, the lot trace, the site with its sessions, and a citizen registers', { timeout: 120_000 }, async () => {
    // Stock: the site store's balance, then one opened-vial dose discarded through the movement form.
    await staff.goto(`${baseUrl}/vaccination/supply`);
    await staff.getByRole('combobox', { name: 'Kho' }).click();
    await staff.getByRole('option').filter({ hasText: storeName }).click();
    const row = staff.getByRole('row').filter({ hasText: lot.lotNumber });
    await row.waitFor();
    const onHand = async () => Number((await row.getByRole('cell').nth(3).innerText()).replace(/\D/g, ''));
    const before = await onHand();
    expect(before).toBeGreaterThan(0);
    await staff.getByRole('button', { name: 'Hủy liều' }).click();
    const dialog = staff.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Số lô' }).click();
    await staff.getByRole('option').filter({ hasText: lot.lotNumber }).click();
    await dialog.getByRole('textbox', { name: 'Số liều' }).fill('1');
    await dialog.getByRole('combobox', { name: 'Lý do hủy' }).click();
    await staff.getByRole('option', { name: 'Lọ đã mở còn thừa' }).click();
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(onHand).toBe(before - 1);
    await staff.screenshot({ path: path.join(ARTIFACTS, 'vaccination-supply.png'), fullPage: true });

    // The lot's trace, for the national admin.
    await admin.goto(`${baseUrl}/vaccination/lots/${lot.id}`);
    await admin.getByRole('heading', { name: `Truy vết lô ${lot.lotNumber}` }).waitFor();
    await admin.getByText('Lọ đã mở còn thừa').first().waitFor();

    // The site page lists today's session.
    await staff.goto(`${baseUrl}/vaccination/sites/${site.id}`);
    await staff.getByRole('heading', { name: site.name }).waitFor();
    await staff.getByRole('link', { name: formatToday() }).first().waitFor();
    await staff.screenshot({ path: path.join(ARTIFACTS, 'vaccination-site.png'), fullPage: true });

    // A citizen registers from "my record".
    const citizen = await browser.newPage({ locale: 'vi-VN' });
    try {
      await signIn(citizen, 'nguoidan');
      await citizen.goto(`${baseUrl}/me`);
      await citizen.getByRole('heading', { name: 'Tiêm chủng' }).waitFor();
      const register = citizen.getByRole('button', { name: 'Đăng ký tiêm' });
      if (await register.isVisible()) {
        await register.click();
        await citizen.getByText('Đã gửi đăng ký.').waitFor();
      }
      await citizen.getByText('Đang chờ xếp lịch').first().waitFor();
      await citizen.screenshot({ path: path.join(ARTIFACTS, 'vaccination-me.png'), fullPage: true });
    } finally {
      await citizen.close();
    }
  });
});
