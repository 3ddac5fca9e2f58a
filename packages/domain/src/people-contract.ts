import type { Sex } from './national-id';

/** The people records as the API sends them: one definition for the server that writes them and the web that reads them. */
export interface Identifier {
  kind: string;
  value: string;
}

export interface PersonSummary {
  id: string;
  fullName: string;
  birthDate: string | null;
  sex: Sex;
  phone: string | null;
  communeCode: string | null;
  areaLabel: string | null;
  identifiers: Identifier[];
}

export interface Person extends PersonSummary {
  address: string | null;
  householdId: string | null;
  householdRole: string | null;
  household: { id: string; members: PersonSummary[] } | null;
  mergedInto: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}
