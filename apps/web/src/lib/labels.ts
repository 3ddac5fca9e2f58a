import { NATIONAL_ID_KINDS } from '@sen/domain';
import { useTranslation } from 'react-i18next';
import type { Sex } from '../api';

export const SEXES: readonly Sex[] = ['male', 'female', 'other', 'unknown'];
export const ID_KINDS = NATIONAL_ID_KINDS;

/** Reason strings from the duplicate scorer, as the server sends them, mapped to translation keys. */
const REASONS: Record<string, string> = {
  'same national ID': 'reasons.sameId',
  'same name without diacritics': 'reasons.sameName',
  'similar name': 'reasons.similarName',
  'same birth date': 'reasons.sameBirthDate',
  'birth day and month transposed': 'reasons.transposedBirthDate',
  'same birth year': 'reasons.sameBirthYear',
  'birth years one apart': 'reasons.birthYearsOneApart',
  'different sex': 'reasons.differentSex',
  'same commune': 'reasons.sameCommune',
  'same phone': 'reasons.samePhone',
};

/** National ID check failures from @sen/domain (English sentences) mapped to translation keys. */
const ID_PROBLEMS: [RegExp, string][] = [
  [/^CCCD must be 12 digits/, 'idCheck.cccdDigits'],
  [/^CCCD province code/, 'idCheck.cccdProvince'],
  [/^CCCD birth-year digits/, 'idCheck.cccdYear'],
  [/^CCCD century digit/, 'idCheck.cccdCentury'],
  [/^CCCD sex digit/, 'idCheck.cccdSex'],
  [/^CMND must be 9 digits/, 'idCheck.cmndDigits'],
  [/^passport number/, 'idCheck.passport'],
  [/^social insurance number/, 'idCheck.bhxh'],
];

export function useLabels() {
  const { t } = useTranslation();
  return {
    sex: (s: string | null | undefined) => (s && (SEXES as readonly string[]).includes(s) ? t(`sex.${s}`) : t('sex.unknown')),
    idKind: (k: string) => ((ID_KINDS as readonly string[]).includes(k) ? t(`idKind.${k}`) : k.toUpperCase()),
    idNumberLabel: (k: string) => ((ID_KINDS as readonly string[]).includes(k) ? t(`idNumber.${k}`) : t('person.idValue')),
    reason: (r: string) => {
      const key = REASONS[r];
      return key ? t(key) : r;
    },
    idProblem: (reason: string) => {
      const hit = ID_PROBLEMS.find(([re]) => re.test(reason));
      return hit ? t(hit[1]) : reason;
    },
  };
}
