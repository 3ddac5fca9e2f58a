import { addDays, vnDayNumber } from './calendar';
import type { CatalogVersion } from './catalog';
import { classifyDoses, type DoseRecord } from './dose-rules';

/**
 * Colour of the personal QR in Ho Chi Minh City (2021): green if recovered less than 180 days ago, or
 * vaccinated with at least one dose 14 days ago or more (a single-dose Janssen counts once complete);
 * black otherwise. The numbers are policy and change: they are parameters with these defaults.
 */

export interface QrColourRule {
  /** Green while fewer than this many days have passed since recovery. */
  recoveredWithinDays: number;
  /** Green from this many days after the qualifying dose. */
  daysAfterDose: number;
  /** Doses needed, capped at the series length (so Janssen needs 1 even when this is 2). */
  minDoses: number;
}

export const HCMC_QR_RULE_2021: QrColourRule = { recoveredWithinDays: 180, daysAfterDose: 14, minDoses: 1 };

export interface QrColourInput {
  doses: readonly DoseRecord[];
  recoveredOn?: Date | null;
}

export interface QrColourResult {
  colour: 'green' | 'black';
  reason: 'recovered' | 'vaccinated' | 'none';
  /** First day of green from vaccination when not yet green (the dose was given, the days have not passed). */
  greenFrom: Date | null;
}

export function qrColour(input: QrColourInput, catalog: CatalogVersion, on: Date, rule: QrColourRule = HCMC_QR_RULE_2021): QrColourResult {
  const today = vnDayNumber(on);
  const recovered = input.recoveredOn;
  if (recovered && vnDayNumber(recovered) <= today && today - vnDayNumber(recovered) < rule.recoveredWithinDays) {
    return { colour: 'green', reason: 'recovered', greenFrom: null };
  }
  const history = classifyDoses(
    input.doses.filter((d) => vnDayNumber(d.date) <= today),
    catalog,
  );
  const needed = Math.min(rule.minDoses, history[0]?.seriesLength ?? rule.minDoses);
  const qualifying = history.find((d) => d.doseNumber >= needed);
  if (!qualifying) return { colour: 'black', reason: 'none', greenFrom: null };
  if (today - vnDayNumber(qualifying.date) >= rule.daysAfterDose) return { colour: 'green', reason: 'vaccinated', greenFrom: null };
  return { colour: 'black', reason: 'none', greenFrom: addDays(qualifying.date, rule.daysAfterDose) };
}
