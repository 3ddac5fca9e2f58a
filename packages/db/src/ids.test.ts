import { describe, expect, it } from 'vitest';
import { timeHashedUuid, uuidv7 } from './ids';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timeOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('uuidv7', () => {
  it('carries the time in its first 48 bits and is random after', () => {
    const a = uuidv7(1_627_786_800_000);
    expect(a).toMatch(V7);
    expect(timeOf(a)).toBe(1_627_786_800_000);
    expect(uuidv7(1_627_786_800_000)).not.toBe(a);
  });
});

describe('timeHashedUuid', () => {
  it('gives the same id for the same time and key, another for another key or time', () => {
    const id = timeHashedUuid(1_627_786_800_123, 'client-1');
    expect(id).toMatch(V8);
    expect(timeHashedUuid(1_627_786_800_123, 'client-1')).toBe(id);
    expect(timeHashedUuid(1_627_786_800_123, 'client-2')).not.toBe(id);
    expect(timeHashedUuid(1_627_786_800_124, 'client-1')).not.toBe(id);
  });
  it('sorts by time like UUIDv7', () => {
    const ids = [3, 1, 2].map((s) => timeHashedUuid(1_627_786_800_000 + s * 1000, `k${s}`));
    expect([...ids].sort().map(timeOf)).toEqual([1_627_786_801_000, 1_627_786_802_000, 1_627_786_803_000]);
    expect(new Set(Array.from({ length: 1000 }, (_, i) => timeHashedUuid(1_627_786_800_000, `k${i}`))).size).toBe(1000);
  });
});
