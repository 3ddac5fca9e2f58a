import { inject } from 'vitest';
import type { Page } from 'playwright-core';

/** The running Sen (started by global-setup) and the demo accounts' shared password. */
export const baseUrl = inject('baseUrl');
const password = inject('demoPassword');

/** Signs a demo account in through the login form, starting from `start` (a page that sends to /login). */
export async function signIn(page: Page, username: string, start = '/') {
  await page.goto(`${baseUrl}${start}`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** A JSON call from inside the signed-in page (same origin, session cookie); throws with the problem on failure. */
export async function call<T>(page: Page, method: string, url: string, body?: unknown): Promise<T> {
  const out = await page.evaluate(
    async ({ method, url, body }) => {
      const res = await fetch(url, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, text: await res.text() };
    },
    { method, url, body },
  );
  if (out.status >= 400) throw new Error(`${method} ${url} answered ${out.status}: ${out.text}`);
  return (out.text ? JSON.parse(out.text) : undefined) as T;
}

/** The bytes of a file the signed-in page may download (a PDF). */
export async function download(page: Page, url: string): Promise<Buffer> {
  const b64 = await page.evaluate(async (u) => {
    const res = await fetch(u);
    if (!res.ok) throw new Error(`${u} answered ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, url);
  return Buffer.from(b64, 'base64');
}
