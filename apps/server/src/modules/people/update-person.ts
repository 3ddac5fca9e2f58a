import { sql } from '@sen/db';
import { conflict, searchForm, type Sex } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { recordAudit } from '../access/record-audit';
import { queueCertificateReissue } from '../certificates/reissue-after-correction';
import { ADDRESS_MAX, type PersonInput } from './create-person';
import { findDuplicatesFor } from './find-duplicates';
import { loadPersonFor } from './people-access';
import { personView } from './person-view';
import { findPersonRow, identifierHolder, identifiersOf, insertIdentifiers, type Person } from './repo';
import {
  assertIdentifiersFree, cleanBirthDate, cleanIdentifiers, cleanName, cleanOptionalText, cleanPhone, duplicateIdentifier, fieldError,
  resolveCommune, resolveHousehold, type IdentifierInput,
} from './validate';

/** Only the fields present change; `identifiers`, when present, is the whole new list. */
export type PersonPatch = Partial<PersonInput> & { version: number };

/** Fields whose change can make (or unmake) a duplicate. */
const MATCH_FIELDS = new Set(['fullName', 'birthDate', 'sex', 'communeCode', 'identifiers']);

/**
 * Edits a person with optimistic concurrency: the client sends the version it read, and a stale version is refused
 * (409 version_conflict) rather than silently overwriting someone else's edit. A merged record is frozen.
 */
export async function updatePerson(deps: Deps, ctx: RequestContext, id: string, patch: PersonPatch): Promise<Person> {
  const changedFields = await deps.db.transaction().execute(async (trx) => {
    const row = await loadPersonFor(trx, ctx, id, 'people:write', { forUpdate: true });
    if (row.merged_into) throw conflict('merged', 'This record was merged into another; edit that one', { mergedInto: row.merged_into });
    if (row.version !== patch.version) throw conflict('version_conflict', 'Someone else changed this record since you opened it; reload and try again', { currentVersion: row.version });

    const current = (await identifiersOf(trx, [id])).get(id) ?? [];
    const next = {
      fullName: patch.fullName === undefined ? row.full_name : cleanName(patch.fullName),
      birthDate: patch.birthDate === undefined ? row.birth_date : cleanBirthDate(patch.birthDate),
      sex: (patch.sex ?? row.sex) as Sex,
      phone: patch.phone === undefined ? row.phone : cleanPhone(patch.phone),
      address: patch.address === undefined ? row.address : cleanOptionalText(patch.address, 'address', ADDRESS_MAX),
      communeCode: patch.communeCode === undefined ? row.commune_code : patch.communeCode,
      householdId: patch.householdId === undefined ? row.household_id : patch.householdId,
      householdRole: patch.householdRole === undefined ? row.household_role : patch.householdRole,
    };
    // The identifiers are checked against the final birth date and sex, so changing only the date cannot leave a CCCD
    // that contradicts it; then the blame goes to the field that was changed.
    const identifiers: IdentifierInput[] = patch.identifiers
      ? cleanIdentifiers(patch.identifiers, next)
      : patch.birthDate !== undefined || patch.sex !== undefined
        ? cleanIdentifiers(current as IdentifierInput[], next, () => (patch.birthDate !== undefined ? 'birthDate' : 'sex'))
        : (current as IdentifierInput[]);

    const changed: string[] = [];
    if (next.fullName !== row.full_name) changed.push('fullName');
    if (next.birthDate !== row.birth_date) changed.push('birthDate');
    if (next.sex !== row.sex) changed.push('sex');
    if (next.phone !== row.phone) changed.push('phone');
    if (next.address !== row.address) changed.push('address');
    let areaPath = row.area_path;
    if (next.communeCode !== row.commune_code) {
      areaPath = (await resolveCommune(trx, ctx, next.communeCode, 'people:write')).path;
      changed.push('communeCode');
    }
    if (next.householdId !== row.household_id) {
      await resolveHousehold(trx, ctx, next.householdId);
      changed.push('householdId');
    }
    if (!next.householdId) next.householdRole = null;
    if (next.householdRole !== row.household_role) changed.push('householdRole');
    if (patch.householdRole && !next.householdId) throw fieldError('household_role_without_household', 'householdRole', 'A household role needs a householdId');
    const key = (l: readonly { kind: string; value: string }[]) => new Set(l.map((i) => `${i.kind}:${i.value}`));
    const before = key(current);
    const after = key(identifiers);
    const added = identifiers.filter((i) => !before.has(`${i.kind}:${i.value}`));
    const removed = current.filter((i) => !after.has(`${i.kind}:${i.value}`));
    if (added.length || removed.length) changed.push('identifiers');
    if (changed.length === 0) return changed;

    const indexOf = (i: IdentifierInput) => identifiers.findIndex((x) => x.kind === i.kind && x.value === i.value);
    await assertIdentifiersFree(trx, ctx, added, id, (i) => indexOf(added[i]!));
    const res = await trx
      .updateTable('people')
      .set({
        full_name: next.fullName, search_name: searchForm(next.fullName), birth_date: next.birthDate, sex: next.sex, phone: next.phone, address: next.address,
        commune_code: next.communeCode, area_path: areaPath, household_id: next.householdId, household_role: next.householdRole,
        version: sql`version + 1`, updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .where('version', '=', patch.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('version_conflict', 'Someone else changed this record since you opened it; reload and try again');
    for (const r of removed) await trx.deleteFrom('person_identifiers').where('kind', '=', r.kind).where('value', '=', r.value).where('person_id', '=', id).execute();
    const taken = await insertIdentifiers(trx, id, added);
    if (taken) {
      const holder = await identifierHolder(trx, taken.kind, taken.value);
      throw duplicateIdentifier(ctx, taken as IdentifierInput, `identifiers.${indexOf(taken as IdentifierInput)}.value`, holder?.personId ?? '', holder?.areaPath ?? null);
    }
    const duplicates = changed.some((f) => MATCH_FIELDS.has(f)) ? await findDuplicatesFor(deps, trx, id) : [];
    await recordAudit(trx, ctx, {
      action: 'person.update', entityType: 'person', entityId: id, areaPath,
      details: { changed, version: patch.version + 1, ...(areaPath !== row.area_path ? { movedFrom: row.area_path } : {}), duplicateCandidates: duplicates.length },
    });
    return changed;
  });
  // Certificates print the name and birth date: re-issue (revoking the old ones) once the correction is committed.
  if (changedFields.includes('fullName') || changedFields.includes('birthDate')) await queueCertificateReissue(deps, id, 'person_corrected');
  const row = await findPersonRow(deps.db, id);
  return personView(deps.db, ctx, row!);
}
