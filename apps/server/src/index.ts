export { buildApp } from './app';
export { loadConfig, REPO_ROOT, type Config } from './config';
export { startServer, openDatabase } from './main';
export { JobQueue, NO_JOBS, type Jobs } from './jobs';
export { registerJobs } from './job-definitions';
export { SYSTEM_CONTEXT, type Deps, type RequestContext, type Actor } from './context';
export { createUser } from './modules/access/create-user';
export { seedRoles } from './modules/access/seed-roles';
export { loadGazetteer } from './modules/areas/load-gazetteer';
