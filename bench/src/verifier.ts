import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ensureKeys } from '@sen/certs/node';
import type { Benchmark } from './lib/bench';
import { median, percentile, progress, type Metric } from './lib/report';

const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * The offline verifier's start in Chromium (issue 4): `sen start` on an empty embedded database with a keys
 * directory, then the /verify page in a fresh browser profile (no cache, no service worker) until it shows the
 * verified trust list ("cold start": shell, scripts, trust list, revocations and rules fetched and checked), and
 * the same page reloaded offline from its service worker ("offline start"). Baseline: a fresh profile loading
 * the server's smallest response (/health/live), the floor any page pays on this machine and browser.
 */
export const verifierBenchmark: Benchmark = {
  name: 'verifier',
  description: 'the offline verifier page: cold start and offline start in Chromium, against an empty page load',
  async run(ctx) {
    const runs = ctx.quick ? 3 : 7;
    const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!fs.existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}; on Debian: apt-get install chromium`);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sen-bench-verifier-'));
    await ensureKeys(path.join(work, 'keys'));
    const server = await startSen(work);
    const browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    try {
      const floor: number[] = [];
      const cold: number[] = [];
      const offline: number[] = [];
      for (let i = 0; i < runs; i++) {
        floor.push(await timeFreshLoad(browser, `${server.url}/health/live`));
        const context = await browser.newContext();
        const page = await context.newPage();
        const ready = () => page.getByTestId('trust-status').filter({ hasText: /phiên bản|version/ }).waitFor({ timeout: 60_000 });
        let t0 = performance.now();
        await page.goto(`${server.url}/verify`);
        await ready();
        cold.push(performance.now() - t0);
        await page.waitForFunction(serviceWorkerControls, undefined, { timeout: 30_000 }).catch(async () => {
          await page.reload();
          await page.waitForFunction(serviceWorkerControls);
        });
        await context.setOffline(true);
        t0 = performance.now();
        await page.reload();
        await ready();
        offline.push(performance.now() - t0);
        await context.close();
        progress(`verifier: run ${i + 1}/${runs}: cold ${cold.at(-1)!.toFixed(0)} ms, offline ${offline.at(-1)!.toFixed(0)} ms, floor ${floor.at(-1)!.toFixed(0)} ms`);
      }
      const m = (metric: string, xs: number[], note: string): Metric => ({
        bench: 'verifier', metric, value: median(xs), unit: 'ms', baseline: median(floor), ratio: median(floor) / median(xs), note: `${note}; p95 ${percentile(xs, 95).toFixed(0)} ms over ${runs} runs`,
      });
      return [
        m('cold_start_median_ms', cold, 'fresh profile, online, until the trust list is verified; baseline: a fresh profile loading /health/live'),
        m('offline_start_median_ms', offline, 'same profile, network cut, from the service worker'),
      ];
    } finally {
      await browser.close();
      await server.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
};

async function timeFreshLoad(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const t0 = performance.now();
  await page.goto(url);
  const ms = performance.now() - t0;
  await context.close();
  return ms;
}

/** `sen start` as a user runs it, without demo people, on a throwaway embedded database and keys directory. */
async function startSen(work: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO, 'packages/cli/bin/sen.js'), 'start', '--people', '0'], {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: '', PORT: '0', HOST: '127.0.0.1', SEN_DATA_DIR: path.join(work, 'pglite'), SEN_KEYS_DIR: path.join(work, 'keys'), SEN_LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Sen did not start in time:\n${output}`)), 200_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const found = /Sen is running at (\S+)/.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`Sen exited with ${code} before it started:\n${output}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Runs in the page: whether the service worker controls it. A function, not a string: the page's CSP refuses eval,
 * which a string predicate needs. (The bench compiles without DOM types, hence the cast.)
 */
function serviceWorkerControls(): boolean {
  return (globalThis as unknown as { navigator: { serviceWorker: { controller: unknown } } }).navigator.serviceWorker.controller !== null;
}
