export * from './connect';
export * from './migrate';
export * from './pid-lock';
export * from './ids';
export * from './bulk';
export type { DB } from './generated/types';
export * as schema from './generated/types';
export { sql } from 'kysely';
export type { Kysely, Transaction, Selectable, Insertable, Updateable, RawBuilder, Expression } from 'kysely';
