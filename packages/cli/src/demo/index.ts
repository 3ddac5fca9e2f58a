import type { Connection } from '@sen/db';
import { loadConfig, NO_JOBS, type Config, type Deps } from '@sen/server';
import { loadDemoPopulation, type LoadProgress, type LoadResult } from './population';
import { createDemoUsers, type DemoUser } from './users';
import { loadDemoCertificates } from './certificates';
import { loadDemoVaccinationCampaign } from './vaccination-campaign';
import { loadDemoVaccinationTargets } from './vaccination-targets';
import { seedVenuesCheckins } from './venues-checkins';

export { generatePopulation, loadDemoPopulation, readCommunes, communeWeight, isSouth } from './population';
export type { DemoCommune, GeneratedHousehold, PersonRow, HouseholdRow, IdentifierRow, LoadProgress, LoadResult, PlantedDuplicate } from './population';
export { createDemoUsers, DEFAULT_DEMO_PASSWORD, type DemoUser } from './users';

export interface RunDemoOptions {
  /** People to load when the registry is empty (or to add, with `add`). */
  people: number;
  seed?: number | string;
  /** Add `people` more even when the registry already has people. */
  add?: boolean;
  /** The opposite of `add` (`onlyIfEmpty: false` adds people to a registry that has some). Default true. */
  onlyIfEmpty?: boolean;
  /** The shared demo password (default DEFAULT_DEMO_PASSWORD). */
  password?: string;
  /** The server's dependencies; built from `config` (or development defaults) and the connection when absent. */
  deps?: Deps;
  config?: Config;
  /** Which modules' demo data to add after people and accounts (default all of MODULE_STEPS, in their order). */
  modules?: readonly DemoModule[];
  /** Progress lines for a console. */
  log?: (line: string) => void;
  onProgress?: (p: LoadProgress) => void;
}

export interface DemoSummary {
  /** People in the registry before this run. */
  existingPeople: number;
  /** What was loaded now; null when the registry already had people and adding was not asked. */
  loaded: LoadResult | null;
  users: DemoUser[];
  /** What each module's demo step wrote (each step is safe to run again and then writes nothing new). */
  modules: Record<string, unknown>;
}

type DemoStep = (conn: Connection, deps: Deps, opts: { seed: number | string; log?: (s: string) => void }) => Promise<unknown>;

/**
 * The modules' demo data, in dependency order: the campaign brings the vaccine supply and sites, targets and
 * invitations build on its sessions, certificates on its doses; venues and check-ins need the demo accounts.
 */
const MODULE_STEPS = [
  ['vaccination', loadDemoVaccinationCampaign],
  ['targets', loadDemoVaccinationTargets],
  ['certificates', loadDemoCertificates],
  ['checkins', seedVenuesCheckins],
] as const satisfies readonly (readonly [string, DemoStep])[];

export type DemoModule = (typeof MODULE_STEPS)[number][0];
export const DEMO_MODULES: readonly DemoModule[] = MODULE_STEPS.map(([name]) => name);

/**
 * Demo data for a first start or `sen demo --people N`: a synthetic population when the registry is empty (or
 * more of it when asked), then one account per role. Safe to run again: it loads people only into an empty
 * registry unless asked to add, and skips accounts that exist.
 *
 * Called as `runDemo(conn, options)` or `runDemo({ conn, ...options })`.
 */
export async function runDemo(conn: Connection, options: RunDemoOptions): Promise<DemoSummary>;
export async function runDemo(options: RunDemoOptions & { conn: Connection }): Promise<DemoSummary>;
export async function runDemo(a: Connection | (RunDemoOptions & { conn: Connection }), b?: RunDemoOptions): Promise<DemoSummary> {
  const [conn, options] = b ? [a as Connection, b] : [(a as RunDemoOptions & { conn: Connection }).conn, a as RunDemoOptions];
  const seed = options.seed ?? 2021;
  const add = options.add ?? options.onlyIfEmpty === false;
  const log = options.log;
  const counted = await conn.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM people');
  const existingPeople = counted.rows[0]?.n ?? 0;
  let loaded: LoadResult | null = null;
  if (options.people > 0 && (existingPeople === 0 || add)) {
    log?.(`Creating ${options.people.toLocaleString('en')} synthetic people (seed ${String(seed)})...`);
    const onProgress =
      options.onProgress ??
      (log ? (p: LoadProgress) => log(`  ${p.people.toLocaleString('en')} / ${p.total.toLocaleString('en')} people (${Math.round(p.people / (p.elapsedMs / 1000)).toLocaleString('en')}/s)`) : undefined);
    loaded = await loadDemoPopulation(conn, {
      people: options.people,
      // A second load must not repeat the first one's people (or their ids): the seed moves on with the count.
      seed: existingPeople === 0 ? seed : `${seed}+${existingPeople}`,
      ...(onProgress ? { onProgress } : {}),
    });
    log?.(
      `  loaded ${loaded.people.toLocaleString('en')} people, ${loaded.households.toLocaleString('en')} households, ${loaded.identifiers.toLocaleString('en')} ID numbers, ` +
        `${loaded.duplicates} planted duplicates in ${(loaded.loadMs / 1000).toFixed(1)} s`,
    );
  } else if (existingPeople > 0) {
    log?.(`The registry already holds ${existingPeople.toLocaleString('en')} people: no demo people added.`);
  }
  const deps: Deps = options.deps ?? { db: conn.db, config: options.config ?? loadConfig({ NODE_ENV: 'development' }), jobs: NO_JOBS };
  const users = await createDemoUsers(deps, options.password ? { password: options.password } : {});
  const created = users.filter((u) => u.created).length;
  log?.(created ? `Created ${created} demo accounts.` : 'The demo accounts exist already.');
  const modules: Record<string, unknown> = {};
  if (options.people > 0 || existingPeople > 0) {
    const wanted = new Set(options.modules ?? DEMO_MODULES);
    for (const [name, step] of MODULE_STEPS) {
      if (wanted.has(name)) modules[name] = await (step as DemoStep)(conn, deps, { seed, ...(log ? { log } : {}) });
    }
  }
  return { existingPeople, loaded, users, modules };
}
