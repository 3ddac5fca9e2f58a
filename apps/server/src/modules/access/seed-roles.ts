import { sql, type Database } from '@sen/db';
import { ROLES } from '@sen/domain';

/** Writes the role table from the code's role definitions (the code is the source of truth for scopes). */
export async function seedRoles(db: Database): Promise<void> {
  await db
    .insertInto('roles')
    .values(ROLES.map((r) => ({ code: r.code, name_vi: r.nameVi, name_en: r.nameEn, level: r.level, scopes: [...r.scopes] })))
    .onConflict((oc) =>
      oc.column('code').doUpdateSet({ name_vi: sql`excluded.name_vi`, name_en: sql`excluded.name_en`, level: sql`excluded.level`, scopes: sql`excluded.scopes` }),
    )
    .execute();
}
