import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

const REPO = path.resolve(import.meta.dirname, '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    demoPassword: string;
  }
}

/**
 * Starts Sen the way a new user does (`sen start`) on a fresh embedded database in a temporary directory, with a
 * small demo population, and stops it after the run. The embedded database must be closed cleanly on SIGTERM.
 */
export default async function setup(project: TestProject) {
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sen-e2e-')), 'pglite');
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO, 'packages/cli/bin/sen.js'), 'start', '--people', '3000'], {
    cwd: REPO,
    // Every page of every test comes from one address, so the per-address limits (tested in the server's own tests)
    // are raised here: the whole suite is several times a real user's minute.
    env: {
      ...process.env, DATABASE_URL: '', PORT: '0', HOST: '127.0.0.1', SEN_DATA_DIR: dataDir, SEN_LOG_LEVEL: 'warn', NODE_ENV: 'development',
      SEN_RATE_LIMIT_PER_MINUTE: '100000', SEN_LOGIN_ATTEMPTS_PER_15_MIN: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const started = await new Promise<{ url: string; password: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Sen did not start in time:\n${output}`)), 200_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /Sen is running at (\S+)/.exec(output)?.[1];
      const password = /password for all: (\S+)\)/.exec(output)?.[1];
      if (url && password) {
        clearTimeout(timer);
        resolve({ url, password });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Sen exited with ${code} before it started:\n${output}`));
    });
  });
  project.provide('baseUrl', started.url);
  project.provide('demoPassword', started.password);
  return async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    if (fs.existsSync(`${dataDir}.lock`)) throw new Error('Sen did not release the embedded database lock on SIGTERM');
  };
}
