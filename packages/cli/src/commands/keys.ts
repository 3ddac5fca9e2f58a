import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Usage } from '@sen/certs';
import { buildTrustList, createSigner, defaultKeysDir, initRoot, listSigners, retireSigner, rotateSigner } from '@sen/certs/node';

interface DirOpts {
  dir?: string;
}

const dirOf = (o: DirOpts) => path.resolve(o.dir ?? defaultKeysDir());
const out = (v: unknown) => console.log(JSON.stringify(v, null, 2));

function parseUsages(text: string): Usage[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = parts.filter((p) => p !== 'v' && p !== 't' && p !== 'r');
  if (parts.length === 0 || bad.length > 0) throw new Error(`--usage takes v, t and/or r separated by commas (got "${text}")`);
  return parts as Usage[];
}

async function run(f: () => Promise<void> | void): Promise<void> {
  try {
    await f();
  } catch (e) {
    console.error(`sen keys: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

/**
 * `sen keys`: the certificate signing keys in a keys directory (default SEN_KEYS_DIR or ./data/keys). Private keys
 * are PEM files with mode 0600 there; they never go into the database.
 */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('Certificate signing keys: country root (CSCA) and document signers (DSC)');
  const dirOption = ['--dir <dir>', 'keys directory (default: SEN_KEYS_DIR or ./data/keys)'] as const;

  keys.command('init-root').description('Create the self-signed country signing root (CSCA, ES256)').option(...dirOption)
    .option('--country <cc>', 'country code', 'VN').option('--force', 'replace an existing root (every signer must then be re-created)')
    .action((o: DirOpts & { country: string; force?: boolean }) => run(async () => {
      if (!/^[A-Z]{2}$/.test(o.country)) throw new Error('--country takes a two-letter code');
      await initRoot(dirOf(o), { country: o.country, force: o.force });
      out({ root: path.join(dirOf(o), 'csca', 'cert.pem') });
    }));

  keys.command('create-signer').description('Create a document signer (DSC) signed by the root; it becomes the current signer').option(...dirOption)
    .option('--usage <types>', 'certificate types it may sign: v (vaccination), t (test), r (recovery)', 'v,t,r')
    .option('--days <n>', 'validity in days', '730')
    .action((o: DirOpts & { usage: string; days: string }) => run(async () => {
      const days = Number(o.days);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error('--days takes a whole number of days from 1 to 3650');
      const s = await createSigner(dirOf(o), { usages: parseUsages(o.usage), validDays: days });
      out({ kid: s.kid, kidHex: s.kidHex, usages: s.usages, notAfter: s.notAfter, current: s.current });
    }));

  keys.command('rotate').description('Create a new current signer with the same usages; the old one stays valid for verification').option(...dirOption)
    .action((o: DirOpts) => run(async () => {
      const { previous, current } = await rotateSigner(dirOf(o));
      out({ previous: previous?.kid ?? null, current: current.kid, usages: current.usages });
    }));

  keys.command('retire').description('Retire a signer: it leaves the next trust list').argument('<kid>', 'kid, base64 or 16 hex digits').option(...dirOption)
    .action((kid: string, o: DirOpts) => run(() => {
      const s = retireSigner(dirOf(o), kid);
      out({ kid: s.kid, retiredAt: s.retiredAt });
    }));

  keys.command('list').description('List the signers').option(...dirOption)
    .action((o: DirOpts) => run(() => {
      out(listSigners(dirOf(o)).map((s) => ({ kid: s.kid, kidHex: s.kidHex, usages: s.usages, country: s.country, createdAt: s.createdAt, notAfter: s.notAfter, current: s.current, retiredAt: s.retiredAt })));
    }));

  keys.command('trust-list').description('Sign the next trust list (signers not retired, default rules) and write it').option(...dirOption)
    .requiredOption('--out <file>', 'where to write the trust list JSON')
    .action((o: DirOpts & { out: string }) => run(async () => {
      const t = await buildTrustList(dirOf(o));
      writeFileSync(o.out, t.json);
      out({ file: path.resolve(o.out), version: t.version, etag: t.etag, signers: t.signers });
    }));
}
