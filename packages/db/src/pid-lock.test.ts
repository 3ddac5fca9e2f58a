import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquirePidLock } from './pid-lock';
import { connect } from './connect';

const tsx = path.resolve(import.meta.dirname, '../../../node_modules/.bin/tsx');

describe('embedded database lock', () => {
  it('refuses a second process on the same data directory, and frees it on close', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sen-lock-')), 'pglite');
    const conn = await connect({ dataDir });
    try {
      const script = `import { connect } from ${JSON.stringify(path.resolve(import.meta.dirname, 'connect.ts'))};
        try { await connect({ dataDir: ${JSON.stringify(dataDir)} }); console.log('OPENED'); process.exit(0); }
        catch (e) { console.log('REFUSED ' + e.code); process.exit(3); }`;
      const scriptFile = path.join(path.dirname(dataDir), 'second-process.mts');
      fs.writeFileSync(scriptFile, script);
      const child = spawnSync(tsx, [scriptFile], { encoding: 'utf8' });
      expect(child.stdout).toContain('REFUSED database_locked');
      expect(child.status).toBe(3);
      // the running database is untouched by the attempt
      const { rows } = await conn.pool.query('SELECT 41 + 1 AS answer');
      expect(rows[0].answer).toBe(42);
    } finally {
      await conn.close();
    }
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false);
    const again = await connect({ dataDir });
    await again.close();
  });

  it('takes over a stale lock whose process is gone', () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sen-lock-')), 'pglite');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(`${dataDir}.lock`, dead.stdout);
    const lock = acquirePidLock(dataDir);
    expect(fs.readFileSync(lock.path, 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
  });

  it('refuses to open the same directory twice in one process', () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sen-lock-')), 'pglite');
    const lock = acquirePidLock(dataDir);
    expect(() => acquirePidLock(dataDir)).toThrow(/already open/);
    lock.release();
  });
});
