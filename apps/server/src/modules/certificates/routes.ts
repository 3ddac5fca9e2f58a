import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { pemEncode } from '@sen/certs';
import { DCC_ISSUER_NAME, vnToday } from '@sen/domain';
import { z } from 'zod';
import type { Deps } from '../../context';
import { pdfDisposition } from '../../lib/pdf';
import { requireScope } from '../../plugins/auth';
import { requestBulkIssue } from './bulk-issue';
import { citizenPassage, createCheckpoint, getCheckpoint, listCheckpoints, officerVerify, passageStats, recordOfficerResult } from './checkpoints';
import { issueCertificates } from './issue-certificates';
import { listPersonCertificates, myCertificatePdf, myCertificates, myQrColour, staffCertificatePdf } from './read-certificates';
import { revokeCertificate } from './revoke-certificate';
import {
  BulkIn, BulkOut, CertificateOut, CheckpointIn, CheckpointOut, CitizenPassageIn, CitizenPassageOut, IdParams, IssueIn, IssueOut, MyCertificateOut, PassageIn, PersonParams,
  QrColourOut, RecoveryIn, RecoveryOut, RevokeIn, RuleSetIn, RuleSetOut, StatsOut, StatsQuery, VerifyIn, VerifyOut,
} from './schemas';
import { createRuleSet } from './create-rule-set';
import { issueRecoveryCertificate } from './issue-recovery-certificate';
import { allRuleSets } from './rule-set-store';
import { currentTrustList, revocationsOf, rootCertificate } from './trust-list';

/** Bodies carrying an HC1 text: a QR holds at most 4,296 characters, so 16 KiB is generous and refuses floods early. */
const HC1_BODY_LIMIT = 16 * 1024;
/** Verifiers revalidate every five minutes; the ETag makes that a 304 when nothing changed. */
const TRUST_CACHE = 'public, max-age=300, must-revalidate';

function sendPdf(reply: FastifyReply, out: { pdf: Buffer; fileName: string }) {
  return reply.type('application/pdf').header('content-disposition', pdfDisposition(out.fileName)).header('cache-control', 'private, no-store').send(out.pdf);
}

/** If-None-Match may list several tags or '*'; weak tags match too (RFC 9110 weak comparison for GET). */
function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (typeof header !== 'string' || header.length > 4096) return false;
  return header.split(',').map((t) => t.trim().replace(/^W\//, '')).some((t) => t === '*' || t === etag);
}

/**
 * Certificates (issue 4): staff issue and revoke, citizens see and download theirs, checkpoints verify and log,
 * and the public trust endpoints verifiers cache offline.
 */
export async function certificatesRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['certificates'];

  r.get('/api/people/:personId/certificates', {
    schema: { tags, summary: "A person's certificates (vaccination:read and people:read over their commune); audited", params: PersonParams, response: { 200: z.object({ items: z.array(CertificateOut) }) } },
    preValidation: requireScope('vaccination:read', 'people:read'),
  }, async (request) => ({ items: await listPersonCertificates(deps, request.ctx, request.params.personId) }));

  r.post('/api/people/:personId/certificates', {
    schema: {
      tags, summary: 'Issue the certificates their verified doses give; corrected content supersedes and revokes the old one (reissue: replace all, with a reason)',
      params: PersonParams, body: IssueIn.optional(), response: { 200: IssueOut },
    },
    preValidation: requireScope('vaccination:write'),
  }, async (request) => issueCertificates(deps, request.ctx, request.params.personId, request.body ?? {}));

  r.post('/api/people/:personId/recovery-certificates', {
    schema: {
      tags, summary: 'Issue a recovery certificate from the first positive NAAT test (testing:write over the person); valid from day 11 to day 180 after it; repeating with the same facts changes nothing',
      params: PersonParams, body: RecoveryIn, response: { 200: RecoveryOut, 201: RecoveryOut },
    },
    preValidation: requireScope('testing:write'),
  }, async (request, reply) => {
    const out = await issueRecoveryCertificate(deps, request.ctx, { personId: request.params.personId, firstPositiveOn: request.body.firstPositiveOn, country: request.body.country, issuer: request.body.issuer ?? DCC_ISSUER_NAME, sourceId: request.body.sourceId ?? null });
    return reply.status(out.issued ? 201 : 200).send({ issued: out.issued ?? null, revoked: out.revoked ?? null, unchanged: out.unchanged ?? null });
  });

  r.post('/api/certificates/:id/revoke', {
    schema: { tags, summary: 'Revoke a certificate with a reason; its hashes go into the next trust list', params: IdParams, body: RevokeIn, response: { 200: CertificateOut } },
    preValidation: requireScope('vaccination:write'),
  }, async (request) => revokeCertificate(deps, request.ctx, request.params.id, request.body.reason));

  r.get('/api/certificates/:id/pdf', {
    schema: { tags, summary: 'Print a certificate for a person (staff); audited', params: IdParams },
    preValidation: requireScope('vaccination:read', 'people:read'),
  }, async (request, reply) => sendPdf(reply, await staffCertificatePdf(deps, request.ctx, request.params.id)));

  r.post('/api/certificates/bulk', {
    schema: { tags, summary: 'Queue issuance for everyone in an area with verified doses and no certificate yet', body: BulkIn, response: { 202: BulkOut } },
    preValidation: requireScope('vaccination:write'),
  }, async (request, reply) => reply.status(202).send(await requestBulkIssue(deps, request.ctx, request.body.areaCode)));

  // ---- citizen ----
  r.get('/api/me/certificates', {
    schema: { tags, summary: 'My certificates, with the QR text of the valid ones', response: { 200: z.object({ items: z.array(MyCertificateOut) }) } },
    preValidation: requireScope('self:read'),
  }, async (request) => ({ items: await myCertificates(deps, request.ctx) }));

  r.get('/api/me/certificates/:id/pdf', {
    schema: { tags, summary: 'Download my certificate as PDF (Vietnamese and English, with the QR)', params: IdParams },
    preValidation: requireScope('self:read'),
  }, async (request, reply) => sendPdf(reply, await myCertificatePdf(deps, request.ctx, request.params.id)));

  r.get('/api/me/qr-colour', {
    schema: { tags, summary: 'My personal QR colour by the personalQr rule of the current rule set', response: { 200: QrColourOut } },
    preValidation: requireScope('self:read'),
  }, async (request) => myQrColour(deps, request.ctx));

  // ---- public trust endpoints ----
  const trustTags = ['trust'];
  r.get('/api/trust/list', {
    schema: { tags: trustTags, summary: 'Signed trust list (signers, revocations, rules); public; ETag and If-None-Match', security: [] },
  }, async (request, reply) => {
    const list = await currentTrustList(deps);
    reply.header('etag', list.etag).header('cache-control', TRUST_CACHE).header('x-trust-list-version', String(list.version));
    if (notModified(request, list.etag)) return reply.status(304).send();
    return reply.type('application/json; charset=utf-8').send(list.body);
  });

  r.get('/api/trust/revocations', {
    schema: { tags: trustTags, summary: 'Revocation batches of the current trust list (packed sorted 128-bit hashes); public', security: [] },
  }, async (request, reply) => {
    const list = await currentTrustList(deps);
    const etag = `"rev-${list.etag.replace(/"/g, '')}"`;
    reply.header('etag', etag).header('cache-control', TRUST_CACHE).header('x-trust-list-version', String(list.version));
    if (notModified(request, etag)) return reply.status(304).send();
    return revocationsOf(list);
  });

  r.get('/api/trust/rule-sets', {
    schema: { tags: trustTags, summary: 'Every CertLogic rule set version with the day it applies from (the trust list carries the same, signed); public', security: [], response: { 200: z.object({ items: z.array(RuleSetOut) }) } },
  }, async () => ({ items: await allRuleSets(deps.db) }));

  r.post('/api/trust/rule-sets', {
    schema: { tags: trustTags, summary: 'Add a rule set version, in force from today or later (national administrator); checked by certlogic-js and a dry run', body: RuleSetIn, response: { 201: RuleSetOut } },
    preValidation: requireScope('vaccination:write'),
  }, async (request, reply) => reply.status(201).send(await createRuleSet(deps, request.ctx, request.body as Parameters<typeof createRuleSet>[2])));

  r.get('/api/trust/root', {
    schema: { tags: trustTags, summary: 'The root (CSCA) certificate that signs the trust list, PEM; public', security: [] },
  }, async (_request, reply) => reply.type('application/x-pem-file').header('cache-control', 'public, max-age=86400').send(pemEncode('CERTIFICATE', rootCertificate(deps))));

  // ---- checkpoints ----
  const cpTags = ['checkpoints'];
  r.post('/api/checkpoints', {
    schema: { tags: cpTags, summary: 'Create a checkpoint in a commune of my jurisdiction; its QR carries qrToken', body: CheckpointIn, response: { 201: CheckpointOut } },
    preValidation: requireScope('checkpoint:verify'),
  }, async (request, reply) => reply.status(201).send(await createCheckpoint(deps, request.ctx, request.body)));

  r.get('/api/checkpoints', {
    schema: { tags: cpTags, summary: 'Checkpoints of my jurisdiction', response: { 200: z.object({ items: z.array(CheckpointOut) }) } },
    preValidation: requireScope('checkpoint:verify'),
  }, async (request) => ({ items: await listCheckpoints(deps, request.ctx) }));

  r.get('/api/checkpoints/:id', {
    schema: { tags: cpTags, summary: 'One checkpoint', params: IdParams, response: { 200: CheckpointOut } },
    preValidation: requireScope('checkpoint:verify'),
  }, async (request) => getCheckpoint(deps, request.ctx, request.params.id));

  r.post('/api/checkpoints/:id/verify', {
    bodyLimit: HC1_BODY_LIMIT,
    schema: { tags: cpTags, summary: 'An officer sends a scanned HC1: the server verifies (signature, expiry, revocation, checkpoint rule) and logs the passage', params: IdParams, body: VerifyIn, response: { 200: VerifyOut } },
    preValidation: requireScope('checkpoint:verify'),
  }, async (request) => officerVerify(deps, request.ctx, request.params.id, request.body.hc1));

  r.post('/api/checkpoints/:id/passages', {
    schema: { tags: cpTags, summary: "An officer's offline verification result (no personal data: the certificate hash only)", params: IdParams, body: PassageIn, response: { 201: z.object({ id: z.string() }) } },
    preValidation: requireScope('checkpoint:verify'),
  }, async (request, reply) => reply.status(201).send(await recordOfficerResult(deps, request.ctx, request.params.id, request.body)));

  r.get('/api/checkpoints/:id/passages', {
    schema: { tags: cpTags, summary: "A day's passages (Viet Nam day, default today): counts by result and hour, failure reasons", params: IdParams, querystring: StatsQuery, response: { 200: StatsOut } },
    preValidation: requireScope('checkpoint:verify'),
  }, async (request) => passageStats(deps, request.ctx, request.params.id, request.query.date ?? vnToday()));

  r.post('/api/me/checkpoint-passages', {
    bodyLimit: HC1_BODY_LIMIT,
    schema: { tags: cpTags, summary: "A citizen scanned a checkpoint's QR (token) and shows their certificate: verified, logged, result for the officer to see", body: CitizenPassageIn, response: { 201: CitizenPassageOut } },
    preValidation: requireScope('self:read'),
  }, async (request, reply) => reply.status(201).send(await citizenPassage(deps, request.ctx, request.body)));
}
