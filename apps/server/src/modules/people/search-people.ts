import { sql, type RawBuilder } from '@sen/db';
import { badRequest, forbidden, hasDiacritics, idKindsForValue, pathWithin, searchForm, toNfc } from '@sen/domain';
import type { Deps, RequestContext } from '../../context';
import { canAccessArea, scopePaths, jurisdictionSql } from '../access/authorize';
import { recordAudit } from '../access/record-audit';
import { areaPathOf } from '../areas/repo';
import { summariesOf, type PersonSummary, type SummaryRow } from './repo';
import { cleanPhone, fieldError } from './validate';

export interface PeopleSearch {
  q?: string | undefined;
  idNumber?: string | undefined;
  phone?: string | undefined;
  birthYear?: number | undefined;
  area?: string | undefined;
  limit: number;
  offset: number;
}

/**
 * Lower case for the Vietnamese alphabet, as translate() tables: lower() follows the database's collation, and under
 * "C" it leaves every non-ASCII letter (Đ, Ấ ...) alone, which would break the "same name with diacritics" ranking.
 */
const VI_LOWER = 'aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệfghiìíỉĩịjklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvwxyỳýỷỹỵz';
const VI_UPPER = VI_LOWER.toUpperCase();
const LOWER_CHARS = [...VI_LOWER];
const TO_LOWER = new Map([...VI_UPPER].map((c, i) => [c, LOWER_CHARS[i]!]));

/** The same lowering in TypeScript, for the query. */
export function viLower(text: string): string {
  return [...text].map((c) => TO_LOWER.get(c) ?? c).join('');
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** How many matches are ranked at most; paging reaches the best 1,000 (offset <= 1,000, limit <= 100). */
export const RANKED_MATCHES = 1101;

/**
 * Finds people by name (with or without diacritics), identifier number or phone, inside the actor's jurisdiction,
 * best matches first. Built for a registry of millions: every criterion is served by an index (trigram GIN on
 * search_name, the identifier primary key, the phone index, the (birth_year, search_name) B-tree, the area GiST),
 * and it reads limit + 1 rows to say whether there are more instead of counting.
 *
 * A name matches when each word typed begins a word of the name, in any order, so "nguyen an" finds "Nguyễn Văn An".
 * Ranking: the same name without diacritics, then (when the query had diacritics) the same name with them, then
 * names containing the typed words as a phrase, then by trigram similarity. A very common query ("Nguyễn") matches
 * hundreds of thousands: then the same-name matches plus the first RANKED_MATCHES found are ranked, so the cost is
 * bounded whatever is typed.
 */
export async function searchPeople(deps: Deps, ctx: RequestContext, input: PeopleSearch): Promise<{ items: PersonSummary[]; hasMore: boolean }> {
  scopePaths(ctx, 'people:read');
  const q = input.q?.trim() ? input.q : undefined;
  const idNumber = input.idNumber?.trim() ? input.idNumber : undefined;
  const phoneRaw = input.phone?.trim() ? input.phone : undefined;
  if (!q && !idNumber && !phoneRaw) {
    throw badRequest('search_criteria_required', 'Give a name (q), an identifier number (idNumber) or a phone number', { fields: ['q', 'idNumber', 'phone'] });
  }

  const filters: RawBuilder<boolean>[] = [sql`p.merged_into IS NULL`, jurisdictionSql(ctx, 'people:read', 'p.area_path')];
  if (idNumber) {
    const candidates = idKindsForValue(idNumber);
    if (candidates.length === 0) throw fieldError('invalid_id_number', 'idNumber', 'This is not the form of any identifier (CCCD 12 digits, CMND 9, BHXH 10, passport a letter and 7 digits)');
    // kind = ... AND value = ... for each possible kind, so the (kind, value) primary key serves it.
    const matches = candidates.map((c) => sql`(i.kind = ${c.kind} AND i.value = ${c.value})`);
    filters.push(sql`p.id IN (SELECT i.person_id FROM person_identifiers i WHERE ${sql.join(matches, sql` OR `)})`);
  }
  if (phoneRaw) filters.push(sql`p.phone = ${cleanPhone(phoneRaw)}`);
  if (input.birthYear !== undefined) filters.push(sql`p.birth_year = ${input.birthYear}`);
  if (input.area) {
    const path = await areaPathOf(deps.db, input.area);
    if (!path) throw fieldError('unknown_area', 'area', `There is no area with the code ${input.area}`);
    // An area that overlaps the jurisdiction (a province around a commune officer's commune) searches the overlap.
    const paths = scopePaths(ctx, 'people:read');
    if (!canAccessArea(ctx, 'people:read', path) && !paths.some((j) => pathWithin(j, [path]))) {
      throw forbidden('This area is outside your jurisdiction', { field: 'area' });
    }
    filters.push(sql`p.area_path <@ ${path}::ltree`);
  }
  const where = sql.join(filters, sql` AND `);
  const columns = sql`p.id, p.full_name, p.birth_date, p.sex, p.phone, p.commune_code`;
  const page = sql`LIMIT ${input.limit + 1} OFFSET ${input.offset}`;

  let query: RawBuilder<SummaryRow>;
  if (q) {
    const needle = searchForm(q);
    const words = needle.split(' ').filter(Boolean);
    if (needle.replace(/ /g, '').length < 2) throw fieldError('invalid_query', 'q', 'Type at least two letters or digits of the name');
    if (words.length > 8) throw fieldError('invalid_query', 'q', 'Type at most eight words of the name');
    // "Starts a word" as a regular expression, which the trigram index serves exactly (a LIKE '%an%' gives it no
    // trigram to use). searchForm leaves only [a-z0-9], so the words need no escaping.
    const wordStarts = sql.join(words.map((w) => sql`p.search_name ~ ${`(^| )${w}`}`), sql` AND `);
    const exactWithMarks = hasDiacritics(toNfc(q)) ? viLower(toNfc(q)) : null;
    query = sql<SummaryRow>`
      WITH same AS MATERIALIZED (SELECT p.id FROM people p WHERE p.search_name = ${needle} AND ${where} LIMIT ${RANKED_MATCHES}),
      hits AS MATERIALIZED (SELECT p.id FROM people p WHERE ${wordStarts} AND ${where} LIMIT ${RANKED_MATCHES}),
      found AS (SELECT id FROM same UNION SELECT id FROM hits)
      SELECT ${columns} FROM found JOIN people p ON p.id = found.id
       ORDER BY (p.search_name = ${needle}) DESC,
         ${exactWithMarks ? sql`(translate(p.full_name, ${VI_UPPER}, ${VI_LOWER}) = ${exactWithMarks}) DESC,` : sql``}
         ((' ' || p.search_name || ' ') LIKE ${`% ${escapeLike(needle)} %`}) DESC,
         similarity(p.search_name, ${needle}) DESC, p.search_name, p.id
       ${page}`;
  } else {
    query = sql<SummaryRow>`SELECT ${columns} FROM people p WHERE ${where} ORDER BY p.search_name, p.id ${page}`;
  }

  return deps.db.transaction().execute(async (trx) => {
    // Which matches fill the ranked set must not depend on the order parallel workers return rows in, or pages
    // would overlap; these queries are index lookups that gain nothing from parallelism anyway.
    await sql`SELECT set_config('max_parallel_workers_per_gather', '0', true)`.execute(trx);
    const rows = (await query.execute(trx)).rows;
    const hasMore = rows.length > input.limit;
    const items = await summariesOf(trx, rows.slice(0, input.limit));
    const criteria = (['q', 'idNumber', 'phone', 'birthYear', 'area'] as const).filter((k) => input[k] !== undefined && input[k] !== '');
    await recordAudit(trx, ctx, { action: 'person.search', entityType: 'person', details: { criteria, count: items.length, hasMore, offset: input.offset } });
    return { items, hasMore };
  });
}
