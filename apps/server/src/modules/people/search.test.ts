import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, auditRows, BA_DINH, cccd, createPerson, NGOC_HA } from './people.fixtures';
import { viLower } from './search-people';

let t: TestApp;
let officer: string; // commune officer of Ba Đình
let province: string;
const people: Record<string, string> = {};
const ids = { duc: cccd(1990, 'male') };

beforeAll(async () => {
  t = await createTestApp();
  officer = (await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }])).cookie;
  province = (await signInAs(t, [{ role: 'province_officer', areaCode: '01' }])).cookie;
  const add = async (key: string, body: Record<string, unknown>) => {
    people[key] = (await createPerson(t, province, body)).id;
  };
  // Created first, so it would come first on the id tie-break: ranking must put the marked name ahead of it.
  await add('ducNoMarks', { fullName: 'Nguyen Van Duc', birthDate: '1950', sex: 'male', communeCode: NGOC_HA });
  await add('duc', { fullName: 'Nguyễn Văn Đức', birthDate: '1990-03-07', sex: 'male', phone: '0912345678', identifiers: [{ kind: 'cccd', value: ids.duc }, { kind: 'passport', value: 'B1234567' }] });
  await add('ducAnh', { fullName: 'Nguyễn Văn Đức Anh', birthDate: '1992', sex: 'male' });
  await add('dung', { fullName: 'Nguyễn Văn Dũng', birthDate: '1991', sex: 'male' });
  await add('an', { fullName: 'Nguyễn Thị An', birthDate: '1985', sex: 'female', phone: '0987000111' });
  await add('lan', { fullName: 'Trần Thị Lan', birthDate: '1985', sex: 'female' });
  await add('hostile', { fullName: "Robert'); DROP TABLE people; --", sex: 'male' });
  await add('percent', { fullName: 'Lê 100% Thắng', sex: 'male' });
  await add('ngocHa', { fullName: 'Phạm Đức Ngọc', birthDate: '1970', sex: 'male', communeCode: NGOC_HA });
});
afterAll(async () => {
  await t?.close();
});

async function search(cookie: string, query: string) {
  const res = await api(t, cookie, 'GET', `/api/people?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { id: string; fullName: string }[]; hasMore: boolean };
}

describe('name search', () => {
  it.each(['Nguyễn Văn Đức', 'nguyen van duc', 'NGUYEN VAN DUC', 'nguyễn văn đức', 'Nguyen  Van   Duc'])('finds Nguyễn Văn Đức for %j', async (q) => {
    const { items } = await search(province, `q=${encodeURIComponent(q)}`);
    const found = items.map((i) => i.id);
    expect(found).toContain(people.duc);
    expect(found).toContain(people.ducNoMarks);
    expect(found).toContain(people.ducAnh);
    expect(found).not.toContain(people.dung);
    // Exact folded names rank before "Nguyễn Văn Đức Anh".
    expect(found.indexOf(people.ducAnh!)).toBeGreaterThan(Math.max(found.indexOf(people.duc!), found.indexOf(people.ducNoMarks!)));
  });

  it('ranks the same name with the same diacritics first when the query has them', async () => {
    expect((await search(province, `q=${encodeURIComponent('Nguyễn Văn Đức')}`)).items[0]!.id).toBe(people.duc);
    expect((await search(province, `q=${encodeURIComponent('Nguyen Van Duc')}`)).items.slice(0, 2).map((i) => i.id).sort()).toEqual([people.duc, people.ducNoMarks].sort());
  });

  it('lowers Vietnamese letters whatever the database collation', () => {
    expect(viLower('NGUYỄN VĂN ĐỨC Ấ Ự Ỵ')).toBe('nguyễn văn đức ấ ự ỵ');
  });

  it('treats đ as d and matches word starts in any order', async () => {
    expect((await search(province, 'q=duc')).items.map((i) => i.id)).toEqual(expect.arrayContaining([people.duc, people.ducAnh, people.ngocHa]));
    expect((await search(province, `q=${encodeURIComponent('Đức Nguyễn')}`)).items.map((i) => i.id)).toContain(people.duc);
    expect((await search(province, 'q=nguyen%20an')).items.map((i) => i.id)).toEqual(expect.arrayContaining([people.an, people.ducAnh]));
    // "an" starts no word of "Trần Thị Lan"
    expect((await search(province, 'q=an')).items.map((i) => i.id)).not.toContain(people.lan);
  });

  it('filters by birth year and area', async () => {
    expect((await search(province, 'q=nguyen%20van%20duc&birthYear=1950')).items.map((i) => i.id)).toEqual([people.ducNoMarks]);
    expect((await search(province, `q=duc&area=${NGOC_HA}`)).items.map((i) => i.id).sort()).toEqual([people.ducNoMarks, people.ngocHa].sort());
  });

  it('pages with hasMore instead of a total', async () => {
    const first = await search(province, 'q=nguyen&limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.hasMore).toBe(true);
    const rest = await search(province, 'q=nguyen&limit=100&offset=2');
    expect(rest.hasMore).toBe(false);
    const all = [...first.items, ...rest.items].map((i) => i.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(5);
  });

  it('stores hostile text verbatim and finds it; % and _ are not wildcards', async () => {
    const hit = await search(province, `q=${encodeURIComponent("drop table")}`);
    expect(hit.items.map((i) => i.fullName)).toEqual(["Robert'); DROP TABLE people; --"]);
    expect((await search(province, `q=${encodeURIComponent('100%')}`)).items.map((i) => i.fullName)).toEqual(['Lê 100% Thắng']);
    for (const q of ['%', '_', '%%', '%_%', '\\']) {
      const res = await api(t, province, 'GET', `/api/people?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json()).toMatchObject({ code: 'invalid_query', field: 'q' });
    }
    expect((await search(province, `q=${encodeURIComponent('ng_yen')}`)).items).toEqual([]);
  });
});

describe('identifier and phone search', () => {
  it('finds by any identifier kind, with spaces and dots typed', async () => {
    const spaced = `${ids.duc.slice(0, 3)} ${ids.duc.slice(3, 6)}.${ids.duc.slice(6)}`;
    expect((await search(province, `idNumber=${encodeURIComponent(spaced)}`)).items.map((i) => i.id)).toEqual([people.duc]);
    expect((await search(province, 'idNumber=b1234567')).items.map((i) => i.id)).toEqual([people.duc]);
    expect((await search(province, 'idNumber=001090999999')).items).toEqual([]);
  });

  it('finds by phone in any common notation, and combines criteria', async () => {
    for (const phone of ['0912345678', '+84912345678', '0912 345 678', '84912345678']) {
      expect((await search(province, `phone=${encodeURIComponent(phone)}`)).items.map((i) => i.id)).toEqual([people.duc]);
    }
    expect((await search(province, 'phone=0912345678&q=lan')).items).toEqual([]);
  });

  it('returns identifiers and area labels in the summaries', async () => {
    const [p] = (await search(province, `idNumber=${ids.duc}`)).items as unknown as { identifiers: unknown[]; areaLabel: string }[];
    expect(p!.identifiers).toEqual([{ kind: 'cccd', value: ids.duc }, { kind: 'passport', value: 'B1234567' }]);
    expect(p!.areaLabel).toBe('Phường Ba Đình, Thành phố Hà Nội');
  });
});

describe('jurisdiction and audit', () => {
  it('limits results to the jurisdiction in SQL', async () => {
    const inBaDinh = (await search(officer, 'q=duc')).items.map((i) => i.id);
    expect(inBaDinh).toContain(people.duc);
    expect(inBaDinh).not.toContain(people.ducNoMarks);
    expect(inBaDinh).not.toContain(people.ngocHa);
    // A province around the commune searches the overlap; another commune is refused.
    expect((await search(officer, 'q=duc&area=01')).items.map((i) => i.id)).toEqual(inBaDinh);
    const away = await api(t, officer, 'GET', `/api/people?q=duc&area=${NGOC_HA}`);
    expect(away.statusCode).toBe(403);
  });

  it('audits each search with the criteria used and the count, not the values', async () => {
    const before = (await auditRows(t, 'person.search')).length;
    await search(province, 'q=nguyen%20van%20duc&birthYear=1950');
    const rows = await auditRows(t, 'person.search');
    expect(rows).toHaveLength(before + 1);
    const details = rows.at(-1)!.details as Record<string, unknown>;
    expect(details).toMatchObject({ criteria: ['q', 'birthYear'], count: 1, hasMore: false });
    expect(JSON.stringify(details)).not.toMatch(/nguyen|1950/);
  });

  it('needs at least one of q, idNumber or phone', async () => {
    const res = await api(t, province, 'GET', '/api/people?birthYear=1990');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('search_criteria_required');
  });
});
