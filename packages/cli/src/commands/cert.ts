import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { certificatesFromText, looksLikeTrustList, pemDecode, ruleSetAt, STAGES, verifyHcert, verifyTrustList, type RevocationIndex, type RuleSet, type TrustEntry, type TrustStore, type VerifyResult } from '@sen/certs';
import { decodeQrPng, defaultKeysDir } from '@sen/certs/node';

interface VerifyOpts {
  trust?: string;
  root?: string;
  clock?: string;
  file?: string;
  image?: string;
  maxAgeDays?: string;
}

/** Exit codes: 0 valid, 1 not valid, 2 the command itself could not run (bad option, unreadable file). */
const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

/** Exactly the shape issue 4 fixes: {"valid", "stages", "reason"}; nothing personal. */
function print(result: Pick<VerifyResult, 'valid' | 'stages' | 'reason'>): void {
  console.log(JSON.stringify({ valid: result.valid, stages: result.stages, reason: result.reason ?? null }));
}

function usageError(reason: string): void {
  print({ valid: false, stages: Object.fromEntries(STAGES.map((s) => [s, 'skipped'])) as VerifyResult['stages'], reason });
  process.exitCode = EXIT_USAGE;
}

interface TrustSource {
  trust: TrustStore | TrustEntry[];
  revocations?: RevocationIndex;
  ruleSet?: RuleSet;
}

/**
 * A signed trust list (checked against the root: --root, else the keys directory's), or signer certificates. The
 * rules are the set in force at the clock; maxAgeDays overrides the list's own limit on its age.
 */
async function readTrust(file: string, rootFile: string | undefined, clock: Date, maxAgeDays: number | undefined): Promise<TrustSource> {
  const text = readFileSync(file, 'utf8');
  if (!looksLikeTrustList(text)) return { trust: certificatesFromText(text).map((certificate) => ({ certificate })) };
  const root = rootFile ?? path.join(defaultKeysDir(), 'csca', 'cert.pem');
  if (!existsSync(root)) throw new Error(`a trust list needs its root certificate to check its signature: give --root (no ${root})`);
  const rootText = readFileSync(root, 'utf8');
  const rootDer = rootText.includes('-----BEGIN') ? pemDecode('CERTIFICATE', rootText) : certificatesFromText(rootText)[0]!;
  const list = await verifyTrustList(text, rootDer, { now: clock, ...(maxAgeDays !== undefined ? { stale: { refuseAfterDays: maxAgeDays } } : {}) });
  for (const w of list.warnings) console.error(`sen cert verify: warning: ${w}`);
  return { trust: list.trust, revocations: list.revocations, ruleSet: ruleSetAt(list.ruleSets, clock) };
}

/**
 * `sen cert verify`: verifies one HC1 QR (text, file or PNG image) offline and prints ONE JSON object
 * {"valid", "stages", "reason"}; exits 0 only when valid. With a trust list, revocations and the checkpoint
 * rules it carries are applied too.
 */
export function registerCertCommands(program: Command): void {
  const cert = program.command('cert').description('Vaccination certificates (EU Digital COVID Certificate, HC1: QR)');
  cert
    .command('verify')
    .description('Verify an HC1: certificate offline; prints one JSON object, exits 0 only when valid')
    .argument('[hc1]', 'the HC1: text (or use --file or --image)')
    .option('--file <file>', 'read the HC1: text from a file ("-" for stdin)')
    .option('--image <png>', 'read the QR code from a PNG image')
    .option('--trust <file>', 'a signed trust list (JSON), or signer (DSC) certificate(s) as PEM or base64 DER')
    .option('--root <file>', 'root (CSCA) certificate that signed the trust list (default: the keys directory\'s)')
    .option('--clock <iso8601>', 'verify as of this time (default: now)')
    .option('--max-age-days <days>', 'refuse a trust list older than this many days (default: the limit the list carries, else 7)')
    .action(async (hc1: string | undefined, opts: VerifyOpts) => {
      const given = [hc1, opts.file, opts.image].filter((x) => x !== undefined).length;
      if (given !== 1) return usageError('give exactly one of: the HC1: text, --file, --image');
      let text: string;
      try {
        if (opts.image !== undefined) text = decodeQrPng(readFileSync(opts.image));
        else text = hc1 ?? readFileSync(opts.file === '-' ? 0 : opts.file!, 'utf8');
      } catch (e) {
        return usageError(`cannot read ${opts.image ?? opts.file}: ${(e as Error).message}`);
      }
      let clock = new Date();
      if (opts.clock !== undefined) {
        clock = new Date(opts.clock);
        if (!/^\d{4}-\d\d-\d\d/.test(opts.clock) || Number.isNaN(clock.getTime())) return usageError(`--clock takes an ISO 8601 time, got ${opts.clock}`);
      }
      let maxAgeDays: number | undefined;
      if (opts.maxAgeDays !== undefined) {
        maxAgeDays = Number(opts.maxAgeDays);
        if (!/^\d{1,4}$/.test(opts.maxAgeDays) || maxAgeDays < 2) return usageError(`--max-age-days takes a whole number of days, 2 or more (a list warns after 48 hours), got ${opts.maxAgeDays}`);
      }
      let source: TrustSource = { trust: [] };
      if (opts.trust !== undefined) {
        try {
          source = await readTrust(opts.trust, opts.root, clock, maxAgeDays);
        } catch (e) {
          return usageError(`cannot use the trust file ${opts.trust}: ${(e as Error).message}`);
        }
      }
      let result: VerifyResult;
      try {
        result = await verifyHcert(text.trim(), { trust: source.trust, clock, revocations: source.revocations, ruleSet: source.ruleSet });
      } catch (e) {
        // Only a trust certificate that cannot be parsed gets here; the input itself never throws.
        return usageError((e as Error).message);
      }
      const noTrust = Array.isArray(source.trust) && source.trust.length === 0;
      if (!result.valid && noTrust && result.stages.signature === 'fail') result = { ...result, reason: `${result.reason} (no --trust given)` };
      print(result);
      process.exitCode = result.valid ? 0 : EXIT_INVALID;
    });
}
