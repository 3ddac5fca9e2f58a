import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@sen/domain';

/**
 * PGlite is one process's database: a second process opening the same directory would corrupt it. A lock file
 * beside the directory holds the owner's pid; a lock whose process is gone is stale and taken over.
 */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface PidLock {
  path: string;
  release(): void;
}

export function acquirePidLock(dataDir: string): PidLock {
  const lockPath = `${path.resolve(dataDir)}.lock`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      let released = false;
      return {
        path: lockPath,
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new AppError('database_locked', `The embedded database ${dataDir} is in use by process ${owner}. Stop it first, or set DATABASE_URL to use a PostgreSQL server.`, { pid: owner }, 409);
      }
      if (owner === process.pid) {
        throw new AppError('database_locked', `The embedded database ${dataDir} is already open in this process.`, { pid: owner }, 409);
      }
      fs.unlinkSync(lockPath); // stale: its process is gone
    }
  }
  throw new AppError('database_locked', `Could not lock ${dataDir}`, {}, 409);
}
