import { describe, expect, it } from 'vitest';
import { addDays, isoDay } from './calendar';
import { CATALOG_VERSIONS } from './catalog';
import type { DoseRecord } from './dose-rules';
import { HCMC_QR_RULE_2021, qrColour } from './qr-colour';

const v2 = CATALOG_VERSIONS[1]!;
const D = isoDay('2021-09-01');
const dose = (date: Date, vaccine: string): DoseRecord => ({ date, vaccine });

describe('HCMC personal QR colour', () => {
  it('is black with no dose and no recovery', () => {
    expect(qrColour({ doses: [] }, v2, D)).toEqual({ colour: 'black', reason: 'none', greenFrom: null });
  });

  it('turns green 14 days after one dose of a two-dose vaccine', () => {
    const doses = [dose(D, 'astrazeneca')];
    expect(qrColour({ doses }, v2, addDays(D, 13))).toEqual({ colour: 'black', reason: 'none', greenFrom: addDays(D, 14) });
    expect(qrColour({ doses }, v2, addDays(D, 14))).toEqual({ colour: 'green', reason: 'vaccinated', greenFrom: null });
    expect(qrColour({ doses }, v2, addDays(D, 400)).colour).toBe('green');
  });

  it('counts from the first dose, not the last', () => {
    const doses = [dose(D, 'pfizer'), dose(addDays(D, 21), 'pfizer')];
    expect(qrColour({ doses }, v2, addDays(D, 22)).colour).toBe('green');
  });

  it('turns green 14 days after a single Janssen dose', () => {
    const doses = [dose(D, 'janssen')];
    expect(qrColour({ doses }, v2, addDays(D, 13)).colour).toBe('black');
    expect(qrColour({ doses }, v2, addDays(D, 14)).colour).toBe('green');
  });

  it('ignores doses after the day asked', () => {
    expect(qrColour({ doses: [dose(addDays(D, 1), 'pfizer')] }, v2, D).colour).toBe('black');
  });

  it('is green while recovery is under 180 days old', () => {
    const recoveredOn = D;
    expect(qrColour({ doses: [], recoveredOn }, v2, addDays(D, 179))).toEqual({ colour: 'green', reason: 'recovered', greenFrom: null });
    expect(qrColour({ doses: [], recoveredOn }, v2, addDays(D, 180)).colour).toBe('black');
    expect(qrColour({ doses: [], recoveredOn }, v2, addDays(D, 181)).colour).toBe('black');
    expect(qrColour({ doses: [], recoveredOn }, v2, D).colour).toBe('green');
  });

  it('does not count a recovery dated after the day asked', () => {
    expect(qrColour({ doses: [], recoveredOn: addDays(D, 1) }, v2, D).colour).toBe('black');
  });

  it('stays green by vaccination when the recovery has expired', () => {
    const r = qrColour({ doses: [dose(D, 'verocell')], recoveredOn: addDays(D, -200) }, v2, addDays(D, 20));
    expect(r).toEqual({ colour: 'green', reason: 'vaccinated', greenFrom: null });
  });

  it('takes its numbers from the rule', () => {
    expect(HCMC_QR_RULE_2021).toEqual({ recoveredWithinDays: 180, daysAfterDose: 14, minDoses: 1 });
    const strict = { recoveredWithinDays: 90, daysAfterDose: 14, minDoses: 2 };
    expect(qrColour({ doses: [], recoveredOn: D }, v2, addDays(D, 90), strict).colour).toBe('black');
    expect(qrColour({ doses: [], recoveredOn: D }, v2, addDays(D, 89), strict).colour).toBe('green');
    const one = [dose(D, 'astrazeneca')];
    expect(qrColour({ doses: one }, v2, addDays(D, 60), strict).colour).toBe('black');
    const two = [...one, dose(addDays(D, 56), 'astrazeneca')];
    expect(qrColour({ doses: two }, v2, addDays(D, 69), strict)).toEqual({ colour: 'black', reason: 'none', greenFrom: addDays(D, 70) });
    expect(qrColour({ doses: two }, v2, addDays(D, 70), strict).colour).toBe('green');
    // Janssen's series is one dose, so "2 doses" asks for its one.
    expect(qrColour({ doses: [dose(D, 'janssen')] }, v2, addDays(D, 14), strict).colour).toBe('green');
  });
});
