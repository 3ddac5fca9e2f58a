import type { Command } from 'commander';
import { loadConfig, openDatabase, type RequestContext, issueCertificatesUnchecked, issueRecoveryCertificateUnchecked, resolvePersonRef } from '@sen/server';
import type { Connection } from '@sen/db';
import { AppError, DCC_ISSUER_NAME } from '@sen/domain';
// The use case lives in the server module; the CLI runs it as the system (audited with no actor, the command named).

export interface CertIssueOptions {
  person: string;
  dir?: string;
  reissue?: boolean;
  reason?: string;
  /** Issue a recovery certificate instead: the day of the first positive NAAT test. */
  recovery?: string;
  country?: string;
  issuer?: string;
}

/**
 * `sen cert issue --person ID_NUMBER|UUID [--dir KEYS]`: issues the person's certificates from their verified doses
 * and prints, for the newest valid one, the UVCI and the HC1 text (one JSON object per line: uvci, hc1, dn/sd).
 * With `--recovery YYYY-MM-DD [--country VN] [--issuer TEXT]`: a recovery certificate from that first positive test
 * (one line: uvci, hc1, fr, df, du, issued).
 */
export async function runCertIssue(opts: CertIssueOptions, out: (line: string) => void = console.log, given?: Connection): Promise<number> {
  const config = loadConfig(opts.dir ? { ...process.env, SEN_KEYS_DIR: opts.dir } : process.env);
  const conn = given ?? (await openDatabase(config));
  try {
    const personId = await resolvePersonRef(conn.db, opts.person);
    if (!personId) throw new AppError('person_not_found', `No person with ID number or id ${opts.person}`);
    const ctx: RequestContext = { actor: null, ip: null, requestId: 'cli:cert-issue' };
    if (opts.recovery !== undefined) {
      const rec = await issueRecoveryCertificateUnchecked({ db: conn.db, config }, ctx, { personId, firstPositiveOn: opts.recovery, country: opts.country ?? 'VN', issuer: opts.issuer ?? DCC_ISSUER_NAME });
      const cert = (rec.issued ?? rec.unchanged)!;
      const row = await conn.db.selectFrom('certificates').select('hcert').where('id', '=', cert.id).executeTakeFirstOrThrow();
      out(JSON.stringify({ uvci: cert.uvci, kind: 'recovery', fr: cert.eventOn, expiresAt: cert.expiresAt, issued: rec.issued !== undefined, hc1: row.hcert }));
      if (rec.revoked) out(JSON.stringify({ revoked: [rec.revoked.uvci] }));
      return 0;
    }
    const r = await issueCertificatesUnchecked({ db: conn.db, config }, ctx, personId, { reissue: opts.reissue, reason: opts.reason });
    const valid = [...r.issued, ...r.unchanged].sort((a, b) => (a.doseNumber ?? 0) - (b.doseNumber ?? 0));
    if (valid.length === 0) throw new AppError('no_certificate', 'This person has no verified dose to certify');
    const rows = await conn.db.selectFrom('certificates').select(['id', 'uvci', 'hcert']).where('id', 'in', valid.map((c) => c.id)).execute();
    const hc1 = new Map(rows.map((x) => [x.id, x.hcert]));
    for (const c of valid) out(JSON.stringify({ uvci: c.uvci, dn: c.doseNumber, sd: c.seriesDoses, issued: r.issued.some((i) => i.id === c.id), hc1: hc1.get(c.id) }));
    if (r.revoked.length > 0) out(JSON.stringify({ revoked: r.revoked.map((c) => c.uvci) }));
    return 0;
  } finally {
    if (!given) await conn.close();
  }
}

export function registerCertIssueCommand(program: Command): void {
  const cert = program.commands.find((c) => c.name() === 'cert') ?? program.command('cert').description('Vaccination certificates');
  cert
    .command('issue')
    .description('Issue the certificates a person\'s verified doses give; prints the UVCI and the HC1: text')
    .requiredOption('--person <ref>', 'CCCD/CMND/passport number, or the person id (UUID)')
    .option('--dir <keys>', 'keys directory (default SEN_KEYS_DIR or ./data/keys)')
    .option('--reissue', 'replace the valid certificates even when unchanged (needs --reason)')
    .option('--reason <text>', 'why they are re-issued')
    .option('--recovery <date>', 'issue a recovery certificate from the first positive NAAT test of this day (YYYY-MM-DD)')
    .option('--country <code>', 'with --recovery: where the test was taken (ISO 3166, default VN)')
    .option('--issuer <text>', 'with --recovery: the certificate issuer (default the Ministry of Health of Viet Nam)')
    .action(async (opts: CertIssueOptions) => {
      try {
        process.exitCode = await runCertIssue(opts);
      } catch (e) {
        console.error(`sen cert issue: ${(e as Error).message}`);
        process.exitCode = 1;
      }
    });
}
