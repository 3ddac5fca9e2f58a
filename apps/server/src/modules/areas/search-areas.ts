import { sql } from '@sen/db';
import { searchForm } from '@sen/domain';
import type { Deps } from '../../context';
import { selectAreas, type AreaView } from './repo';

export interface AreaSearch {
  q?: string | undefined;
  parent?: string | undefined;
  kind?: 'country' | 'province' | 'district' | 'commune' | undefined;
  limit: number;
}

/**
 * Finds areas by name with or without diacritics ("Đống Đa", "dong da", "Dong Da" all match), best matches first.
 * With no text: the children of `parent`, or the provinces.
 */
export async function searchAreas(deps: Deps, input: AreaSearch): Promise<AreaView[]> {
  let query = selectAreas(deps.db).limit(input.limit);
  if (input.kind) query = query.where('a.kind', '=', input.kind);
  if (input.parent) {
    const parentPath = deps.db.selectFrom('areas').select('path').where('code', '=', input.parent);
    query = query.where(sql<boolean>`a.path <@ (${parentPath})`).where('a.code', '!=', input.parent);
  }
  const needle = input.q ? searchForm(input.q) : '';
  if (needle) {
    const like = `%${needle.replace(/[%_\\]/g, '\\$&')}%`;
    query = query
      .where((eb) => eb.or([eb('a.search_name', 'like', like), sql<boolean>`a.search_name % ${needle}`]))
      .orderBy(sql`(a.search_name = ${needle} OR a.search_name LIKE ${'% ' + needle})`, 'desc')
      .orderBy(sql`similarity(a.search_name, ${needle})`, 'desc')
      .orderBy('a.level')
      .orderBy('a.code');
  } else {
    if (!input.parent) query = query.where('a.level', '=', 1);
    else query = query.where(sql<boolean>`nlevel(a.path) = (SELECT nlevel(path) + 1 FROM areas WHERE code = ${input.parent})`);
    query = query.orderBy('a.code');
  }
  return query.execute();
}
