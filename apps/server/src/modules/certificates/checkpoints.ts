import { randomBytes } from 'node:crypto';
import { sql } from '@sen/db';
import { uuidv7 } from '@sen/db';
import { AppError, forbidden, notFound } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, jurisdictionSql, requireActor, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findAreaByCode } from '../areas/repo';
import { verifyForCheckpoint, type CheckpointVerification } from './verify-certificate';

export interface CheckpointView {
  id: string;
  name: string;
  communeCode: string;
  qrToken: string;
  active: boolean;
  createdAt: string;
}

interface CheckpointRow {
  id: string;
  name: string;
  commune_code: string;
  area_path: string;
  qr_token: string;
  active: boolean;
  created_at: Date;
}

const view = (r: CheckpointRow): CheckpointView => ({ id: r.id, name: r.name, communeCode: r.commune_code, qrToken: r.qr_token, active: r.active, createdAt: new Date(r.created_at).toISOString() });
const COLUMNS = sql`id, name, commune_code, area_path::text AS area_path, qr_token, active, created_at`;

export async function createCheckpoint(deps: Deps, ctx: RequestContext, input: { name: string; areaCode: string }): Promise<CheckpointView> {
  scopePaths(ctx, 'checkpoint:verify');
  const area = await findAreaByCode(deps.db, input.areaCode);
  if (!area) throw new AppError('unknown_area', 'No area has this code', { field: 'areaCode' });
  if (area.kind !== 'commune') throw new AppError('not_a_commune', `A checkpoint belongs in a commune, not a ${area.kind}`, { field: 'areaCode' });
  if (!canAccessArea(ctx, 'checkpoint:verify', area.path)) throw forbidden('This area is outside your jurisdiction', { scope: 'checkpoint:verify', field: 'areaCode' });
  const id = uuidv7();
  const token = randomBytes(18).toString('base64url');
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('checkpoints').values({ id, name: input.name, commune_code: area.code, area_path: area.path, qr_token: token, created_by: ctx.actor?.userId ?? null }).execute();
    await recordAudit(trx, ctx, { action: 'checkpoint.create', entityType: 'checkpoint', entityId: id, areaPath: area.path, details: { areaCode: area.code } });
  });
  return (await getCheckpoint(deps, ctx, id));
}

export async function listCheckpoints(deps: Deps, ctx: RequestContext): Promise<CheckpointView[]> {
  const rows = await sql<CheckpointRow>`SELECT ${COLUMNS} FROM checkpoints WHERE ${jurisdictionSql(ctx, 'checkpoint:verify', 'area_path')} ORDER BY name, id LIMIT 500`.execute(deps.db);
  return rows.rows.map(view);
}

async function findCheckpointRow(deps: Deps, where: { id?: string; token?: string }): Promise<CheckpointRow | undefined> {
  const cond = where.id ? sql`id = ${where.id}` : sql`qr_token = ${where.token}`;
  return (await sql<CheckpointRow>`SELECT ${COLUMNS} FROM checkpoints WHERE ${cond}`.execute(deps.db)).rows[0];
}

/** A checkpoint in the officer's jurisdiction; elsewhere it does not exist for them (404). */
async function checkpointForOfficer(deps: Deps, ctx: RequestContext, id: string): Promise<CheckpointRow> {
  scopePaths(ctx, 'checkpoint:verify');
  const row = await findCheckpointRow(deps, { id });
  if (!row || !canAccessArea(ctx, 'checkpoint:verify', row.area_path)) throw notFound('Checkpoint', { checkpointId: id });
  return row;
}

export async function getCheckpoint(deps: Deps, ctx: RequestContext, id: string): Promise<CheckpointView> {
  return view(await checkpointForOfficer(deps, ctx, id));
}

interface Passage {
  checkpointId: string;
  result: 'pass' | 'fail';
  failureReason: string | null;
  certificateHash: string | null;
  via: 'officer' | 'officer_scan' | 'citizen';
  at: Date;
  recordedBy: string | null;
}

async function logPassage(deps: Deps, p: Passage): Promise<string> {
  const id = uuidv7();
  await deps.db.insertInto('checkpoint_passages').values({
    id, checkpoint_id: p.checkpointId, passed_at: p.at, result: p.result, failure_reason: p.result === 'fail' ? (p.failureReason ?? 'invalid').slice(0, 100) : null,
    certificate_hash: p.certificateHash, via: p.via, recorded_by: p.recordedBy,
  }).execute();
  return id;
}

/** An officer's phone verified offline and reports the result (no personal data: the hash only). */
export async function recordOfficerResult(deps: Deps, ctx: RequestContext, checkpointId: string, input: { result: 'pass' | 'fail'; failureReason?: string | null; certificateHash?: string | null; passedAt?: Date }) {
  const cp = await checkpointForOfficer(deps, ctx, checkpointId);
  if (input.result === 'fail' && !input.failureReason) throw new AppError('failure_reason_required', 'A failed passage needs its failure reason', { field: 'failureReason' });
  const at = input.passedAt ?? new Date();
  if (at.getTime() > Date.now() + 5 * 60_000) throw new AppError('passed_at_in_future', 'passedAt is in the future', { field: 'passedAt' });
  const id = await logPassage(deps, { checkpointId: cp.id, result: input.result, failureReason: input.failureReason ?? null, certificateHash: input.certificateHash ?? null, via: 'officer', at, recordedBy: ctx.actor?.userId ?? null });
  return { id };
}

/** An officer sends the scanned HC1 for the server to verify and log. */
export async function officerVerify(deps: Deps, ctx: RequestContext, checkpointId: string, hc1: string): Promise<CheckpointVerification & { passageId: string }> {
  const cp = await checkpointForOfficer(deps, ctx, checkpointId);
  const v = await verifyForCheckpoint(deps, hc1);
  const passageId = await logPassage(deps, { checkpointId: cp.id, result: v.valid ? 'pass' : 'fail', failureReason: v.failureReason, certificateHash: v.certificateHash, via: 'officer_scan', at: new Date(), recordedBy: ctx.actor?.userId ?? null });
  return { ...v, passageId };
}

/**
 * A citizen scanned the checkpoint's QR and sends their certificate: verified, logged, and the result shown on their
 * phone for the officer to see. The certificate must be the citizen's own (one of their issued certificates).
 */
export async function citizenPassage(deps: Deps, ctx: RequestContext, input: { token: string; hc1: string }) {
  const actor = requireActor(ctx);
  scopePaths(ctx, 'self:read');
  const cp = await findCheckpointRow(deps, { token: input.token });
  if (!cp || !cp.active) throw notFound('Checkpoint', {});
  const v = await verifyForCheckpoint(deps, input.hc1);
  if (v.certificateHash && v.stages.signature === 'ok') {
    const own = actor.personId
      ? await deps.db.selectFrom('certificates').select('id').where('person_id', '=', actor.personId).where('uci_hash', '=', v.certificateHash).executeTakeFirst()
      : undefined;
    if (!own) throw new AppError('not_your_certificate', 'Show your own certificate: this one was not issued to your account', {}, 422);
  }
  // Data minimisation: the passage keeps the certificate hash, never who showed it (migration 0018 enforces it).
  const passageId = await logPassage(deps, { checkpointId: cp.id, result: v.valid ? 'pass' : 'fail', failureReason: v.failureReason, certificateHash: v.certificateHash, via: 'citizen', at: new Date(), recordedBy: null });
  return { checkpoint: { name: cp.name }, valid: v.valid, failureReason: v.failureReason, reason: v.reason, holder: v.holder, passageId, at: new Date().toISOString() };
}

/** Passages of a day (Viet Nam calendar) at a checkpoint: counts by result and hour, and failure reasons. */
export async function passageStats(deps: Deps, ctx: RequestContext, checkpointId: string, day: string) {
  const cp = await checkpointForOfficer(deps, ctx, checkpointId);
  const rows = await sql<{ hour: number; result: string; failure_reason: string | null; n: number }>`
    SELECT extract(hour FROM (passed_at AT TIME ZONE 'UTC') + interval '7 hours')::int AS hour, result, failure_reason, count(*)::int AS n
      FROM checkpoint_passages
     WHERE checkpoint_id = ${cp.id} AND passed_at >= sen_vn_day_start(${day}::date) AND passed_at < sen_vn_day_start(${day}::date + 1)
     GROUP BY 1, 2, 3 ORDER BY 1`.execute(deps.db);
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, pass: 0, fail: 0 }));
  const reasons: Record<string, number> = {};
  let pass = 0;
  let fail = 0;
  for (const r of rows.rows) {
    const h = hours[r.hour]!;
    if (r.result === 'pass') {
      h.pass += r.n;
      pass += r.n;
    } else {
      h.fail += r.n;
      fail += r.n;
      reasons[r.failure_reason ?? 'invalid'] = (reasons[r.failure_reason ?? 'invalid'] ?? 0) + r.n;
    }
  }
  return { checkpointId: cp.id, day, total: { pass, fail }, hours, failureReasons: reasons };
}
