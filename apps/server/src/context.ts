import type { Database } from '@sen/db';
import type { Scope } from '@sen/domain';
import type { Config } from './config';
import type { Jobs } from './jobs';

/** What every use case may use: the database, the configuration and the job queue. */
export interface Deps {
  db: Database;
  config: Config;
  jobs: Jobs;
}

export interface RoleGrant {
  code: string;
  areaCode: string;
  areaPath: string;
}

/** The signed-in user as the server sees them on one request. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  personId: string | null;
  sessionId: string;
  roles: RoleGrant[];
  /** For each scope the user has, the area paths where they have it. */
  grants: ReadonlyMap<Scope, readonly string[]>;
}

/** Who is acting, from where: passed to use cases so they can authorise in SQL and write the audit log. */
export interface RequestContext {
  actor: Actor | null;
  ip: string | null;
  requestId: string | null;
}

export const SYSTEM_CONTEXT: RequestContext = { actor: null, ip: null, requestId: null };
