import { sql, type Database, type DB, type Transaction } from '@sen/db';

type Db = Database | Transaction<DB>;

export interface Declaration {
  id: string;
  personId: string;
  kind: 'daily' | 'domestic_travel' | 'entry';
  declaredFor: string;
  symptoms: string[];
  answers: Record<string, unknown>;
  warnings: string[];
  ruleVersion: string;
  alertId: string | null;
  onBehalf: boolean;
  createdAt: string;
  duplicate?: boolean;
}

export function selectDeclarations(db: Db) {
  return db
    .selectFrom('health_declarations as d')
    .leftJoin('declaration_alerts as a', 'a.declaration_id', 'd.id')
    .select([
      'd.id', 'd.person_id', 'd.kind', sql<string>`to_char(d.declared_for, 'YYYY-MM-DD')`.as('declared_for'), 'd.symptoms', 'd.answers', 'd.warnings',
      'd.rule_version', 'd.on_behalf', 'd.created_at', sql<string>`d.area_path::text`.as('area_path'), 'a.id as alert_id',
    ]);
}
export type DeclarationRow = Awaited<ReturnType<ReturnType<typeof selectDeclarations>['executeTakeFirstOrThrow']>>;

export function findDeclaration(db: Db, id: string): Promise<DeclarationRow | undefined> {
  return selectDeclarations(db).where('d.id', '=', id).executeTakeFirst();
}

export function declarationView(r: DeclarationRow): Declaration {
  return {
    id: r.id,
    personId: r.person_id,
    kind: r.kind as Declaration['kind'],
    declaredFor: r.declared_for,
    symptoms: r.symptoms,
    answers: (typeof r.answers === 'string' ? JSON.parse(r.answers) : r.answers) as Record<string, unknown>,
    warnings: r.warnings,
    ruleVersion: r.rule_version,
    alertId: r.alert_id,
    onBehalf: r.on_behalf,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
