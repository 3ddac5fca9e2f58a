import { addDays, vnDayNumber } from './calendar';
import { findVaccine, type CatalogVersion } from './catalog';
import { classifyDoses, vaccinationStatus, type DoseRecord } from './dose-rules';

/**
 * When a person's next dose is due, for inviting them. 'first': no dose yet (due whenever a session has room);
 * 'due': the next primary dose or booster, from the last dose and the intervals of the catalog; 'none': nothing
 * more is foreseen (series complete with no booster rule, or the booster limit reached, or an unknown product).
 */
export type NextDose =
  | { kind: 'first' }
  | { kind: 'due'; doseNumber: number; booster: boolean; earliest: Date; recommended: Date }
  | { kind: 'none' };

export function nextDoseDue(doses: readonly DoseRecord[], catalog: CatalogVersion, on: Date): NextDose {
  const status = vaccinationStatus(doses, catalog, on);
  if (status.dosesReceived === 0 || !status.lastDoseOn || !status.primaryVaccine) return { kind: 'first' };
  const history = classifyDoses(doses.filter((d) => vnDayNumber(d.date) <= vnDayNumber(on)), catalog);
  const doseNumber = (history[history.length - 1]?.doseNumber ?? status.dosesReceived) + 1;
  const primary = findVaccine(catalog, status.primaryVaccine);
  if (!primary || status.seriesLength === null) return { kind: 'none' };
  if (!status.primaryComplete) {
    return { kind: 'due', doseNumber, booster: false, earliest: addDays(status.lastDoseOn, primary.minIntervalDays), recommended: addDays(status.lastDoseOn, primary.recommendedIntervalDays) };
  }
  const rule = catalog.booster;
  if (!rule || status.boosters >= rule.maxBoosters) return { kind: 'none' };
  return { kind: 'due', doseNumber, booster: true, earliest: addDays(status.lastDoseOn, rule.minIntervalDays), recommended: addDays(status.lastDoseOn, rule.recommendedIntervalDays) };
}

export interface InvitationCandidate {
  personId: string;
  /** Rank of the person's most urgent priority group (1 first); null when in no group (after every group). */
  priorityRank: number | null;
  /** Recommended day of the next dose; null for a first dose (after those overdue, within the same group). */
  dueOn: Date | null;
  /** When the person registered or was listed: the tie-break, first come first served. */
  since: Date;
}

/** Invitation order: priority group, then the most overdue first (first doses last), then who asked first. */
export function compareInvitationCandidates(a: InvitationCandidate, b: InvitationCandidate): number {
  const rank = (a.priorityRank ?? Number.MAX_SAFE_INTEGER) - (b.priorityRank ?? Number.MAX_SAFE_INTEGER);
  if (rank !== 0) return rank;
  const due = (a.dueOn?.getTime() ?? Number.MAX_SAFE_INTEGER) - (b.dueOn?.getTime() ?? Number.MAX_SAFE_INTEGER);
  if (due !== 0) return due;
  const since = a.since.getTime() - b.since.getTime();
  return since !== 0 ? since : a.personId.localeCompare(b.personId);
}
