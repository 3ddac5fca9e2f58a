import fs from 'node:fs';
import type { Connection } from '@sen/db';

/**
 * CPU time spent so far by each of this database's PostgreSQL backends (pid to ms), read from /proc (the server must
 * run on this machine); undefined on PGlite or when /proc is not readable. On a shared machine CPU per operation is
 * steadier than wall-clock rates, so throughput figures carry it beside them. A pool closes idle connections, taking
 * their CPU out of a plain sum: take two readings and backendCpuDeltaMs.
 */
export async function backendCpuByPid(conn: Connection): Promise<Map<number, number> | undefined> {
  if (conn.kind !== 'postgres') return undefined;
  const pids = (await conn.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => r.pid);
  const byPid = new Map<number, number>();
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(pid, ((Number(rest[11]) + Number(rest[12])) * 1000) / CLOCK_TICKS_PER_S);
    } catch {
      return undefined;
    }
  }
  return byPid;
}

/** CPU the backends spent between two readings: one started since counts whole, one ended since is left out. */
export function backendCpuDeltaMs(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK) is not reachable from Node). */
const CLOCK_TICKS_PER_S = 100;

/** This process's CPU time (user + system, every thread) in ms since `since`. */
export function processCpuMs(since?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}
