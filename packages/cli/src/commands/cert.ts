import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { certificatesFromText, STAGES, verifyHcert, type TrustEntry, type VerifyResult } from '@sen/certs';

interface VerifyOpts {
  trust?: string;
  clock?: string;
  file?: string;
}

/** Exit codes: 0 valid, 1 not valid, 2 the command itself could not run (bad option, unreadable file). */
const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

function print(result: Pick<VerifyResult, 'valid' | 'stages' | 'reason'> & Partial<VerifyResult>): void {
  const { valid, stages, reason, ...rest } = result;
  console.log(JSON.stringify({ valid, stages, reason: reason ?? null, ...rest }));
}

function usageError(reason: string): void {
  print({ valid: false, stages: Object.fromEntries(STAGES.map((s) => [s, 'skipped'])) as VerifyResult['stages'], reason });
  process.exitCode = EXIT_USAGE;
}

/**
 * `sen cert verify`: verifies one HC1 QR text offline and prints ONE JSON object
 * {"valid", "stages", "reason", ...}; exits 0 only when valid. Reading a QR image (--image) is not built yet.
 */
export function registerCertCommands(program: Command): void {
  const cert = program.command('cert').description('Vaccination certificates (EU Digital COVID Certificate, HC1: QR)');
  cert
    .command('verify')
    .description('Verify an HC1: certificate text offline; prints one JSON object, exits 0 only when valid')
    .argument('[hc1]', 'the HC1: text (or use --file)')
    .option('--file <file>', 'read the HC1: text from a file ("-" for stdin)')
    .option('--trust <file>', 'signer (DSC) certificate(s): PEM, or base64 DER')
    .option('--clock <iso8601>', 'verify as of this time (default: now)')
    .action(async (hc1: string | undefined, opts: VerifyOpts) => {
      if ((hc1 === undefined) === (opts.file === undefined)) return usageError('give the HC1: text or --file, not both');
      let text: string;
      try {
        text = hc1 ?? readFileSync(opts.file === '-' ? 0 : opts.file!, 'utf8');
      } catch (e) {
        return usageError(`cannot read ${opts.file}: ${(e as Error).message}`);
      }
      let clock = new Date();
      if (opts.clock !== undefined) {
        clock = new Date(opts.clock);
        if (!/^\d{4}-\d\d-\d\d/.test(opts.clock) || Number.isNaN(clock.getTime())) return usageError(`--clock takes an ISO 8601 time, got ${opts.clock}`);
      }
      let trust: TrustEntry[] = [];
      if (opts.trust !== undefined) {
        try {
          trust = certificatesFromText(readFileSync(opts.trust, 'utf8')).map((certificate) => ({ certificate }));
        } catch (e) {
          return usageError(`cannot read the trust file ${opts.trust}: ${(e as Error).message}`);
        }
      }
      let result: VerifyResult;
      try {
        result = await verifyHcert(text.trim(), { trust, clock });
      } catch (e) {
        // Only a trust certificate that cannot be parsed gets here; the input itself never throws.
        return usageError((e as Error).message);
      }
      if (!result.valid && trust.length === 0 && result.stages.signature === 'fail') result = { ...result, reason: `${result.reason} (no --trust given)` };
      print(result);
      process.exitCode = result.valid ? 0 : EXIT_INVALID;
    });
}
