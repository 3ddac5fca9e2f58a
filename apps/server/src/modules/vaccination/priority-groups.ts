import { z } from 'zod';
import { sql, type Database, type Transaction, type DB } from '@sen/db';
import { badRequest, forbidden } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { COUNTRY_PATH, scopePaths } from '../access/authorize';
import { recordAudit } from '../access/record-audit';

export const PriorityGroupOut = z.object({ code: z.string(), rank: z.number(), nameVi: z.string(), nameEn: z.string(), active: z.boolean() }).meta({ id: 'PriorityGroup' });

const GroupIn = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, 'letters, digits, _ and - (1 to 20)'),
  nameVi: z.string().trim().min(1).max(500),
  nameEn: z.string().trim().min(1).max(500),
  active: z.boolean().default(true),
});
export const PriorityGroupsIn = z
  .strictObject({ groups: z.array(GroupIn).min(1).max(100).describe('Every group, in priority order (first = invited first); new codes are added') })
  .meta({ id: 'PriorityGroupsUpdate' });

type Db = Database | Transaction<DB>;

export async function listPriorityGroups(db: Db) {
  const rows = await db.selectFrom('priority_groups').select(['code', 'rank', 'name_vi', 'name_en', 'active']).orderBy('rank').execute();
  return rows.map((r) => ({ code: r.code, rank: r.rank, nameVi: r.name_vi, nameEn: r.name_en, active: r.active }));
}

/** What a file or a form may write for a group: its code, or its rank as a number ("8", "08"). Active groups only. */
export async function groupCodeLookup(db: Db): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const g of await listPriorityGroups(db)) {
    if (!g.active) continue;
    map.set(g.code.toUpperCase(), g.code);
    map.set(String(g.rank), g.code);
  }
  return map;
}

/**
 * Reorders and renames the groups (national administrators only). The list must name every existing group (a group
 * is never deleted: target lists point at it; deactivate it instead). Ranks are the list order.
 */
export async function updatePriorityGroups(deps: Deps, ctx: RequestContext, input: z.infer<typeof PriorityGroupsIn>) {
  scopePaths(ctx, 'vaccination:write');
  if (!ctx.actor?.grants.get('vaccination:write')?.includes(COUNTRY_PATH)) throw forbidden('Only a national administrator can change the priority groups', { scope: 'vaccination:write', level: 'national' });
  const seen = new Set<string>();
  input.groups.forEach((g, i) => {
    if (seen.has(g.code)) throw badRequest('invalid_groups', `groups.${i}.code: ${g.code} is listed twice`, { field: `groups.${i}.code` });
    seen.add(g.code);
  });
  return deps.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('priority_groups').select('code').forUpdate().execute();
    const missing = existing.map((e) => e.code).filter((c) => !seen.has(c));
    if (missing.length) throw badRequest('invalid_groups', `groups: every existing group must be listed (missing ${missing.join(', ')}); deactivate a group instead of removing it`, { field: 'groups', missing });
    // The rank constraint is checked at commit, so ranks can be swapped in any order.
    for (const [i, g] of input.groups.entries()) {
      await trx
        .insertInto('priority_groups')
        .values({ code: g.code, rank: i + 1, name_vi: g.nameVi, name_en: g.nameEn, active: g.active, updated_by: ctx.actor?.userId ?? null })
        .onConflict((oc) => oc.column('code').doUpdateSet({ rank: i + 1, name_vi: g.nameVi, name_en: g.nameEn, active: g.active, updated_at: sql`now()`, updated_by: ctx.actor?.userId ?? null }))
        .execute();
    }
    await recordAudit(trx, ctx, { action: 'priority_groups.update', entityType: 'priority_groups', areaPath: COUNTRY_PATH, details: { order: input.groups.map((g) => g.code) } });
    return { items: await listPriorityGroups(trx) };
  });
}
