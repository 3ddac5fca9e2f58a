import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signInAs, type TestApp } from '../../testing/test-app';
import { api, BA_DINH, cccd, count, createPerson, NGOC_HA } from './people.fixtures';

/**
 * Malformed, oversized and hostile input: every case answers a 4xx naming the problem (code, and the field when
 * there is one) and stores nothing.
 */
let t: TestApp;
let officer: string; // commune officer of Ba Đình
let personId: string;
let candidateId: string;

beforeAll(async () => {
  t = await createTestApp();
  officer = (await signInAs(t, [{ role: 'commune_officer', areaCode: BA_DINH }])).cookie;
  personId = (await createPerson(t, officer, { fullName: 'Người Thử', birthDate: '1990-03-07', sex: 'male' })).id;
  await createPerson(t, officer, { fullName: 'Nguoi Thu', birthDate: '1990-03-07', sex: 'male' });
  candidateId = (await t.conn.db.selectFrom('duplicate_candidates').select('id').executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await t?.close();
});

const valid = { fullName: 'Nguyễn Văn An', birthDate: '1990-03-07', sex: 'male', communeCode: BA_DINH };
const withName = (fullName: unknown) => ({ ...valid, fullName });
const withId = (kind: string, value: string, extra: object = {}) => ({ ...valid, ...extra, identifiers: [{ kind, value }] });

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: string | (() => string);
  body?: unknown | (() => unknown);
  raw?: string;
  status: number;
  code: string;
  field?: string;
}

const cases: Case[] = [
  // create: the name
  { name: 'a 10,000-character name', method: 'POST', url: '/api/people', body: withName('A'.repeat(10_000)), status: 400, code: 'invalid_request', field: 'body.fullName' },
  { name: 'a 201-character name', method: 'POST', url: '/api/people', body: withName('Â'.repeat(201)), status: 400, code: 'invalid_name', field: 'fullName' },
  { name: 'a blank name', method: 'POST', url: '/api/people', body: withName('   '), status: 400, code: 'invalid_name', field: 'fullName' },
  { name: 'a name without letters', method: 'POST', url: '/api/people', body: withName('12345 --'), status: 400, code: 'invalid_name', field: 'fullName' },
  { name: 'a NUL in the name', method: 'POST', url: '/api/people', body: withName('Nguyễn\u0000An'), status: 400, code: 'invalid_name', field: 'fullName' },
  { name: 'a newline in the name', method: 'POST', url: '/api/people', body: withName('Nguyễn\nAn'), status: 400, code: 'invalid_name', field: 'fullName' },
  { name: 'a bidi override in the name', method: 'POST', url: '/api/people', body: withName('Nguyễn \u202EnA'), status: 400, code: 'invalid_name', field: 'fullName' },
  { name: 'a zero-width space in the name', method: 'POST', url: '/api/people', body: withName('Nguyễn\u200BAn'), status: 400, code: 'invalid_name', field: 'fullName' },
  { name: 'a lone surrogate in the name', method: 'POST', url: '/api/people', raw: '{"fullName":"An \\ud800","sex":"male","communeCode":"00004"}', status: 400, code: 'invalid_name', field: 'fullName' },
  { name: 'a name that is a number', method: 'POST', url: '/api/people', body: withName(42), status: 400, code: 'invalid_request', field: 'body.fullName' },
  { name: 'no name', method: 'POST', url: '/api/people', body: { sex: 'male', communeCode: BA_DINH }, status: 400, code: 'invalid_request', field: 'body.fullName' },
  // create: dates
  { name: 'the 30th of February', method: 'POST', url: '/api/people', body: { ...valid, birthDate: '1990-02-30' }, status: 400, code: 'invalid_birth_date', field: 'birthDate' },
  { name: 'the 29th of February of a common year', method: 'POST', url: '/api/people', body: { ...valid, birthDate: '1900-02-29' }, status: 400, code: 'invalid_birth_date', field: 'birthDate' },
  { name: 'a birth date in 2999', method: 'POST', url: '/api/people', body: { ...valid, birthDate: '2999-01-01' }, status: 400, code: 'invalid_birth_date', field: 'birthDate' },
  { name: 'a birth date "yesterday"', method: 'POST', url: '/api/people', body: { ...valid, birthDate: 'yesterday' }, status: 400, code: 'invalid_birth_date', field: 'birthDate' },
  { name: 'month 13', method: 'POST', url: '/api/people', body: { ...valid, birthDate: '1990-13' }, status: 400, code: 'invalid_birth_date', field: 'birthDate' },
  { name: 'a Vietnamese-order date', method: 'POST', url: '/api/people', body: { ...valid, birthDate: '07/03/1990' }, status: 400, code: 'invalid_birth_date', field: 'birthDate' },
  // create: phone, identifiers
  { name: 'a short phone', method: 'POST', url: '/api/people', body: { ...valid, phone: '12345' }, status: 400, code: 'invalid_phone', field: 'phone' },
  { name: 'a landline', method: 'POST', url: '/api/people', body: { ...valid, phone: '02438123456' }, status: 400, code: 'invalid_phone', field: 'phone' },
  { name: 'a CCCD of the wrong length', method: 'POST', url: '/api/people', body: withId('cccd', '00109012345'), status: 400, code: 'invalid_identifier', field: 'identifiers.0.value' },
  { name: 'a CCCD of province 000', method: 'POST', url: '/api/people', body: withId('cccd', '000090123456'), status: 400, code: 'invalid_identifier', field: 'identifiers.0.value' },
  { name: 'a CCCD whose year digits disagree', method: 'POST', url: '/api/people', body: withId('cccd', '001085123456'), status: 400, code: 'invalid_identifier', field: 'identifiers.0.value' },
  { name: 'a CCCD whose sex digit disagrees', method: 'POST', url: '/api/people', body: withId('cccd', '001190123456'), status: 400, code: 'invalid_identifier', field: 'identifiers.0.value' },
  { name: 'a CCCD of the wrong century', method: 'POST', url: '/api/people', body: withId('cccd', '001290123456'), status: 400, code: 'invalid_identifier', field: 'identifiers.0.value' },
  { name: 'an 8-digit CMND', method: 'POST', url: '/api/people', body: withId('cmnd', '12345678'), status: 400, code: 'invalid_identifier', field: 'identifiers.0.value' },
  { name: 'a passport of digits only', method: 'POST', url: '/api/people', body: withId('passport', '12345678'), status: 400, code: 'invalid_identifier', field: 'identifiers.0.value' },
  { name: 'an unknown identifier kind', method: 'POST', url: '/api/people', body: withId('ssn', '123456789'), status: 400, code: 'invalid_request', field: 'body.identifiers.0.kind' },
  { name: 'the same identifier twice', method: 'POST', url: '/api/people', body: { ...valid, identifiers: [{ kind: 'cmnd', value: '123456789' }, { kind: 'cmnd', value: '123 456 789' }] }, status: 400, code: 'invalid_identifier', field: 'identifiers.1.value' },
  { name: 'eleven identifiers', method: 'POST', url: '/api/people', body: { ...valid, identifiers: Array.from({ length: 11 }, (_, i) => ({ kind: 'cmnd', value: `12345678${i % 10}` })) }, status: 400, code: 'invalid_request', field: 'body.identifiers' },
  // create: places and households
  { name: 'an unknown commune', method: 'POST', url: '/api/people', body: { ...valid, communeCode: '99999' }, status: 400, code: 'unknown_commune', field: 'communeCode' },
  { name: 'a province as commune', method: 'POST', url: '/api/people', body: { ...valid, communeCode: '01' }, status: 400, code: 'not_a_commune', field: 'communeCode' },
  { name: 'SQL as commune code', method: 'POST', url: '/api/people', body: { ...valid, communeCode: "00004'; DROP TABLE people; --" }, status: 400, code: 'invalid_request', field: 'body.communeCode' },
  { name: 'a commune outside the jurisdiction', method: 'POST', url: '/api/people', body: { ...valid, communeCode: NGOC_HA }, status: 403, code: 'forbidden' },
  { name: 'no commune (country-level only)', method: 'POST', url: '/api/people', body: { ...valid, communeCode: null }, status: 403, code: 'forbidden' },
  { name: 'a household role without a household', method: 'POST', url: '/api/people', body: { ...valid, householdRole: 'head' }, status: 400, code: 'household_role_without_household', field: 'householdRole' },
  { name: 'an unknown household role', method: 'POST', url: '/api/people', body: { ...valid, householdRole: 'boss' }, status: 400, code: 'invalid_request', field: 'body.householdRole' },
  { name: 'a malformed household id', method: 'POST', url: '/api/people', body: { ...valid, householdId: 'x' }, status: 400, code: 'invalid_request', field: 'body.householdId' },
  { name: 'an unknown sex', method: 'POST', url: '/api/people', body: { ...valid, sex: 'x' }, status: 400, code: 'invalid_request', field: 'body.sex' },
  { name: 'an unknown field', method: 'POST', url: '/api/people', body: { ...valid, birthdate: '1990' }, status: 400, code: 'invalid_request', field: 'body' },
  { name: 'a prototype-polluting field', method: 'POST', url: '/api/people', raw: JSON.stringify({ ...valid }).replace('{', '{"__proto__":{"admin":true},'), status: 400, code: 'malformed_json' },
  { name: 'malformed JSON', method: 'POST', url: '/api/people', raw: '{"fullName": "An",', status: 400, code: 'malformed_json' },
  { name: 'a JSON array', method: 'POST', url: '/api/people', raw: '[]', status: 400, code: 'invalid_request' },
  { name: 'a body over 1 MB', method: 'POST', url: '/api/people', body: { ...valid, address: 'x'.repeat(1_100_000) }, status: 413, code: 'body_too_large' },
  { name: 'an address with a control character', method: 'POST', url: '/api/people', body: { ...valid, address: 'Số 1\u0007' }, status: 400, code: 'invalid_text', field: 'address' },
  // update
  { name: 'an edit without version', method: 'PATCH', url: () => `/api/people/${personId}`, body: { address: 'x' }, status: 400, code: 'invalid_request', field: 'body.version' },
  { name: 'an edit with version 0', method: 'PATCH', url: () => `/api/people/${personId}`, body: { version: 0 }, status: 400, code: 'invalid_request', field: 'body.version' },
  { name: 'an edit with a bad date', method: 'PATCH', url: () => `/api/people/${personId}`, body: { version: 1, birthDate: '1990-02-30' }, status: 400, code: 'invalid_birth_date', field: 'birthDate' },
  { name: 'an edit with an unknown field', method: 'PATCH', url: () => `/api/people/${personId}`, body: () => ({ version: 1, mergedInto: personId }), status: 400, code: 'invalid_request', field: 'body' },
  { name: 'an edit with a huge name', method: 'PATCH', url: () => `/api/people/${personId}`, body: { version: 1, fullName: 'Â'.repeat(10_000) }, status: 400, code: 'invalid_request', field: 'body.fullName' },
  { name: 'an edit of a malformed id', method: 'PATCH', url: '/api/people/1%27%20OR%20%271%27=%271', body: { version: 1 }, status: 400, code: 'invalid_request', field: 'params.id' },
  { name: 'an edit of an unknown id', method: 'PATCH', url: '/api/people/0190a000-0000-7000-8000-000000000000', body: { version: 1 }, status: 404, code: 'not_found' },
  // read
  { name: 'a malformed id', method: 'GET', url: '/api/people/not-a-uuid', status: 400, code: 'invalid_request', field: 'params.id' },
  { name: 'an injected id', method: 'GET', url: `/api/people/${encodeURIComponent("' OR 1=1 --")}`, status: 400, code: 'invalid_request', field: 'params.id' },
  { name: 'an unknown id', method: 'GET', url: '/api/people/0190a000-0000-7000-8000-000000000000', status: 404, code: 'not_found' },
  // search
  { name: 'no criteria', method: 'GET', url: '/api/people', status: 400, code: 'search_criteria_required' },
  { name: 'limit 101', method: 'GET', url: '/api/people?q=an&limit=101', status: 400, code: 'invalid_request', field: 'querystring.limit' },
  { name: 'limit 0', method: 'GET', url: '/api/people?q=an&limit=0', status: 400, code: 'invalid_request', field: 'querystring.limit' },
  { name: 'a negative offset', method: 'GET', url: '/api/people?q=an&offset=-1', status: 400, code: 'invalid_request', field: 'querystring.offset' },
  { name: 'a limit that is not a number', method: 'GET', url: '/api/people?q=an&limit=ten', status: 400, code: 'invalid_request', field: 'querystring.limit' },
  { name: 'a birth year of 1700', method: 'GET', url: '/api/people?q=an&birthYear=1700', status: 400, code: 'invalid_request', field: 'querystring.birthYear' },
  { name: 'an injected area', method: 'GET', url: `/api/people?q=an&area=${encodeURIComponent("01' OR '1'='1")}`, status: 400, code: 'invalid_request', field: 'querystring.area' },
  { name: 'an unknown area', method: 'GET', url: '/api/people?q=an&area=99999', status: 400, code: 'unknown_area', field: 'area' },
  { name: 'an unknown parameter', method: 'GET', url: '/api/people?q=an&sort=name', status: 400, code: 'invalid_request', field: 'querystring' },
  { name: 'a 201-character query', method: 'GET', url: `/api/people?q=${'a'.repeat(201)}`, status: 400, code: 'invalid_request', field: 'querystring.q' },
  { name: 'a repeated query', method: 'GET', url: '/api/people?q=an&q=binh', status: 400, code: 'invalid_request', field: 'querystring.q' },
  { name: 'a wildcard query', method: 'GET', url: '/api/people?q=%25', status: 400, code: 'invalid_query', field: 'q' },
  { name: 'nine words', method: 'GET', url: `/api/people?q=${encodeURIComponent('a b c d e f g h i')}`, status: 400, code: 'invalid_query', field: 'q' },
  { name: 'an identifier of no known form', method: 'GET', url: '/api/people?idNumber=12345', status: 400, code: 'invalid_id_number', field: 'idNumber' },
  { name: 'a phone of letters', method: 'GET', url: '/api/people?phone=abc', status: 400, code: 'invalid_phone', field: 'phone' },
  // households
  { name: 'a household without commune', method: 'POST', url: '/api/households', body: {}, status: 400, code: 'invalid_request', field: 'body.communeCode' },
  { name: 'a household in a province', method: 'POST', url: '/api/households', body: { communeCode: '01' }, status: 400, code: 'not_a_commune', field: 'communeCode' },
  { name: 'a household with a control character', method: 'POST', url: '/api/households', body: { communeCode: BA_DINH, address: 'a\u0000b' }, status: 400, code: 'invalid_text', field: 'address' },
  { name: 'a malformed household id', method: 'GET', url: '/api/households/123', status: 400, code: 'invalid_request', field: 'params.id' },
  { name: 'an unknown household', method: 'GET', url: '/api/households/0190a000-0000-7000-8000-000000000000', status: 404, code: 'not_found' },
  // duplicates
  { name: 'an unknown status', method: 'GET', url: '/api/duplicates?status=all', status: 400, code: 'invalid_request', field: 'querystring.status' },
  { name: 'a queue limit of 1000', method: 'GET', url: '/api/duplicates?limit=1000', status: 400, code: 'invalid_request', field: 'querystring.limit' },
  { name: 'a merge with a malformed survivor', method: 'POST', url: () => `/api/duplicates/${candidateId}/merge`, body: { survivorId: 'x' }, status: 400, code: 'invalid_request', field: 'body.survivorId' },
  { name: 'a merge with extra fields', method: 'POST', url: () => `/api/duplicates/${candidateId}/merge`, body: () => ({ survivorId: personId, force: true }), status: 400, code: 'invalid_request', field: 'body' },
  { name: 'a merge of an unknown pair', method: 'POST', url: '/api/duplicates/0190a000-0000-7000-8000-000000000000/merge', body: () => ({ survivorId: personId }), status: 404, code: 'not_found' },
  { name: 'a dismissal of a malformed id', method: 'POST', url: '/api/duplicates/abc/dismiss', status: 400, code: 'invalid_request', field: 'params.id' },
  { name: 'a scan of an unknown area', method: 'POST', url: '/api/duplicates/scan', body: { areaCode: '99999' }, status: 403, code: 'forbidden' },
];

describe('hostile input', () => {
  it.each(cases)('$name -> $status $code', async (c) => {
    const tables = ['people', 'person_identifiers', 'households', 'duplicate_candidates', 'person_merges'] as const;
    const before = await Promise.all(tables.map((x) => count(t, x)));
    const url = typeof c.url === 'function' ? c.url() : c.url;
    const res =
      c.raw !== undefined
        ? await t.app.inject({ method: c.method, url, headers: { cookie: officer, 'content-type': 'application/json' }, payload: c.raw })
        : await api(t, officer, c.method, url, typeof c.body === 'function' ? (c.body as () => unknown)() : c.body);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem.code).toBe(c.code);
    if (c.field) expect(problem.field ?? problem.errors?.[0]?.field).toBe(c.field);
    expect(await Promise.all(tables.map((x) => count(t, x)))).toEqual(before);
  });

  it('stores SQL-looking names verbatim and finds them again', async () => {
    const name = "Nguyễn'; DROP TABLE people; --";
    const p = await createPerson(t, officer, { fullName: name, sex: 'unknown', identifiers: [{ kind: 'cccd', value: cccd(1990, 'male') }], birthDate: '1990' });
    expect(p.fullName).toBe(name);
    const found = await api(t, officer, 'GET', `/api/people?q=${encodeURIComponent("'; DROP TABLE people; --")}`);
    expect(found.json().items.map((i: { id: string }) => i.id)).toEqual([p.id]);
    expect(await count(t, 'people')).toBeGreaterThan(0);
  });

  it('accepts a 29th of February of a leap year and names of exactly 200 characters', async () => {
    expect((await api(t, officer, 'POST', '/api/people', { ...valid, birthDate: '2000-02-29', fullName: 'Â'.repeat(200) })).statusCode).toBe(201);
    // 200 characters once composed, although the decomposed form sent is 400 code units long
    expect((await api(t, officer, 'POST', '/api/people', { ...valid, fullName: 'Â'.repeat(200).normalize('NFD') })).statusCode).toBe(201);
  });
});
