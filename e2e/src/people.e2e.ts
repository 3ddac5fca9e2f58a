import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { searchForm } from '@sen/domain';
import { ARTIFACTS, launchBrowser } from './browser';
import { baseUrl, signIn } from './session';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Names the commune officer of Ba Đình may see, and one from elsewhere, through the API as each user sees it. */
async function samplePeople(page: Page, query: string): Promise<{ id: string; fullName: string; communeCode: string | null }[]> {
  return page.evaluate(async (q) => {
    const res = await fetch(`/api/people?q=${encodeURIComponent(q)}&limit=20`);
    if (!res.ok) throw new Error(`search failed: ${res.status}`);
    return ((await res.json()) as { items: { id: string; fullName: string; communeCode: string | null }[] }).items;
  }, query);
}

describe('a commune officer in Chromium', () => {
  it('signs in in Vietnamese, finds a person of the commune by name without diacritics, and opens the record', async () => {
    const page = await browser.newPage({ locale: 'vi-VN' });
    try {
      await signIn(page, 'xa.badinh', '/people');
      expect(await page.getAttribute('html', 'lang')).toBe('vi');
      await expect(page.getByText('Phường Ba Đình').first().isVisible()).resolves.toBe(true);

      const visible = await samplePeople(page, 'nguyen');
      expect(visible.length).toBeGreaterThan(0);
      expect(visible.every((p) => p.communeCode === '00004')).toBe(true);
      const target = visible.find((p) => p.fullName !== searchForm(p.fullName)) ?? visible[0]!;

      await page.goto(`${baseUrl}/people`);
      await page.fill('input[name="q"]', searchForm(target.fullName)); // typed without diacritics
      await page.getByRole('search').getByRole('button', { name: 'Tìm kiếm', exact: true }).click();
      await page.waitForURL(/q=/);
      const row = page.getByText(target.fullName, { exact: true }).first();
      await row.waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'people-search.png'), fullPage: true });
      await row.click();
      await page.waitForURL(new RegExp(`/people/${target.id}`));
      await page.getByRole('heading', { name: target.fullName }).first().waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'person.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('does not find people of another commune that the national admin can see', async () => {
    const admin = await browser.newPage();
    const officer = await browser.newPage();
    try {
      await signIn(admin, 'admin', '/people');
      const everyone = await samplePeople(admin, 'nguyen');
      const outsider = everyone.find((p) => p.communeCode !== '00004');
      expect(outsider, 'the demo population spans many communes').toBeDefined();
      await signIn(officer, 'xa.badinh', '/people');
      const seen = await samplePeople(officer, searchForm(outsider!.fullName));
      expect(seen.map((p) => p.id)).not.toContain(outsider!.id);
      const direct = await officer.evaluate(async (id) => (await fetch(`/api/people/${id}`)).status, outsider!.id);
      expect([403, 404]).toContain(direct);
    } finally {
      await admin.close();
      await officer.close();
    }
  });

  it('switches the console to English', async () => {
    const page = await browser.newPage();
    try {
      await signIn(page, 'xa.badinh', '/people');
      await page.getByText('EN', { exact: true }).first().click(); // the VI / EN segmented switch in the header
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await page.goto(`${baseUrl}/people`);
      await page.getByRole('search').getByRole('button', { name: 'Search', exact: true }).waitFor();
    } finally {
      await page.close();
    }
  });
});
