import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dismiss, enqueue, syncNow, type QueuedItem } from './offlineQueue';
import { clientId, type DoseInput, type ScreeningInput } from './vaccinationApi';

const KEY = 'sen.vaccination.queue';
const store = new Map<string, string>();

beforeEach(() => {
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  });
});
afterEach(() => {
  for (const item of stored()) dismiss(item.id);
  vi.unstubAllGlobals();
});

const stored = (): QueuedItem[] => JSON.parse(store.get(KEY) ?? '[]') as QueuedItem[];

function screening(): ScreeningInput {
  return { id: clientId(), personId: clientId(), sessionId: clientId(), vitals: { temperatureC: 36.6 }, answers: {} };
}
function dose(): DoseInput {
  return { id: clientId(), personId: clientId(), sessionId: clientId(), lotId: clientId() };
}

function answer(status: number, body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

describe('clientId', () => {
  it('makes RFC 9562 version 7 UUIDs that sort by creation time', async () => {
    const a = clientId();
    await new Promise((r) => setTimeout(r, 3));
    const b = clientId();
    for (const id of [a, b]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, clientId)).size).toBe(1000);
  });
});

describe('the tablet queue', () => {
  it('keeps what it could not send, in localStorage, with the client ids', () => {
    const s = screening();
    const d = dose();
    enqueue({ kind: 'screening', id: s.id, label: 'A', body: s });
    enqueue({ kind: 'dose', id: d.id, label: 'A', body: d });
    enqueue({ kind: 'dose', id: d.id, label: 'A', body: d }); // queued twice: stored once
    expect(stored().map((x) => [x.kind, x.id])).toEqual([
      ['screening', s.id],
      ['dose', d.id],
    ]);
  });

  it('sends screenings and doses in one sync, drops what the server took and keeps refusals with their reason', async () => {
    const s = screening();
    const d1 = dose();
    const d2 = dose();
    enqueue({ kind: 'screening', id: s.id, label: 'A', body: s });
    enqueue({ kind: 'dose', id: d1.id, label: 'A', body: d1 });
    enqueue({ kind: 'dose', id: d2.id, label: 'B', body: d2 });
    const fetch = answer(200, {
      items: [
        { kind: 'screening', index: 0, id: s.id, status: 'created', code: null, message: null },
        { kind: 'dose', index: 0, id: d1.id, status: 'duplicate', code: null, message: null },
        { kind: 'dose', index: 1, id: d2.id, status: 'refused', code: 'dose_not_allowed', message: 'Too early' },
      ],
      created: 1, duplicates: 1, refused: 1,
    });
    vi.stubGlobal('fetch', fetch);

    expect(await syncNow()).toBe(2);
    const sent = JSON.parse(String((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body)) as { screenings: ScreeningInput[]; doses: DoseInput[] };
    expect(sent.screenings.map((x) => x.id)).toEqual([s.id]);
    expect(sent.doses.map((x) => x.id)).toEqual([d1.id, d2.id]);
    expect(stored()).toHaveLength(1);
    expect(stored()[0]).toMatchObject({ id: d2.id, refused: { code: 'dose_not_allowed', message: 'Too early' } });

    // A refused item is not resent: staff decide (dismiss it, or record it again with an override).
    expect(await syncNow()).toBe(0);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('loses nothing when the sync itself fails', async () => {
    const d = dose();
    enqueue({ kind: 'dose', id: d.id, label: 'A', body: d });
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(syncNow()).rejects.toMatchObject({ status: 0 });
    vi.stubGlobal('fetch', answer(500, { code: 'internal', detail: 'boom' }));
    await expect(syncNow()).rejects.toMatchObject({ status: 500 });
    expect(stored().map((x) => x.id)).toEqual([d.id]);
    expect(stored()[0]?.refused).toBeUndefined();
  });
});
