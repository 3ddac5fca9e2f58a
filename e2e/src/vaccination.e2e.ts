import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchBrowser } from './browser';
import { pdfToPng } from './pdf';
import { baseUrl, signIn, call, download } from './session';

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
/** A number as the console writes it (vi-VN grouping: "1.234", "12,5"). */
const formatNumber = (n: number) => new Intl.NumberFormat('vi-VN').format(n);
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

/** Check-in by the person's printed QR card (for people without a phone): the tablet reads the card's picture. */
async function checkInByQr(staff: Page, person: Person) {
  const card = pdfToPng(await download(staff, `/api/people/${person.id}/qr-card.pdf`), `vaccination-qr-card-${person.id.slice(-6)}`, 150);
  await staff.getByTestId('person-qr-upload').setInputFiles(card);
  const current = staff.getByTestId('current-person').filter({ hasText: person.fullName });
  const problem = staff.getByRole('alert').first();
  await current.or(problem).first().waitFor({ timeout: 30_000 });
  if (!(await current.isVisible())) throw new Error(`QR check-in refused: ${await problem.innerText()}`);
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
  /** People given a dose from the lot by the tests, for its trace. */
  const dosed: Person[] = [];

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
      await checkInByQr(staff, person);
      const arrivals = await call<{ items: { personId: string; method: string }[] }>(staff, 'GET', `/api/vaccination/sessions/${session.id}/arrivals`);
      expect(arrivals.items.find((a) => a.personId === person.id)?.method).toBe('qr');
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
      dosed.push(person);
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
    dosed.push(person);
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

    // The lot's trace, for the national admin: the stock, then the doses given from it and to whom, with the CSV.
    await admin.goto(`${baseUrl}/vaccination/lots/${lot.id}`);
    await admin.getByRole('heading', { name: `Truy vết lô ${lot.lotNumber}` }).waitFor();
    await admin.getByText('Lọ đã mở còn thừa').first().waitFor();
    expect(dosed.length).toBeGreaterThan(0);
    for (const p of dosed) await admin.getByTestId('lot-doses').getByRole('link', { name: p.fullName }).waitFor();
    const csv = (await download(admin, (await admin.getByTestId('lot-doses-csv').getAttribute('href'))!)).toString('utf8');
    for (const p of dosed) expect(csv).toContain(p.fullName);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(dosed.length + 1); // the header and one line a dose
    await admin.screenshot({ path: path.join(ARTIFACTS, 'vaccination-lot-trace.png'), fullPage: true });

    // The site page lists today's session.
    await staff.goto(`${baseUrl}/vaccination/sites/${site.id}`);
    await staff.getByRole('heading', { name: site.name }).waitFor();
    await staff.getByRole('link', { name: formatToday() }).first().waitFor();
    await staff.screenshot({ path: path.join(ARTIFACTS, 'vaccination-site.png'), fullPage: true });

    // A citizen registers from "my record". The demo may have registered them already: an open registration is
    // cancelled first, so the form is there and the new registration is the one that appears.
    const citizen = await browser.newPage({ locale: 'vi-VN' });
    try {
      await signIn(citizen, 'nguoidan');
      type Mine = { items: { id: string; status: string; source: string }[] };
      const before = await call<Mine>(citizen, 'GET', '/api/vaccination/registrations/me');
      for (const r of before.items.filter((x) => x.status === 'active')) await call(citizen, 'POST', `/api/vaccination/registrations/${r.id}/cancel`);
      await citizen.goto(`${baseUrl}/me`);
      await citizen.getByRole('heading', { name: 'Tiêm chủng' }).waitFor();
      await citizen.getByRole('button', { name: 'Đăng ký tiêm' }).click();
      await citizen.getByText('Đã gửi đăng ký.').waitFor();
      await citizen.getByTestId('my-registration').filter({ hasText: 'Đang chờ xếp lịch' }).waitFor();
      const after = await call<Mine>(citizen, 'GET', '/api/vaccination/registrations/me');
      const open = after.items.filter((x) => x.status === 'active');
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ source: 'self' });
      expect(before.items.map((x) => x.id)).not.toContain(open[0]!.id);
      await citizen.screenshot({ path: path.join(ARTIFACTS, 'vaccination-me.png'), fullPage: true });
    } finally {
      await citizen.close();
    }
  });

  it('staff register a person without a smartphone, invite them to a session, and see them as a no-show after closing', { timeout: 180_000 }, async () => {
    const person = await newAdult(admin, 2);
    // From the person's record.
    await staff.goto(`${baseUrl}/people/${person.id}`);
    await staff.getByRole('button', { name: 'Đăng ký tiêm cho người này' }).click();
    const dialog = staff.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Đăng ký tiêm' }).click();
    await dialog.getByText(`Đã đăng ký tiêm cho ${person.fullName}.`).waitFor();
    await dialog.getByTestId('person-registrations').filter({ hasText: 'Đang chờ xếp lịch' }).filter({ hasText: 'Cán bộ đăng ký' }).waitFor();
    const registered = await call<{ items: { personId: string; status: string; source: string }[] }>(staff, 'GET', `/api/vaccination/registrations?personId=${person.id}`);
    expect(registered.items).toEqual([expect.objectContaining({ personId: person.id, status: 'active', source: 'staff' })]);
    await staff.keyboard.press('Escape');

    // Tomorrow's session at the site, with room for every candidate of the commune, invites them.
    const tomorrow = new Date(Date.now() + 31 * 3_600_000).toISOString().slice(0, 10);
    const later = await call<{ id: string }>(staff, 'POST', '/api/vaccination/sessions', { siteId: site.id, startsAt: `${tomorrow}T08:00`, endsAt: `${tomorrow}T11:00`, vaccines: ['pfizer'], capacity: 5000 });
    await staff.goto(`${baseUrl}/vaccination/sessions/${later.id}/invitations`);
    await staff.getByRole('button', { name: 'Mời tiêm' }).click();
    await staff.getByTestId('invitation-result').waitFor();
    const row = staff.getByTestId('invitations').getByRole('row').filter({ hasText: person.fullName });
    await row.filter({ hasText: 'Đã mời' }).waitFor();
    await staff.screenshot({ path: path.join(ARTIFACTS, 'vaccination-invitations.png'), fullPage: true });

    // The session opens and closes without them: a no-show.
    await staff.goto(`${baseUrl}/vaccination/sessions/${later.id}`);
    await staff.getByRole('button', { name: 'Mở buổi tiêm' }).click();
    await staff.getByRole('button', { name: 'Kết thúc buổi tiêm' }).click();
    await staff.getByText('Đã kết thúc', { exact: true }).waitFor();
    await staff.goto(`${baseUrl}/vaccination/sessions/${later.id}/invitations`);
    await staff.getByLabel('Chỉ người không đến').check();
    await row.filter({ hasText: 'Không đến' }).waitFor();
    await staff.getByTestId('count-no_show').waitFor();
  });

  it('records a dose given elsewhere, refuses its recorder as reviewer, and another officer confirms it', { timeout: 120_000 }, async () => {
    const person = await newAdult(admin, 3);
    await staff.goto(`${baseUrl}/people/${person.id}`);
    await staff.getByRole('button', { name: 'Bổ sung mũi đã tiêm' }).click();
    await staff.getByTestId('backfill-person').filter({ hasText: person.fullName }).waitFor();
    await staff.getByRole('combobox', { name: 'Vắc xin' }).click();
    await staff.getByRole('option', { name: 'AstraZeneca (Vaxzevria)' }).click();
    const longAgo = new Date(Date.now() - 200 * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10).split('-').reverse().join('/');
    await staff.fill('input[name="administeredOn"]', longAgo);
    await staff.fill('input[name="place"]', 'Bệnh viện Bạch Mai');
    await staff.fill('input[name="source"]', 'Phiếu xác nhận tiêm giấy');
    await staff.fill('textarea[name="evidenceNote"]', 'Phiếu có dấu đỏ của bệnh viện, số phiếu 1234');
    await staff.getByRole('button', { name: 'Ghi mũi tiêm' }).click();
    await staff.getByTestId('backfill-saved').waitFor();

    // The recorder cannot confirm it: the refusal says why.
    const review = `Xác minh: ${person.fullName}`;
    await staff.getByRole('button', { name: review }).click();
    await staff.getByRole('dialog').getByRole('button', { name: 'Xác nhận' }).click();
    await staff.getByRole('dialog').getByText('Cần người khác xác minh').waitFor();
    await staff.screenshot({ path: path.join(ARTIFACTS, 'vaccination-backfill-self-review.png'), fullPage: true });
    await staff.keyboard.press('Escape');

    // The national admin confirms it; it leaves the queue and counts as verified.
    await admin.goto(`${baseUrl}/vaccination/backfills`);
    await admin.getByRole('button', { name: review }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Xác nhận' }).click();
    await admin.getByRole('dialog').waitFor({ state: 'detached' });
    const history = await call<{ doses: { verified: boolean; vaccineCode: string; source: string }[] }>(admin, 'GET', `/api/vaccination/people/${person.id}/history`);
    expect(history.doses).toEqual([expect.objectContaining({ verified: true, vaccineCode: 'astrazeneca', source: 'backfill' })]);
    await admin.getByRole('button', { name: review }).waitFor({ state: 'detached' });
  });

  it('imports a target list with a broken row: progress, what was stored and refused, and the error report', { timeout: 120_000 }, async () => {
    const stamp = Date.now().toString(36);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sen-e2e-targets-')), `danh-sach-${stamp}.csv`);
    fs.writeFileSync(file, [
      'Họ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Số điện thoại,Mã xã,Nhóm ưu tiên',
      `Trần Thị Danh Sách ${stamp},12/03/1960,Nữ,,,${COMMUNE},G08`,
      `Lê Văn Danh Sách ${stamp},1955,Nam,,,${COMMUNE},8`,
      `Phạm Văn Lỗi ${stamp},32/13/1990,Nam,,,${COMMUNE},G01`,
    ].join('\r\n'));

    await staff.goto(`${baseUrl}/vaccination/targets`);
    await staff.getByRole('button', { name: '+ Tạo danh sách' }).click();
    await staff.fill('input[name="listName"]', `Người cao tuổi tổ 5 (${stamp})`);
    await staff.fill('input[name="listArea"]', 'Ba Đình');
    await staff.getByRole('option').filter({ hasText: COMMUNE }).first().click();
    await staff.getByRole('dialog').getByRole('button', { name: 'Lưu' }).click();
    await staff.waitForURL(/\/vaccination\/targets\?list=[0-9a-f-]{36}$/);

    await staff.getByTestId('target-file').setInputFiles(file);
    await staff.getByRole('button', { name: 'Tải lên', exact: true }).click();
    const result = staff.getByTestId('import-result');
    await result.waitFor({ timeout: 60_000 });
    await expect(result.innerText()).resolves.toMatch(/Đã lưu: 2 dòng[\s\S]*Người mới tạo: 2[\s\S]*Dòng bị từ chối: 1/);
    const report = (await download(staff, (await staff.getByTestId('import-errors').getAttribute('href'))!)).toString('utf8');
    expect(report).toContain('"4"'); // the header is row 1: the broken person is row 4
    expect(report).toContain('Ngày sinh');
    await staff.getByTestId('target-entries').getByText(`Trần Thị Danh Sách ${stamp}`).waitFor();
    await staff.getByTestId('target-entries').getByText(`Lê Văn Danh Sách ${stamp}`).waitFor();
    await staff.screenshot({ path: path.join(ARTIFACTS, 'vaccination-target-import.png'), fullPage: true });
  });

  it('lets the national admin read and extend the catalog, and classify an adverse event', { timeout: 120_000 }, async () => {
    await admin.goto(`${baseUrl}/vaccination/catalog`);
    await admin.getByText('Đang áp dụng').waitFor();
    const versions = await call<{ items: { version: number; validFrom: string }[] }>(admin, 'GET', '/api/vaccination/catalog/versions');
    const latest = versions.items.reduce((a, b) => (a.validFrom > b.validFrom ? a : b));

    // A new version from a day well ahead (today's doses keep today's rules), with Abdala allowed up to 70.
    const from = new Date(Date.now() + 60 * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);
    await admin.getByRole('link', { name: '+ Tạo phiên bản mới' }).click();
    await admin.getByRole('heading', { name: `Phiên bản mới (sao chép từ phiên bản ${latest.version})` }).waitFor();
    await admin.fill('input[name="validFrom"]', from.split('-').reverse().join('/'));
    await admin.fill('input[name="source"]', 'Kiểm thử e2e: mở rộng tuổi Abdala');
    await admin.getByRole('button', { name: /^Abdala/ }).click();
    await admin.fill('input[name="abdala.maxAgeYears"]', '70');
    await admin.getByText('1 thay đổi so với phiên bản trước.').waitFor();
    await admin.getByRole('button', { name: 'Lưu phiên bản' }).click();
    await admin.waitForURL(new RegExp(`/vaccination/catalog/${latest.version + 1}$`));
    await admin.getByTestId('catalog-vaccines').getByRole('row').filter({ hasText: 'abdala' }).filter({ hasText: '19–70 tuổi' }).waitFor();
    const created = await call<{ validFrom: string; vaccines: { code: string; maxAgeYears: number | null }[] }>(admin, 'GET', `/api/vaccination/catalog/versions/${latest.version + 1}`);
    expect(created.validFrom).toBe(from);
    expect(created.vaccines.find((x) => x.code === 'abdala')?.maxAgeYears).toBe(70);
    await admin.screenshot({ path: path.join(ARTIFACTS, 'vaccination-catalog.png'), fullPage: true });

    // The 16 priority groups.
    await admin.goto(`${baseUrl}/vaccination/priority-groups`);
    await expect.poll(async () => admin.getByTestId('priority-groups').locator('tbody tr').count()).toBe(16);

    // The investigator classifies the first adverse event waiting for it (the demo campaign reports some).
    const note = `Kiểm thử e2e ${Date.now().toString(36)}`;
    await admin.goto(`${baseUrl}/vaccination/adverse-events`);
    await admin.getByRole('button', { name: 'Phân loại nguyên nhân' }).first().click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Phân loại nguyên nhân (WHO)' }).click();
    await admin.getByRole('option', { name: /^C · / }).click();
    await dialog.locator('textarea[name="causalityNote"]').fill(note);
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await dialog.waitFor({ state: 'detached' });
    const classified = await call<{ items: { causality: string | null; causalityNote: string | null }[] }>(admin, 'GET', '/api/vaccination/adverse-events?pendingCausality=false&limit=500');
    expect(classified.items.find((e) => e.causalityNote === note)?.causality).toBe('C');
  });

  it('plans the doses of Hà Nội (propose, store, approve), allocates the share of Ba Đình from the province store and releases part of it', { timeout: 240_000 }, async () => {
    interface Store { id: string; name: string; areaCode: string }
    interface Plan { id: string | null; status: string | null; dosesToAllocate: number; lines: { areaCode: string; areaName: string; dosesToAllocate: number }[] }
    interface Stock { items: { lotId: string; onHand: number; reserved: number; available: number }[]; reservations: { lotId: string; forStoreId: string; doses: number }[] }
    const today = vnNow().slice(0, 10);
    const in30 = new Date(Date.parse(`${today}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
    const provinceStore = (await call<{ items: Store[] }>(admin, 'GET', '/api/vaccination/stores?area=01&level=province')).items.find((x) => x.areaCode === '01')!;
    const communeStore = (await call<{ items: Store[] }>(admin, 'GET', `/api/vaccination/stores?area=${COMMUNE}&level=commune`)).items[0]!;
    expect(provinceStore && communeStore).toBeTruthy();
    // Doses of the test's lot at the province store to allocate from.
    await call(admin, 'POST', `/api/vaccination/stores/${provinceStore.id}/receive`, { lotId: lot.id, doses: 120, clientId: `e2e-plan-receive-${lot.id}` });
    // Ba Đình's demo figures are small and its site vaccinated many of them: a census update gives it a need, so
    // the plan (split by each commune's own need) has doses for it.
    await call(admin, 'PUT', `/api/areas/${COMMUNE}/population`, { population: 9000, population18Plus: 7000, population50Plus: 2500 });

    // Propose: the table is the server's computation for the province's communes.
    await admin.goto(`${baseUrl}/vaccination/allocation-plans`);
    await admin.fill('input[name="planArea"]', 'Hà Nội');
    await admin.getByRole('option').filter({ hasText: /· 01$/ }).click();
    await admin.getByRole('combobox', { name: 'Vắc xin' }).click();
    await admin.getByRole('option', { name: 'Pfizer-BioNTech (Comirnaty)' }).click();
    await admin.fill('input[name="coverageGoalPct"]', '80');
    await admin.getByRole('button', { name: 'Tính đề xuất' }).click();
    const proposal = admin.getByTestId('plan-proposal');
    await proposal.waitFor({ timeout: 30_000 });
    const expected = await call<Plan>(admin, 'POST', '/api/vaccination/allocation-plans/propose', { areaCode: '01', vaccineCode: 'pfizer', periodFrom: today, periodTo: in30, coverageGoalPct: 80, targetGroup: 'adults' });
    const line = expected.lines.find((l) => l.areaCode === COMMUNE)!;
    expect(line.dosesToAllocate).toBeGreaterThan(0);
    await proposal.getByTestId('plan-totals').filter({ hasText: formatNumber(expected.dosesToAllocate) }).waitFor();
    await proposal.getByRole('row').filter({ hasText: line.areaName }).filter({ hasText: formatNumber(line.dosesToAllocate) }).first().waitFor();
    await expect(proposal.getByTestId('plan-lines').locator('tbody tr').count()).resolves.toBe(expected.lines.length);
    await admin.screenshot({ path: path.join(ARTIFACTS, 'vaccination-allocation-proposal.png'), fullPage: true });

    // Store, then approve.
    await admin.getByRole('button', { name: 'Lưu kế hoạch' }).click();
    await admin.waitForURL(/\/vaccination\/allocation-plans\/[0-9a-f-]{36}$/);
    const planId = admin.url().split('/').pop()!;
    await admin.getByTestId('plan-status').filter({ hasText: 'Đề xuất' }).waitFor();
    await admin.getByRole('button', { name: 'Phê duyệt' }).click();
    await admin.getByTestId('plan-status').filter({ hasText: 'Đã phê duyệt' }).waitFor();
    const stored = await call<Plan>(admin, 'GET', `/api/vaccination/allocation-plans/${planId}`);
    expect(stored).toMatchObject({ id: planId, status: 'approved', dosesToAllocate: expected.dosesToAllocate });
    expect(stored.lines).toEqual(expected.lines);

    // From Ba Đình's line: 12 doses of the lot reserved at the province store for Ba Đình's store.
    await admin.getByRole('button', { name: `Phân bổ cho ${line.areaName}` }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Số lô' }).click();
    await admin.getByRole('option').filter({ hasText: lot.lotNumber }).click();
    await dialog.getByRole('combobox', { name: 'Phân bổ cho kho' }).click();
    await admin.getByRole('option', { name: communeStore.name, exact: true }).click();
    await dialog.getByRole('textbox', { name: 'Số liều' }).fill('12');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await dialog.waitFor({ state: 'detached' });
    await admin.getByTestId('allocation-done').filter({ hasText: `Đã phân bổ 12 liều cho ${communeStore.name}` }).waitFor();
    await admin.screenshot({ path: path.join(ARTIFACTS, 'vaccination-allocation-plan.png'), fullPage: true });
    const held = await call<Stock>(admin, 'GET', `/api/vaccination/stores/${provinceStore.id}/stock`);
    expect(held.reservations).toContainEqual(expect.objectContaining({ lotId: lot.id, forStoreId: communeStore.id, doses: 12 }));
    const item = held.items.find((i) => i.lotId === lot.id)!;
    expect(item).toMatchObject({ onHand: 120, reserved: 12, available: 108 });

    // The list shows the approved plan.
    await admin.goto(`${baseUrl}/vaccination/allocation-plans`);
    await admin.getByTestId('allocation-plans').getByRole('row').filter({ hasText: 'Đã phê duyệt' }).filter({ hasText: formatNumber(expected.dosesToAllocate) }).first().waitFor();

    // The stock page: reserved and available for the lot, the reservation, and 5 doses released from it.
    await admin.goto(`${baseUrl}/vaccination/supply`);
    await admin.getByRole('combobox', { name: 'Kho' }).click();
    await admin.getByRole('option').filter({ hasText: provinceStore.name }).click();
    const row = admin.getByRole('row').filter({ hasText: lot.lotNumber }).first();
    await row.waitFor();
    const cell = async (n: number) => (await row.getByRole('cell').nth(n).innerText()).trim();
    await expect.poll(() => cell(4)).toBe('12');
    expect(await cell(5)).toBe(formatNumber(108));
    const reservation = admin.getByTestId('stock-reservations').getByRole('row').filter({ hasText: communeStore.name });
    await reservation.getByRole('button', { name: 'Trả lại phân bổ' }).click();
    await expect(dialog.getByRole('checkbox').isChecked()).resolves.toBe(true);
    await dialog.getByRole('textbox', { name: 'Số liều' }).fill('5');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => cell(4)).toBe('7');
    await reservation.filter({ hasText: '7' }).waitFor();
    const after = await call<Stock>(admin, 'GET', `/api/vaccination/stores/${provinceStore.id}/stock`);
    expect(after.reservations.filter((r) => r.lotId === lot.id)).toEqual([expect.objectContaining({ forStoreId: communeStore.id, doses: 7 })]);
    await admin.screenshot({ path: path.join(ARTIFACTS, 'vaccination-allocation-stock.png'), fullPage: true });

    // The lot's trace names the allocations, with the receiving store, and nets them in the totals.
    await admin.goto(`${baseUrl}/vaccination/lots/${lot.id}`);
    await admin.getByText(`giữ 12 liều cho ${communeStore.name}`).waitFor();
    await admin.getByText(`bớt 5 liều đã giữ cho ${communeStore.name}`).waitFor();
    const header = await admin.getByRole('columnheader').allInnerTexts();
    const provinceRow = admin.getByRole('row').filter({ hasText: provinceStore.name }).first();
    expect(await provinceRow.getByRole('cell').nth(header.indexOf('Phân bổ')).innerText()).toBe('7');
  });

  it('shows adult coverage on the dashboard, splits doses per day by vaccine, and lists a serious adverse event with its CSV', { timeout: 120_000 }, async () => {
    // A serious adverse event after one of the tests' doses (onset now, so in the dashboard's period).
    expect(dosed.length).toBeGreaterThan(0);
    const history = await call<{ doses: { id: string }[] }>(staff, 'GET', `/api/vaccination/people/${dosed[0]!.id}/history`);
    const event = await call<{ id: string }>(staff, 'POST', '/api/vaccination/adverse-events', {
      id: crypto.randomUUID(), doseId: history.doses[0]!.id, onsetAt: new Date().toISOString(), symptoms: ['anaphylaxis'], serious: true, seriousCriteria: ['life_threatening'],
      severity: 'severe', outcome: 'recovering',
    });

    await admin.goto(`${baseUrl}/reports`);
    const coverage = admin.getByTestId('adult-coverage');
    await coverage.waitFor({ timeout: 30_000 });
    const today = vnNow().slice(0, 10);
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    const d = await call<{ totals: { adults18PlusAtLeastOneDosePct: number | null; population18Plus: number | null } }>(admin, 'GET', `/api/reports/dashboard?from=${from}&to=${today}`);
    expect(d.totals.population18Plus).toBeGreaterThan(0);
    expect(d.totals.adults18PlusAtLeastOneDosePct).toBeGreaterThan(0);
    await expect.poll(() => coverage.innerText()).toBe(`${formatNumber(d.totals.adults18PlusAtLeastOneDosePct!)}%`);

    // Doses per day by vaccine: the split report is asked for.
    const split = admin.waitForResponse((r) => r.url().includes('/api/reports/doses?') && r.url().includes('split=vaccine') && r.status() === 200);
    await admin.getByRole('radiogroup', { name: 'Chia theo' }).getByText('Vắc xin', { exact: true }).click();
    const rows = ((await (await split).json()) as { rows: { vaccine: string; doses: number }[] }).rows;
    expect(rows.some((r) => r.vaccine === 'pfizer' && r.doses > 0)).toBe(true);

    // Serious adverse events: the new one in the table (no names) and in the CSV.
    const serious = admin.getByTestId('serious-adverse-events');
    await serious.getByText(event.id).waitFor();
    const csv = (await download(admin, (await admin.getByRole('link', { name: /^Tải CSV \(tối đa 500 ca/ }).getAttribute('href'))!)).toString('utf8');
    expect(csv).toContain('Tiêu chí nghiêm trọng');
    expect(csv).toContain(event.id);
    expect(csv).not.toContain(dosed[0]!.fullName);
    await admin.screenshot({ path: path.join(ARTIFACTS, 'vaccination-dashboard-adults.png'), fullPage: true });
  });

  it('says why a refusal happened: commune staff may not register a lot, and nothing is stored', { timeout: 60_000 }, async () => {
    const lotNumber = `E2E403${Date.now().toString(36).toUpperCase()}`;
    await staff.goto(`${baseUrl}/vaccination/lots`);
    await staff.getByRole('button', { name: '+ Thêm lô' }).click();
    const dialog = staff.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Vắc xin' }).click();
    await staff.getByRole('option', { name: 'Pfizer-BioNTech (Comirnaty)' }).click();
    await dialog.getByRole('textbox', { name: 'Số lô' }).fill(lotNumber);
    await dialog.getByRole('textbox', { name: 'Hạn dùng' }).fill('31/12/2030');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    const alert = dialog.getByRole('alert');
    await alert.getByText('Bạn không có quyền thực hiện thao tác này', { exact: false }).waitFor();
    await alert.getByTestId('problem-detail').filter({ hasText: 'Lý do: Lots are registered by vaccination staff at country or province level' }).waitFor();
    const lots = await call<{ items: { lotNumber: string }[] }>(admin, 'GET', '/api/vaccination/lots?limit=500');
    expect(lots.items.map((l) => l.lotNumber)).not.toContain(lotNumber);
  });
});
