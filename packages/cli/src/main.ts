import { Command, Option } from 'commander';
import { migrate, connect } from '@sen/db';
import { loadConfig, openDatabase, startServer, JobQueue, registerJobs, NO_JOBS, SYSTEM_CONTEXT, createUser } from '@sen/server';
import { ensureWebBuild } from './ensure-web-build';
import { runDemo } from './demo/index';
import { registerCertCommands } from './commands/cert';
import { registerCertIssueCommand } from './commands/cert-issue';
import { registerKeysCommands } from './commands/keys';

const program = new Command('sen').description('Sen: an open-source epidemic response platform').showHelpAfterError();

function fail(err: unknown): never {
  const e = err as { message?: string; code?: string };
  console.error(`sen: ${e.message ?? String(err)}`);
  process.exit(1);
}

program
  .command('start')
  .description('Start Sen for a first look: build the web app if needed, prepare the database, add demo data when it is empty, serve')
  .addOption(new Option('--people <n>', 'synthetic people to create on first start').default('20000'))
  .action(async (opts: { people: string }) => {
    const config = loadConfig();
    await ensureWebBuild(config.SEN_WEB_DIST);
    const conn = await openDatabase(config, (l) => console.log(`  ${l}`));
    const demo = await runDemo({ conn, config, people: Number(process.env.SEN_DEMO_PEOPLE ?? opts.people), onlyIfEmpty: true, log: (l) => console.log(l) });
    const server = await startServer(config, { conn });
    printWelcome(server.url, config.DATABASE_URL ? 'PostgreSQL server' : `embedded PostgreSQL (PGlite) in ${config.SEN_DATA_DIR}`, demo.users);
  });

program
  .command('serve')
  .description('Serve the API and web app (migrates first)')
  .action(async () => {
    const config = loadConfig();
    const server = await startServer(config);
    console.log(`Sen is listening on ${server.url}`);
  });

program
  .command('migrate')
  .description('Apply pending database migrations and load reference data (roles, areas)')
  .action(async () => {
    const config = loadConfig();
    const conn = await openDatabase(config, (l) => console.log(l));
    const { rows } = await conn.pool.query('SELECT max(version) AS v FROM schema_migrations');
    console.log(`database is at migration ${rows[0].v}`);
    await conn.close();
  });

program
  .command('demo')
  .description('Create a synthetic population and one demo user per role')
  .addOption(new Option('--people <n>', 'how many synthetic people').default('20000'))
  .addOption(new Option('--seed <n>', 'random seed (the same seed gives the same people)').default('2021'))
  .action(async (opts: { people: string; seed: string }) => {
    const config = loadConfig();
    const conn = await openDatabase(config);
    try {
      const demo = await runDemo({ conn, config, people: Number(opts.people), seed: Number(opts.seed), onlyIfEmpty: false, log: (l) => console.log(l) });
      printUsers(demo.users);
    } finally {
      await conn.close();
    }
  });

const users = program.command('users').description('Manage staff and citizen accounts');
users
  .command('create')
  .description('Create a user with roles, e.g. sen users create --username lan --name "Trần Thị Lan" --role commune_officer@00004')
  .requiredOption('--username <name>')
  .requiredOption('--name <display name>')
  .option('--role <role@area...>', 'a role held in an area code (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
  .option('--password <password>', 'the password (prompted from SEN_PASSWORD if absent)')
  .action(async (opts: { username: string; name: string; role?: string[]; password?: string }) => {
    const password = opts.password ?? process.env.SEN_PASSWORD;
    if (!password) fail('give --password or set SEN_PASSWORD');
    const roles = (opts.role ?? []).map((r) => {
      const [role, areaCode] = r.split('@');
      if (!role || !areaCode) fail(`--role takes role@areaCode, got ${r}`);
      return { role, areaCode };
    });
    const config = loadConfig();
    const conn = await openDatabase(config);
    try {
      const { id } = await createUser({ db: conn.db, config, jobs: NO_JOBS }, SYSTEM_CONTEXT, { username: opts.username, displayName: opts.name, password, roles });
      console.log(`created user ${opts.username.toLowerCase()} (${id})`);
    } finally {
      await conn.close();
    }
  });

program
  .command('worker')
  .description('Run background jobs (for a PostgreSQL server; with SEN_JOBS=worker the server leaves jobs to workers)')
  .action(async () => {
    const config = loadConfig();
    if (!config.DATABASE_URL) fail('a worker needs DATABASE_URL: on the embedded database the server runs jobs itself');
    const conn = await connect({ databaseUrl: config.DATABASE_URL, poolSize: 4, applicationName: 'sen-worker' });
    await migrate(conn.pool);
    const queue = new JobQueue(conn);
    registerJobs(queue, { db: conn.db, config });
    await queue.start({ work: true });
    console.log('sen worker: running jobs; Ctrl+C to stop');
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void queue.stop().then(() => conn.close()).then(() => process.exit(0)));
    }
  });

registerCertCommands(program);
registerCertIssueCommand(program);
registerKeysCommands(program);

type DemoUser = { username: string; role: string; areaName: string; password: string };

function printUsers(list: DemoUser[]) {
  if (!list.length) return;
  console.log('\nDemo logins (password for all: ' + list[0]!.password + ')');
  for (const u of list) console.log(`  ${u.username.padEnd(14)} ${u.role.padEnd(24)} ${u.areaName}`);
}

function printWelcome(url: string, database: string, list: DemoUser[]) {
  console.log(`\nSen is running at ${url}`);
  console.log(`  database: ${database}`);
  console.log(`  API reference: ${url}/docs`);
  printUsers(list);
  console.log('\nPress Ctrl+C to stop.');
}

program.parseAsync().catch(fail);
