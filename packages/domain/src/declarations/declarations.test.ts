import { describe, expect, it } from 'vitest';
import { canMoveAlert, declarationWarnings, SYMPTOMS, wasAtRisk, type DeclarationFacts, type RiskArea } from './index';

const none: DeclarationFacts = { symptoms: [], exposures: [], travelOrigins: [] };
const HANOI = 'VN.01';
const BA_DINH = 'VN.01.00004';
const risk: RiskArea[] = [{ path: HANOI, since: '2021-07-20', until: '2021-09-15' }];

describe('declarationWarnings', () => {
  it('no symptoms, exposure or travel: no alert', () => {
    expect(declarationWarnings(none, risk)).toEqual([]);
  });

  it.each(['fever', 'cough', 'breathlessness', 'loss_of_taste_smell', 'sore_throat', 'chest_pain'])('%s is a warning symptom', (s) => {
    expect(declarationWarnings({ ...none, symptoms: [s] }, [])).toEqual(['warning_symptoms']);
  });

  it.each(['fatigue', 'headache', 'muscle_pain', 'runny_nose', 'diarrhoea', 'nausea'])('%s alone is not', (s) => {
    expect(declarationWarnings({ ...none, symptoms: [s] }, [])).toEqual([]);
  });

  it('every symptom has Vietnamese and English labels', () => {
    for (const s of SYMPTOMS) expect(s.vi.length * s.en.length).toBeGreaterThan(0);
  });

  it('close contact with an F0 warns; other exposures alone do not', () => {
    expect(declarationWarnings({ ...none, exposures: ['f0_contact'] }, [])).toEqual(['exposure_f0']);
    expect(declarationWarnings({ ...none, exposures: ['symptomatic_contact', 'outbreak_place'] }, [])).toEqual([]);
  });

  it('travel from inside a risk area on a day it was listed warns, at both edges of its window', () => {
    for (const on of ['2021-07-20', '2021-08-01', '2021-09-15']) {
      expect(declarationWarnings({ ...none, travelOrigins: [{ areaPath: BA_DINH, on }] }, risk)).toEqual(['travel_from_risk_area']);
    }
  });

  it('not before or after the window, not from a neighbouring area, not from a prefix that is not an ancestor', () => {
    expect(declarationWarnings({ ...none, travelOrigins: [{ areaPath: BA_DINH, on: '2021-07-19' }] }, risk)).toEqual([]);
    expect(declarationWarnings({ ...none, travelOrigins: [{ areaPath: BA_DINH, on: '2021-09-16' }] }, risk)).toEqual([]);
    expect(declarationWarnings({ ...none, travelOrigins: [{ areaPath: 'VN.79.26734', on: '2021-08-01' }] }, risk)).toEqual([]);
    expect(wasAtRisk({ areaPath: 'VN.011', on: '2021-08-01' }, risk)).toBe(false);
  });

  it('an open-ended listing stays in force', () => {
    expect(wasAtRisk({ areaPath: BA_DINH, on: '2030-01-01' }, [{ path: BA_DINH, since: '2021-07-20', until: null }])).toBe(true);
  });

  it('all reasons together, in a fixed order', () => {
    expect(declarationWarnings({ symptoms: ['headache', 'fever'], exposures: ['f0_contact'], travelOrigins: [{ areaPath: BA_DINH, on: '2021-08-01' }] }, risk)).toEqual([
      'warning_symptoms', 'exposure_f0', 'travel_from_risk_area',
    ]);
  });
});

describe('alert status', () => {
  it('moves forward only', () => {
    expect(canMoveAlert('open', 'acknowledged')).toBe(true);
    expect(canMoveAlert('open', 'closed')).toBe(true);
    expect(canMoveAlert('acknowledged', 'closed')).toBe(true);
    expect(canMoveAlert('closed', 'open')).toBe(false);
    expect(canMoveAlert('acknowledged', 'open')).toBe(false);
    expect(canMoveAlert('open', 'open')).toBe(false);
  });
});
