import { sql, uuidv7, type schema, type Updateable } from '@sen/db';
import { badRequest, conflict, parsePartialDate } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { queueCertificateReissue } from '../certificates/reissue-after-correction';
import { loadCandidate } from './dismiss-duplicate';
import { commonAreaPath, findDuplicatesFor } from './find-duplicates';
import { loadPersonFor } from './people-access';
import { accountsLinkedTo, relinkAccounts } from '../access/person-accounts';
import { identifiersOf, type PersonRow } from './repo';

export interface MergeInput {
  survivorId: string;
  mergedId: string;
  candidateId?: string | undefined;
}

/** Kinds a person holds one number of for life: two different ones mean two people, so such a merge is refused. */
const LIFELONG_KINDS = ['cccd', 'bhxh'];

/** The more precise of two compatible partial dates ('1990' and '1990-03-07' -> '1990-03-07'); null when they disagree. */
function morePrecise(survivor: string | null, merged: string | null): string | null {
  if (!merged) return null;
  if (!survivor) return merged;
  return merged.length > survivor.length && merged.startsWith(survivor) && parsePartialDate(merged, new Date(8.64e15)) ? merged : null;
}

/**
 * Merges two records of one person in one transaction. The merged record is never deleted: it points at the survivor
 * (merged_into), so old links still resolve, and person_merges keeps a snapshot of it. Everything attached to it moves:
 * identifiers, the citizen account, household membership, pending duplicate pairs, and records merged into it earlier.
 * The survivor's empty fields are filled from the merged record; nothing the survivor has is overwritten.
 */
export async function mergePeople(deps: Deps, ctx: RequestContext, input: MergeInput): Promise<{ survivorId: string; mergedId: string }> {
  const { survivorId, mergedId } = input;
  if (survivorId === mergedId) throw badRequest('same_person', 'A record cannot be merged into itself', { field: 'survivorId' });
  await deps.db.transaction().execute(async (trx) => {
    // Locks in id order, so two merges of overlapping pairs cannot deadlock.
    const rows = new Map<string, PersonRow>();
    for (const id of [survivorId, mergedId].sort()) rows.set(id, await loadPersonFor(trx, ctx, id, 'people:merge', { forUpdate: true }));
    const survivor = rows.get(survivorId)!;
    const merged = rows.get(mergedId)!;

    const [a, b] = [survivorId, mergedId].sort() as [string, string];
    if (input.candidateId) {
      const candidate = await loadCandidate(trx, ctx, input.candidateId, { forUpdate: true });
      if (candidate.status !== 'pending') throw conflict('candidate_decided', `This pair was already ${candidate.status}`, { candidateStatus: candidate.status });
      if (candidate.person_a !== a || candidate.person_b !== b) throw badRequest('candidate_mismatch', 'The survivor must be one of the two records of the pair', { field: 'survivorId' });
    }

    if (merged.merged_into) throw conflict('merged', 'This record was already merged', { personId: mergedId, mergedInto: merged.merged_into });
    if (survivor.merged_into) throw conflict('merged', 'The surviving record was itself merged; merge into the record it points to', { personId: survivorId, mergedInto: survivor.merged_into });

    const ids = await identifiersOf(trx, [survivorId, mergedId]);
    const survivorIds = ids.get(survivorId) ?? [];
    const mergedIds = ids.get(mergedId) ?? [];
    for (const kind of LIFELONG_KINDS) {
      if (survivorIds.some((i) => i.kind === kind) && mergedIds.some((i) => i.kind === kind)) {
        throw conflict('conflicting_identifiers', `The two records have different ${kind.toUpperCase()} numbers, so they are different people (or one number is mistyped: correct it first)`, { kind });
      }
    }
    const accounts = await accountsLinkedTo(trx, [survivorId, mergedId]);
    if (accounts.length > 1) throw conflict('both_linked', 'Both records have a citizen account; one account must be unlinked before merging');

    const fill: Updateable<schema.People> = {};
    if (!survivor.phone && merged.phone) fill.phone = merged.phone;
    if (!survivor.address && merged.address) fill.address = merged.address;
    const birth = morePrecise(survivor.birth_date, merged.birth_date);
    if (birth && birth !== survivor.birth_date) fill.birth_date = birth;
    if (survivor.sex === 'unknown' && merged.sex !== 'unknown') fill.sex = merged.sex;
    if (!survivor.commune_code && merged.commune_code) Object.assign(fill, { commune_code: merged.commune_code, area_path: merged.area_path });
    if (!survivor.household_id && merged.household_id) Object.assign(fill, { household_id: merged.household_id, household_role: merged.household_role });
    const survivorPath = (fill.area_path as string | null | undefined) ?? survivor.area_path;

    await trx.updateTable('person_identifiers').set({ person_id: survivorId }).where('person_id', '=', mergedId).execute();
    const relinked = await relinkAccounts(trx, mergedId, survivorId);
    await trx.updateTable('people').set({ ...fill, version: sql`version + 1`, updated_at: sql`now()` }).where('id', '=', survivorId).execute();
    await trx.updateTable('people').set({ merged_into: survivorId, merged_at: sql`now()`, version: sql`version + 1`, updated_at: sql`now()` }).where('id', '=', mergedId).execute();
    // Records merged into this one earlier now point straight at the survivor: chains stay one step long.
    const flattened = await trx.updateTable('people').set({ merged_into: survivorId, updated_at: sql`now()` }).where('merged_into', '=', mergedId).returning('id').execute();

    const decided = { decided_at: sql<Date>`now()`, decided_by: ctx.actor?.userId ?? null };
    const closedPair = await trx.updateTable('duplicate_candidates').set({ status: 'merged', ...decided }).where('person_a', '=', a).where('person_b', '=', b).where('status', '=', 'pending').returning('id').execute();
    // Other open pairs of the merged record become pairs of the survivor; where the survivor already has that pair, the
    // old one is closed as resolved by this merge.
    const open = await trx
      .selectFrom('duplicate_candidates as d')
      .innerJoin('people as o', (j) => j.on(sql<boolean>`o.id = CASE WHEN d.person_a = ${mergedId}::uuid THEN d.person_b ELSE d.person_a END`))
      .select(['d.id', 'o.id as other', sql<string | null>`o.area_path::text`.as('other_path')])
      .where('d.status', '=', 'pending')
      .where((eb) => eb.or([eb('d.person_a', '=', mergedId), eb('d.person_b', '=', mergedId)]))
      .forUpdate()
      .execute();
    const repointed: string[] = [];
    const closed: string[] = [];
    for (const c of open) {
      const [pa, pb] = [survivorId, c.other].sort() as [string, string];
      const existing = c.other === survivorId ? c : await trx.selectFrom('duplicate_candidates').select('id').where('person_a', '=', pa).where('person_b', '=', pb).executeTakeFirst();
      if (existing) {
        await trx.updateTable('duplicate_candidates').set({ status: 'merged', ...decided }).where('id', '=', c.id).execute();
        closed.push(c.id);
      } else {
        await trx.updateTable('duplicate_candidates').set({ person_a: pa, person_b: pb, area_path: commonAreaPath(survivorPath, c.other_path) }).where('id', '=', c.id).execute();
        repointed.push(c.id);
      }
    }

    const moved = {
      identifiers: mergedIds,
      filled: Object.keys(fill).filter((k) => k !== 'area_path'),
      accounts: relinked,
      candidatesRepointed: repointed,
      candidatesClosed: [...closedPair.map((r) => r.id), ...closed],
      mergedEarlier: flattened.map((r) => r.id),
    };
    await trx
      .insertInto('person_merges')
      .values({ id: uuidv7(), merged_id: mergedId, survivor_id: survivorId, merged_snapshot: JSON.stringify({ ...merged, identifiers: mergedIds }), moved: JSON.stringify(moved), merged_by: ctx.actor?.userId ?? null })
      .execute();
    await findDuplicatesFor(deps, trx, survivorId);
    await recordAudit(trx, ctx, {
      action: 'person.merge', entityType: 'person', entityId: survivorId, areaPath: survivorPath,
      details: {
        mergedId, candidateId: input.candidateId ?? null, identifierKinds: mergedIds.map((i) => i.kind), filled: moved.filled,
        accountsRelinked: moved.accounts.length, candidatesRepointed: repointed.length, candidatesClosed: moved.candidatesClosed.length, mergedEarlier: moved.mergedEarlier.length,
      },
    });
  });
  // The merged record's certificates are replaced by the survivor's (and revoked) once the merge is committed.
  await queueCertificateReissue(deps, survivorId, 'people_merged');
  return { survivorId, mergedId };
}

/** Merges a reviewed pair: the record that is not `survivorId` is merged into it. */
export async function mergeCandidate(deps: Deps, ctx: RequestContext, candidateId: string, survivorId: string): Promise<{ survivorId: string; mergedId: string }> {
  const candidate = await loadCandidate(deps.db, ctx, candidateId);
  if (survivorId !== candidate.person_a && survivorId !== candidate.person_b) {
    throw badRequest('candidate_mismatch', 'The survivor must be one of the two records of the pair', { field: 'survivorId' });
  }
  const mergedId = survivorId === candidate.person_a ? candidate.person_b : candidate.person_a;
  return mergePeople(deps, ctx, { survivorId, mergedId, candidateId });
}
