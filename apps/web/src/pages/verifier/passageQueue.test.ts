import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPassages, logPassage, readPassages } from './passageQueue';

const CHECKPOINT = '0192f0aa-0000-7000-8000-0000000000c1';
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

const passage = (result: 'pass' | 'fail', at: string) => ({ checkpointId: CHECKPOINT, result, ...(result === 'fail' ? { failureReason: 'signature_invalid' } : {}), passedAt: at });

describe('checkpoint passages logged by the verifier', () => {
  it('queues while offline and sends in order, without the checkpoint id in the body, when the network is back', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(logPassage(passage('pass', '2021-08-01T08:00:00.000Z'))).resolves.toBe('queued');
    await expect(logPassage(passage('fail', '2021-08-01T08:01:00.000Z'))).resolves.toBe('queued');
    expect(readPassages()).toHaveLength(2);

    const sent: unknown[] = [];
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      expect(url).toBe(`/api/checkpoints/${CHECKPOINT}/passages`);
      sent.push(JSON.parse(String(init?.body)));
      return new Response(JSON.stringify({ id: 'x' }), { status: 201, headers: { 'Content-Type': 'application/json' } });
    });
    vi.stubGlobal('fetch', fetchMock);
    await expect(flushPassages()).resolves.toEqual({ sent: 2, dropped: 0 });
    expect(sent).toEqual([
      { result: 'pass', passedAt: '2021-08-01T08:00:00.000Z' },
      { result: 'fail', failureReason: 'signature_invalid', passedAt: '2021-08-01T08:01:00.000Z' },
    ]);
    expect(readPassages()).toEqual([]);
    await expect(flushPassages()).resolves.toEqual({ sent: 0, dropped: 0 });
  });

  it('drops a passage the server refuses (4xx) so the rest still go, and stops on a network failure', async () => {
    store.set('sen.verifier.passages', JSON.stringify([passage('pass', '2021-08-01T08:00:00.000Z'), passage('pass', '2021-08-01T08:02:00.000Z'), passage('pass', '2021-08-01T08:03:00.000Z')]));
    let call = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        call++;
        if (call === 1) return new Response(JSON.stringify({ code: 'checkpoint_inactive', detail: 'closed' }), { status: 409 });
        if (call === 2) return new Response(JSON.stringify({ id: 'y' }), { status: 201 });
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(flushPassages()).resolves.toEqual({ sent: 1, dropped: 1 });
    expect(readPassages().map((p) => p.passedAt)).toEqual(['2021-08-01T08:03:00.000Z']);
  });
});
