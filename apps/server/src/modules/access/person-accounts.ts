import { sql, type Database, type DB, type Transaction } from '@sen/db';

/** The accounts linked to these people (a citizen account links to one person). */
export async function accountsLinkedTo(db: Database | Transaction<DB>, personIds: string[]): Promise<{ id: string; personId: string }[]> {
  if (personIds.length === 0) return [];
  const rows = await db.selectFrom('users').select(['id', 'person_id']).where('person_id', 'in', personIds).execute();
  return rows.map((r) => ({ id: r.id, personId: r.person_id! }));
}

/** Moves the account of one person to another, when records are merged; returns the accounts moved. */
export async function relinkAccounts(trx: Transaction<DB>, fromPersonId: string, toPersonId: string): Promise<string[]> {
  const rows = await trx.updateTable('users').set({ person_id: toPersonId, updated_at: sql`now()` }).where('person_id', '=', fromPersonId).returning('id').execute();
  return rows.map((r) => r.id);
}
