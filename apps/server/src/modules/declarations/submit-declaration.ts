import { sql, uuidv7, type DB, type Transaction } from '@sen/db';
import { badRequest, conflict, declarationWarnings, DECLARATION_RULE_VERSION, isCalendarDay, shiftDay, toNfc, vnToday, type AppError, type RiskArea, type TravelOrigin } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { requireActor } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { findAreaByCode } from '../areas/repo';
import { enqueueNotification } from '../notifications/enqueue-notification';
import { ownPersonRow } from '../checkins/person-qr';
import { loadPersonFor } from '../people/people-access';
import type { PersonRow } from '../people/repo';
import { declarationView, findDeclaration, type Declaration } from './declarations-repo';
import type { DeclarationInput } from './schemas';

function fieldError(code: string, field: string, message: string): AppError {
  return badRequest(code, `${field}: ${message}`, { field, errors: [{ field, message }] });
}
/** A real calendar day within [earliest, latest]. */
function checkDay(day: string, field: string, earliest: string, latest: string, what: string): string {
  if (!isCalendarDay(day)) throw fieldError('invalid_date', field, 'Not a calendar day');
  if (day > latest) throw fieldError('date_in_future', field, `${what} cannot be after ${latest}`);
  if (day < earliest) throw fieldError('date_too_old', field, `${what} cannot be before ${earliest}`);
  return day;
}

async function areaPath(trx: Transaction<DB>, code: string, field: string, communeOnly = false): Promise<string> {
  const area = await findAreaByCode(trx, code);
  if (!area || area.level === 0) throw fieldError('unknown_area', field, `There is no area with the code ${code}`);
  if (communeOnly && area.kind !== 'commune') throw fieldError('not_a_commune', field, `${area.fullName} is a ${area.kind}, not a commune`);
  return area.path;
}

interface Prepared {
  declaredFor: string;
  answers: Record<string, unknown>;
  origins: TravelOrigin[];
  destinationPath: string | null;
}

async function prepare(trx: Transaction<DB>, input: DeclarationInput, today: string): Promise<Prepared> {
  const exposures = [...new Set(input.exposures)];
  switch (input.kind) {
    case 'daily': {
      const declaredFor = checkDay(input.declaredFor ?? today, 'declaredFor', shiftDay(today, -1), today, 'A daily declaration');
      const travelledFrom = [];
      const origins: TravelOrigin[] = [];
      for (const [i, t] of input.travelledFrom.entries()) {
        const on = checkDay(t.on, `travelledFrom.${i}.on`, shiftDay(today, -14), today, 'Travel in the last 14 days');
        origins.push({ areaPath: await areaPath(trx, t.areaCode, `travelledFrom.${i}.areaCode`), on });
        travelledFrom.push({ areaCode: t.areaCode, on });
      }
      return { declaredFor, answers: { exposures, travelledFrom }, origins, destinationPath: null };
    }
    case 'domestic_travel': {
      const travelDate = checkDay(input.travelDate, 'travelDate', shiftDay(today, -30), shiftDay(today, 30), 'The travel date');
      if (input.fromAreaCode === input.toAreaCode) throw fieldError('same_area', 'toAreaCode', 'The destination is the same as the origin');
      const fromPath = await areaPath(trx, input.fromAreaCode, 'fromAreaCode');
      const toPath = await areaPath(trx, input.toAreaCode, 'toAreaCode');
      const vehicleNumber = input.vehicleNumber === undefined ? null : toNfc(input.vehicleNumber).trim() || null;
      return {
        declaredFor: travelDate,
        answers: { exposures, fromAreaCode: input.fromAreaCode, toAreaCode: input.toAreaCode, vehicle: input.vehicle, vehicleNumber, travelDate },
        origins: [{ areaPath: fromPath, on: travelDate }],
        destinationPath: toPath,
      };
    }
    case 'entry': {
      const arrivalDate = checkDay(input.arrivalDate, 'arrivalDate', shiftDay(today, -30), shiftDay(today, 30), 'The arrival date');
      if (input.country === 'VN') throw fieldError('invalid_country', 'country', 'An entry declaration is for arrivals from abroad');
      const destinationPath = await areaPath(trx, input.destinationCommuneCode, 'destinationCommuneCode', true);
      const flightOrVehicle = toNfc(input.flightOrVehicle).trim();
      if (!flightOrVehicle) throw fieldError('invalid_flight', 'flightOrVehicle', 'Give the flight or vehicle number');
      return {
        declaredFor: arrivalDate,
        answers: {
          exposures, country: input.country, transport: input.transport, flightOrVehicle, arrivalDate,
          destinationCommuneCode: input.destinationCommuneCode, countriesVisited: [...new Set(input.countriesVisited)],
        },
        origins: [],
        destinationPath,
      };
    }
  }
}

/** Risk areas containing any of the origins (the rule checks the days). */
async function riskAreasFor(trx: Transaction<DB>, origins: readonly TravelOrigin[]): Promise<RiskArea[]> {
  if (origins.length === 0) return [];
  const res = await sql<{ path: string; since: string; until: string | null }>`
    SELECT area_path::text AS path, to_char(since, 'YYYY-MM-DD') AS since, to_char(until, 'YYYY-MM-DD') AS until
      FROM risk_areas WHERE area_path @> ANY(${origins.map((o) => o.areaPath)}::ltree[])`.execute(trx);
  return res.rows;
}

/**
 * One message per alert to the tracing team of the commune, through the outbox in the alert's transaction. The text
 * says where and which alert, nothing about the person or their health: the tracer opens the alert (audited).
 */
async function notifyTracingTeam(trx: Transaction<DB>, alertId: string, communePath: string): Promise<void> {
  // An area path ends with the area's own code (VN.01.00004).
  const commune = await findAreaByCode(trx, communePath.split('.').at(-1)!);
  await enqueueNotification(trx, {
    team: { name: 'tracing', areaPath: communePath }, channel: 'app', template: 'declarations.alert',
    params: { alertId, alertRef: alertId.slice(-8), communeName: commune?.fullName ?? '' }, dedupeKey: `declaration-alert:${alertId}`,
  });
}

async function personFor(deps: Deps, ctx: RequestContext, personId: string | 'me'): Promise<PersonRow> {
  if (personId === 'me') return ownPersonRow(deps.db, ctx);
  const row = await loadPersonFor(deps.db, ctx, personId, 'people:write');
  if (row.merged_into) throw conflict('person_merged', 'This record was merged into another: declare for the surviving record', { mergedInto: row.merged_into });
  return row;
}

/**
 * Stores a health declaration for the citizen themselves ('me') or, by staff with people:write where the person
 * lives, for a person. Runs the warning rules; when they warn, raises an alert for the tracing team of the person's
 * commune and queues one message to that team, in the same transaction. Idempotent on the client-made id. Audited.
 */
export async function submitDeclaration(deps: Deps, ctx: RequestContext, personId: string | 'me', input: DeclarationInput, now = new Date()): Promise<Declaration> {
  const actor = requireActor(ctx);
  const person = await personFor(deps, ctx, personId);
  const today = vnToday(now);
  return deps.db.transaction().execute(async (trx) => {
    const prepared = await prepare(trx, input, today);
    const homePath = person.area_path ?? prepared.destinationPath;
    if (!homePath) throw conflict('no_home_commune', "The person has no commune on record: set it first so the declaration reaches the commune's team");
    const symptoms = [...new Set(input.symptoms)];
    const warnings = declarationWarnings({ symptoms, exposures: input.exposures, travelOrigins: prepared.origins }, await riskAreasFor(trx, prepared.origins));
    const inserted = await trx
      .insertInto('health_declarations')
      .values({
        id: input.id, person_id: person.id, kind: input.kind, area_path: homePath, declared_for: prepared.declaredFor, symptoms, answers: JSON.stringify(prepared.answers),
        warnings, rule_version: DECLARATION_RULE_VERSION, declared_by: actor.userId, on_behalf: personId !== 'me',
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const existing = await findDeclaration(trx, input.id);
      if (!existing || existing.person_id !== person.id || existing.kind !== input.kind) throw conflict('id_in_use', 'id: This id belongs to another declaration: make a new one', { field: 'id' });
      return { ...declarationView(existing), duplicate: true };
    }
    let alertId: string | null = null;
    if (warnings.length > 0) {
      alertId = uuidv7();
      await trx.insertInto('declaration_alerts').values({ id: alertId, declaration_id: input.id, person_id: person.id, area_path: homePath, reasons: warnings }).execute();
      await notifyTracingTeam(trx, alertId, homePath);
    }
    await recordAudit(trx, ctx, {
      action: 'declaration.create', entityType: 'person', entityId: person.id, areaPath: homePath,
      details: { declarationId: input.id, kind: input.kind, warnings, alertId, onBehalf: personId !== 'me' },
    });
    return { ...declarationView((await findDeclaration(trx, input.id))!), duplicate: false };
  });
}
