import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT } from './app';
import { createTestApp, signInAs, TEST_PASSWORD, type TestApp } from './testing/test-app';

let t: TestApp;
const logLines: string[] = [];
beforeAll(async () => {
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  t = await createTestApp({ logStream });
});
afterAll(async () => {
  await t?.close();
});

describe('health', () => {
  it('answers live and ready with the database kind and migration', async () => {
    expect((await t.app.inject('/health/live')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', database: t.conn.kind });
    expect(ready.json().migration).toBeGreaterThanOrEqual(5);
  });
});

describe('API description', () => {
  it('serves an OpenAPI 3.1 document that lists the routes with their schemas', async () => {
    const res = await t.app.inject('/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/areas', '/api/areas/{code}', '/api/audit']));
    expect(doc.paths['/api/auth/login'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('username');
  });

  it('serves a browsable reference at /docs', async () => {
    const res = await t.app.inject('/docs/');
    expect([200, 302]).toContain(res.statusCode);
    const page = res.statusCode === 302 ? await t.app.inject(res.headers.location as string) : res;
    expect(page.body).toContain('swagger');
  });
});

describe('security', () => {
  it('sets security headers and a request id', async () => {
    const res = await t.app.inject('/health/live');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
  });

  it('keeps a caller-given request id that looks like one, and replaces one that does not', async () => {
    expect((await t.app.inject({ url: '/health/live', headers: { 'x-request-id': 'abc-12345678' } })).headers['x-request-id']).toBe('abc-12345678');
    expect((await t.app.inject({ url: '/health/live', headers: { 'x-request-id': '<script>' } })).headers['x-request-id']).not.toBe('<script>');
  });

  it('sets the session cookie httpOnly and SameSite=Strict, and stores only a hash of it', async () => {
    const { username } = await signInAs(t, [{ role: 'tracer', areaCode: '01' }]);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^sen_session=[\w-]{40,};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const token = setCookie.split(';')[0]!.split('=')[1]!;
    const { rows } = await t.conn.pool.query("SELECT count(*)::int AS n FROM sessions WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%' OR encode(token_hash, 'hex') = $1", [token]);
    expect(rows[0].n).toBe(0);
  });
});

describe('errors are problem+json', () => {
  it('answers an unknown API route with 404 problem+json', async () => {
    const res = await t.app.inject('/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'not_found', title: 'Not Found' });
  });

  it('refuses malformed JSON with 400 malformed_json', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "a", ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('malformed_json');
  });

  it('refuses a body over the limit with 413 and says the limit', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'a', password: 'x'.repeat(BODY_LIMIT) }) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'body_too_large', limit: BODY_LIMIT });
  });

  it('names the invalid field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: '', password: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_request');
    expect(res.json().errors[0].field).toBe('body.username');
  });

  it('refuses a content type it does not take with 415', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(res.statusCode).toBe(415);
  });

  it('never sends a stack trace', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/areas/%E0%A4%A' });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('logs', () => {
  it('never carries query strings, cookies or passwords', async () => {
    const { cookie } = await signInAs(t, [{ role: 'commune_officer', areaCode: '00004' }]);
    await t.app.inject({ method: 'GET', url: '/api/areas?q=Nguy%E1%BB%85n%20V%C4%83n%20B%C3%ACnh', headers: { cookie } });
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'someone', password: 'secret-password-123' } });
    const all = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    expect(all).toContain('/api/areas');
    expect(all).not.toContain('Nguy');
    expect(all).not.toContain('q=');
    expect(all).not.toContain('secret-password-123');
    expect(all).not.toContain(cookie.split('=')[1]!);
  });
});
