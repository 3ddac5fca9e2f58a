import { sql, type Database, type DB, type Transaction } from '@sen/db';
import type { AlertStatus } from '@sen/domain';

type Db = Database | Transaction<DB>;

export interface DeclarationAlert {
  id: string;
  declarationId: string;
  declarationKind: string;
  personId: string;
  fullName: string;
  phone: string | null;
  communeCode: string | null;
  reasons: string[];
  symptoms: string[];
  status: AlertStatus;
  note: string | null;
  createdAt: string;
  acknowledgedAt: string | null;
  closedAt: string | null;
  version: number;
}

export function selectAlerts(db: Db) {
  return db
    .selectFrom('declaration_alerts as a')
    .innerJoin('health_declarations as d', 'd.id', 'a.declaration_id')
    .innerJoin('people as p', 'p.id', 'a.person_id')
    .select([
      'a.id', 'a.declaration_id', 'd.kind', 'a.person_id', 'p.full_name', 'p.phone', 'p.commune_code', 'a.reasons', 'd.symptoms', 'a.status', 'a.note',
      'a.created_at', 'a.acknowledged_at', 'a.closed_at', 'a.version', sql<string>`a.area_path::text`.as('area_path'),
    ]);
}
export type AlertRow = Awaited<ReturnType<ReturnType<typeof selectAlerts>['executeTakeFirstOrThrow']>>;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function alertView(r: AlertRow): DeclarationAlert {
  return {
    id: r.id,
    declarationId: r.declaration_id,
    declarationKind: r.kind,
    personId: r.person_id,
    fullName: r.full_name,
    phone: r.phone,
    communeCode: r.commune_code,
    reasons: r.reasons,
    symptoms: r.symptoms,
    status: r.status as AlertStatus,
    note: r.note,
    createdAt: iso(r.created_at)!,
    acknowledgedAt: iso(r.acknowledged_at),
    closedAt: iso(r.closed_at),
    version: r.version,
  };
}
