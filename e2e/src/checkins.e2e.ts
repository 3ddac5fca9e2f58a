import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchBrowser } from './browser';
import { pdfToPng } from './pdf';
import { baseUrl, signIn, call, download } from './session';

/** Phường Ba Đình: the commune of the business administrator `doanhnghiep` and of the demo citizen. */
const COMMUNE = '00004';
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Person {
  id: string;
  fullName: string;
  identifiers: { kind: string; value: string }[];
}

describe('check-in by scanning a venue poster, then tracing', () => {
  let owner: Page;
  let citizen: Page;
  let tracer: Page;

  beforeAll(async () => {
    owner = await browser.newPage({ locale: 'vi-VN' });
    citizen = await browser.newPage({ locale: 'vi-VN', viewport: { width: 412, height: 900 } }); // a phone
    tracer = await browser.newPage({ locale: 'vi-VN' });
    await signIn(owner, 'doanhnghiep');
    await signIn(citizen, 'nguoidan');
    await signIn(tracer, 'truyvet');
  });
  afterAll(async () => {
    await owner?.close();
    await citizen?.close();
    await tracer?.close();
  });

  it('a citizen checks in from the poster image and the tracer finds them as a contact of a positive there', { timeout: 240_000 }, async () => {
    const me = await call<{ personId: string | null }>(citizen, 'GET', '/api/auth/me');
    expect(me.personId).toBeTruthy();
    const citizenPerson = await call<Person>(tracer, 'GET', `/api/people/${me.personId}`);

    // The positive: another adult of the commune with a CCCD (the tracer can look people up).
    const people = await call<{ items: Person[] }>(tracer, 'GET', `/api/people?area=${COMMUNE}&q=nguyen&limit=50`);
    const positive = people.items.find((p) => p.id !== me.personId && p.identifiers.some((i) => i.kind === 'cccd'));
    if (!positive) throw new Error('no person with a CCCD in the demo commune');
    const cccd = positive.identifiers.find((i) => i.kind === 'cccd')!.value;

    // 1. The owner registers a venue on the venues page.
    const venueName = `Quán cà phê E2E ${Date.now().toString(36)}`;
    await owner.goto(`${baseUrl}/venues`);
    await owner.fill('input[name="name"]', venueName);
    await owner.fill('input[name="address"]', '12 Phố Đội Cấn');
    await owner.fill('input[name="communeCode"]', 'Ba Đình');
    await owner.getByRole('option').filter({ hasText: COMMUNE }).first().click();
    await owner.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    await owner.waitForURL(/\/venues\/[0-9a-f-]{36}$/);
    const venueId = owner.url().split('/').pop()!;
    await owner.getByRole('heading', { name: venueName }).waitFor();

    // 2. Its poster PDF, printed and photographed: a PNG of the page.
    const posterHref = await owner.getByTestId('poster-link').getAttribute('href');
    const posterPng = pdfToPng(await download(owner, posterHref!), 'venue-poster');

    // 3. The positive arrives first: the owner checks them in by ID number at the desk.
    await owner.fill('input[name="idNumber"]', cccd);
    await owner.getByRole('button', { name: 'Ghi nhận', exact: true }).click();
    await expect(owner.getByTestId('desk-result').innerText()).resolves.toMatch(/Đã ghi nhận/);
    await owner.getByTestId('visitor-list').waitFor();

    // 4. The citizen opens "scan a venue" and gives the poster picture (the camera path reads the same way).
    await citizen.goto(`${baseUrl}/checkin`);
    await citizen.getByTestId('qr-upload').setInputFiles(posterPng);
    const done = citizen.getByTestId('checkin-done');
    const problem = citizen.getByRole('alert').first();
    await done.or(problem).first().waitFor({ timeout: 30_000 });
    if (!(await done.isVisible())) throw new Error(`check-in refused: ${await problem.innerText()}`);
    await expect(done.innerText()).resolves.toContain(venueName);
    await citizen.getByTestId('my-checkins').filter({ hasText: venueName }).waitFor();
    // Leaving, as the poster says: "Rời địa điểm" closes the citizen's own visit.
    await citizen.getByRole('button', { name: `Rời địa điểm: ${venueName}` }).waitFor();
    await done.getByRole('button', { name: 'Rời địa điểm' }).click();
    await citizen.getByRole('button', { name: `Rời địa điểm: ${venueName}` }).waitFor({ state: 'detached' });
    const mine = await call<{ items: { venueId: string; checkedOutAt: string | null }[] }>(citizen, 'GET', '/api/me/checkins');
    expect(mine.items.find((c) => c.venueId === venueId)?.checkedOutAt).toBeTruthy();
    await citizen.screenshot({ path: path.join(ARTIFACTS, 'checkin-citizen.png') });
    // The citizen's own QR (what venue staff scan for people without a phone) is drawn on the page.
    await citizen.goto(`${baseUrl}/me/qr`);
    await citizen.getByRole('img', { name: 'Mã QR cá nhân của tôi' }).waitFor();
    await citizen.screenshot({ path: path.join(ARTIFACTS, 'my-qr.png') });

    // The owner's list now counts both, exactly; the desk checks the positive out (the citizen left already).
    await owner.reload();
    await expect(owner.getByTestId('visitor-total').innerText()).resolves.toBe('Tổng số lượt: 2');
    const checkOut = owner.getByRole('button', { name: /^Ghi nhận ra: / });
    await expect(checkOut.count()).resolves.toBe(1);
    await checkOut.click();
    await checkOut.waitFor({ state: 'detached' });
    await expect(owner.getByTestId('visitor-total').innerText()).resolves.toBe('Tổng số lượt: 2');
    await owner.screenshot({ path: path.join(ARTIFACTS, 'venue-page.png'), fullPage: true });

    // 5. The tracer runs a trace for the positive (window rule, with a reason) from the tracing page.
    await tracer.goto(`${baseUrl}/tracing`);
    await tracer.fill('input[name="lookup"]', cccd);
    await tracer.getByRole('search').getByRole('button', { name: 'Tìm kiếm', exact: true }).click();
    await tracer.getByRole("button", { name: `Chọn: ${positive.fullName}` }).first().click();
    await tracer.fill('textarea[name="reason"]', 'Ca dương tính PCR (kiểm thử e2e)');
    await tracer.getByRole('button', { name: 'Chạy truy vết' }).click();
    await tracer.waitForURL(/\/tracing\/runs\/[0-9a-f-]{36}$/);
    const runId = tracer.url().split('/').pop()!;
    await tracer.getByTestId('candidates').waitFor();
    const run = await call<{ visits: { venueId: string }[] }>(tracer, 'GET', `/api/tracing/runs/${runId}`);
    expect(run.visits.some((v) => v.venueId === venueId)).toBe(true);

    // 6. Candidate names are masked until opened: open each until the citizen shows, then confirm them.
    const rows = tracer.getByTestId('candidate');
    const count = await rows.count();
    let found = false;
    for (let i = 0; i < count && !found; i++) {
      const openButton = rows.nth(i).getByRole('button', { name: /^Xem thông tin/ });
      if (await openButton.count()) {
        await openButton.click();
        await openButton.waitFor({ state: 'detached' });
      }
      found = (await rows.nth(i).innerText()).includes(citizenPerson.fullName);
    }
    expect(found).toBe(true);
    await tracer.getByRole('button', { name: `Xác nhận F1: ${citizenPerson.fullName}` }).click();
    await tracer.getByTestId('candidate').filter({ hasText: citizenPerson.fullName }).filter({ hasText: 'Đã xác nhận F1' }).waitFor();
    await tracer.screenshot({ path: path.join(ARTIFACTS, 'trace-run.png'), fullPage: true });

    // The contact comes from this venue's visit (the demo may plant other visits of the same people).
    const full = await call<{ candidates: { id: string; venueIds: string[]; status: string }[] }>(tracer, 'GET', `/api/tracing/runs/${runId}?limit=500`);
    let citizenCandidate: { venueIds: string[]; status: string } | null = null;
    for (const cand of full.candidates.filter((x) => x.status === 'confirmed')) {
      const opened = await call<{ personId: string }>(tracer, 'GET', `/api/tracing/runs/${runId}/candidates/${cand.id}`);
      if (opened.personId === me.personId) citizenCandidate = cand;
    }
    expect(citizenCandidate?.venueIds).toContain(venueId);

    const contacts = await call<{ items: { contactPersonId: string; source: string }[] }>(tracer, 'GET', `/api/tracing/contacts?indexPersonId=${positive.id}&reason=${encodeURIComponent('Kiểm tra F1 (kiểm thử e2e)')}`);
    expect(contacts.items.some((c) => c.contactPersonId === me.personId && c.source === 'checkin')).toBe(true);

    // 7. Second degree: the job runs from the one confirmed F1 and the page shows its result.
    await tracer.getByRole('button', { name: 'Tìm F2', exact: true }).click();
    await tracer.getByTestId('second-degree-status').filter({ hasText: /^Từ 1 F1 đã xác nhận: \d+ người có khả năng là F2\.$/ }).waitFor({ timeout: 60_000 });
    await tracer.screenshot({ path: path.join(ARTIFACTS, 'trace-run-f2.png'), fullPage: true });
  });
});
