import fs from 'node:fs';
import type { Connection } from '@sen/db';

/**
 * CPU time spent so far by this database's PostgreSQL backends, in ms, read from /proc (the server must run on this
 * machine); undefined on PGlite or when /proc is not readable. On a shared machine CPU per operation is steadier than
 * wall-clock rates, so throughput figures carry it beside them.
 */
export async function backendCpuMs(conn: Connection): Promise<number | undefined> {
  if (conn.kind !== 'postgres') return undefined;
  const pids = (await conn.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => r.pid);
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(rest[11]) + Number(rest[12]);
    } catch {
      return undefined;
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_S;
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK) is not reachable from Node). */
const CLOCK_TICKS_PER_S = 100;

/** This process's CPU time (user + system, every thread) in ms since `since`. */
export function processCpuMs(since?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}
