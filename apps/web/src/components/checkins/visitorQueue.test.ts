import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkInVisitor, newClientId, type VisitorCheckin } from './checkinsApi';
import { enqueueVisitor, readQueue, syncQueue } from './visitorQueue';

const VENUE = '0192f0aa-0000-7000-8000-000000000001';
const store = new Map<string, string>();

beforeEach(() => {
  store.clear();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const visit = (idNumber: string): VisitorCheckin => ({ idNumber, clientId: newClientId(), checkedInAt: '2021-08-01T10:00:00+07:00' });
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('the venue page offline queue', () => {
  it('sends the queued check-ins once in one batch with their client ids, and nothing on the next sync', async () => {
    const a = visit('001090000123');
    const b = visit('001090000124');
    enqueueVisitor(VENUE, { body: a, label: 'a' });
    enqueueVisitor(VENUE, { body: b, label: 'b' });
    enqueueVisitor(VENUE, { body: a, label: 'a again' }); // the same check-in queued twice stays once
    const fetchMock = vi.fn(async (_url: string, init?: RequestInit) => {
      const sent = JSON.parse(String(init?.body)) as { checkins: VisitorCheckin[] };
      return json(200, { inserted: sent.checkins.length, duplicates: 0, items: sent.checkins.map((c) => ({ id: newClientId(), clientId: c.clientId, duplicate: false, maskedName: 'N. V. A.' })) });
    });
    vi.stubGlobal('fetch', fetchMock);

    await expect(syncQueue(VENUE, (body) => checkInVisitor(VENUE, body))).resolves.toEqual({ sent: 2, refused: 0 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe(`/api/venues/${VENUE}/checkins/batch`);
    expect((JSON.parse(String(init?.body)) as { checkins: VisitorCheckin[] }).checkins.map((c) => c.clientId)).toEqual([b.clientId, a.clientId]);
    expect(readQueue(VENUE)).toEqual([]);

    await expect(syncQueue(VENUE, (body) => checkInVisitor(VENUE, body))).resolves.toEqual({ sent: 0, refused: 0 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('keeps everything when the network is still down', async () => {
    enqueueVisitor(VENUE, { body: visit('001090000123'), label: 'a' });
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(syncQueue(VENUE, (body) => checkInVisitor(VENUE, body))).rejects.toMatchObject({ status: 0 });
    expect(readQueue(VENUE)).toHaveLength(1);
  });

  it('when the batch is refused, sends each alone: good ones go, the bad one stays with its reason', async () => {
    const good = visit('001090000123');
    const bad = visit('999');
    enqueueVisitor(VENUE, { body: good, label: 'good' });
    enqueueVisitor(VENUE, { body: bad, label: 'bad' });
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        if (url.endsWith('/batch')) return json(400, { code: 'id_number_invalid', detail: 'checkins.1.idNumber: not a valid ID number' });
        const body = JSON.parse(String(init?.body)) as VisitorCheckin;
        return body.idNumber === '999' ? json(400, { code: 'id_number_invalid', detail: 'idNumber: not a valid ID number' }) : json(201, { id: newClientId(), clientId: body.clientId, duplicate: false, maskedName: 'N. V. A.' });
      }),
    );
    await expect(syncQueue(VENUE, (body) => checkInVisitor(VENUE, body))).resolves.toEqual({ sent: 1, refused: 1 });
    const left = readQueue(VENUE);
    expect(left).toHaveLength(1);
    expect(left[0]!.body.clientId).toBe(bad.clientId);
    expect(left[0]!.refused).toMatch(/not a valid ID number/);
    // A refused item is not resent on the next sync.
    await expect(syncQueue(VENUE, (body) => checkInVisitor(VENUE, body))).resolves.toEqual({ sent: 0, refused: 0 });
  });
});
