import { uuidv7 } from '@sen/db';
import { searchForm, type Sex } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findDuplicatesFor } from './find-duplicates';
import { personView } from './person-view';
import { findPersonRow, identifierHolder, insertIdentifiers, type Person } from './repo';
import {
  assertIdentifiersFree, cleanBirthDate, cleanIdentifiers, cleanName, cleanOptionalText, cleanPhone, duplicateIdentifier, fieldError,
  resolveCommune, resolveHousehold, type HouseholdRole, type IdentifierInput,
} from './validate';

export interface PersonInput {
  fullName: string;
  birthDate?: string | null | undefined;
  sex: Sex;
  phone?: string | null | undefined;
  address?: string | null | undefined;
  communeCode?: string | null | undefined;
  identifiers?: IdentifierInput[] | undefined;
  householdId?: string | null | undefined;
  householdRole?: HouseholdRole | null | undefined;
}

export const ADDRESS_MAX = 500;

/** Registers a person in a commune of the actor's jurisdiction, then queues any likely duplicates for review. */
export async function createPerson(deps: Deps, ctx: RequestContext, input: PersonInput): Promise<Person> {
  scopePaths(ctx, 'people:write');
  const fullName = cleanName(input.fullName);
  const birthDate = cleanBirthDate(input.birthDate);
  const phone = cleanPhone(input.phone);
  const address = cleanOptionalText(input.address, 'address', ADDRESS_MAX);
  const identifiers = cleanIdentifiers(input.identifiers ?? [], { birthDate, sex: input.sex });
  const commune = await resolveCommune(deps.db, ctx, input.communeCode ?? null, 'people:write');
  const householdId = await resolveHousehold(deps.db, ctx, input.householdId ?? null);
  if (input.householdRole && !householdId) throw fieldError('household_role_without_household', 'householdRole', 'A household role needs a householdId');
  // Checked before the transaction for a clear answer; the insert below catches a concurrent registration of the same number.
  await assertIdentifiersFree(deps.db, ctx, identifiers, null);

  const id = uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('people')
      .values({
        id, full_name: fullName, search_name: searchForm(fullName), birth_date: birthDate, sex: input.sex, phone, address,
        commune_code: commune.code, area_path: commune.path, household_id: householdId, household_role: householdId ? (input.householdRole ?? null) : null,
        created_by: ctx.actor?.userId ?? null,
      })
      .execute();
    const taken = await insertIdentifiers(trx, id, identifiers);
    if (taken) {
      const holder = await identifierHolder(trx, taken.kind, taken.value);
      const index = identifiers.findIndex((i) => i.kind === taken.kind && i.value === taken.value);
      throw duplicateIdentifier(ctx, identifiers[index]!, `identifiers.${index}.value`, holder?.personId ?? '', holder?.areaPath ?? null);
    }
    const duplicates = await findDuplicatesFor(deps, trx, id);
    await recordAudit(trx, ctx, {
      action: 'person.create', entityType: 'person', entityId: id, areaPath: commune.path,
      details: { fields: Object.keys(input).filter((k) => input[k as keyof PersonInput] != null), identifierKinds: identifiers.map((i) => i.kind), duplicateCandidates: duplicates.length },
    });
  });
  const row = await findPersonRow(deps.db, id);
  return personView(deps.db, ctx, row!);
}
