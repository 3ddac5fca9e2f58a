import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';

/** A flush that records its batches and finishes only when released. */
function gatedFlush() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const flush = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((r) => gates.push(r));
    return items.map((i) => i * 10);
  };
  const releaseAll = async () => {
    while (gates.length) gates.shift()!();
    await tick();
  };
  return { batches, flush, releaseAll };
}

/** A few event-loop turns: enough for finished flushes to settle and the next ones to start. */
async function tick() {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

describe('Batcher', () => {
  it('answers a lone call in a batch of one, without waiting for company', async () => {
    const b = new Batcher(async (items: number[]) => items.map((i) => i + 1), { maxBatch: 10, maxInFlight: 1 });
    await expect(b.run(1)).resolves.toBe(2);
  });

  it('gathers calls made in the same turn into one batch, answering each its own result', async () => {
    const g = gatedFlush();
    const b = new Batcher(g.flush, { maxBatch: 10, maxInFlight: 1 });
    const all = Promise.all([1, 2, 3].map((i) => b.run(i)));
    await tick();
    expect(g.batches).toEqual([[1, 2, 3]]);
    await g.releaseAll();
    await expect(all).resolves.toEqual([10, 20, 30]);
  });

  it('queues calls while the flushes in flight run and sends them together next, at most maxBatch at a time', async () => {
    const g = gatedFlush();
    const b = new Batcher(g.flush, { maxBatch: 3, maxInFlight: 1 });
    const first = b.run(1);
    await tick();
    const queued = [2, 3, 4, 5, 6].map((i) => b.run(i));
    await tick();
    expect(g.batches).toEqual([[1]]);
    await g.releaseAll();
    await g.releaseAll();
    await g.releaseAll();
    expect(g.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    await expect(Promise.all([first, ...queued])).resolves.toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('runs up to maxInFlight flushes at once', async () => {
    const g = gatedFlush();
    const b = new Batcher(g.flush, { maxBatch: 2, maxInFlight: 2 });
    const all = Promise.all([1, 2, 3, 4, 5].map((i) => b.run(i)));
    await tick();
    expect(g.batches).toEqual([[1, 2], [3, 4]]);
    await g.releaseAll();
    await g.releaseAll();
    expect(g.batches).toEqual([[1, 2], [3, 4], [5]]);
    await expect(all).resolves.toEqual([10, 20, 30, 40, 50]);
  });

  it('rejects every call of a failed batch and goes on with the next', async () => {
    let calls = 0;
    const b = new Batcher(async (items: number[]) => {
      calls++;
      if (items.includes(13)) throw new Error('unlucky batch');
      return items;
    }, { maxBatch: 10, maxInFlight: 1 });
    const bad = [b.run(12), b.run(13)];
    await expect(Promise.allSettled(bad)).resolves.toEqual([
      { status: 'rejected', reason: new Error('unlucky batch') },
      { status: 'rejected', reason: new Error('unlucky batch') },
    ]);
    await expect(b.run(14)).resolves.toBe(14);
    expect(calls).toBe(2);
  });

  it('refuses a flush that answers the wrong number of results', async () => {
    const b = new Batcher(async (items: number[]) => items.slice(1), { maxBatch: 10, maxInFlight: 1 });
    await expect(Promise.all([b.run(1), b.run(2)])).rejects.toThrow('returned 1 results for 2 items');
  });
});
