// The engine's index structures against naive models: sorted id lists and their merge, and the event ring.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventRing } from '../src/feed/event-ring.ts';
import { newestBefore, SortedIds } from '../src/projection/sorted-ids.ts';
import type { StoreEvent } from '@tweetstore/store';

const id = fc.stringMatching(/^[0-9A-Z]{1,3}$/);

describe('SortedIds and newestBefore', () => {
  it('page like filter + sort over the union of the lists', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(2), id, fc.boolean()), { maxLength: 80 }),
        fc.option(id, { nil: undefined }),
        fc.integer({ min: 1, max: 10 }),
        (ops, beforeId, limit) => {
          const lists = [new SortedIds(), new SortedIds(), new SortedIds()];
          const model = [new Set<string>(), new Set<string>(), new Set<string>()];
          const owner = new Map<string, number>(); // the lists are disjoint, as the timelines keep them
          for (const [list, value, insert] of ops) {
            if (insert && !owner.has(value)) {
              lists[list]!.insert(value);
              model[list]!.add(value);
              owner.set(value, list);
            } else if (!insert && owner.get(value) === list) {
              lists[list]!.remove(value);
              model[list]!.delete(value);
              owner.delete(value);
            }
          }
          const expected = model
            .flatMap((s) => [...s])
            .filter((v) => beforeId === undefined || v < beforeId)
            .sort()
            .reverse()
            .slice(0, limit);
          expect(newestBefore(lists, beforeId, limit)).toEqual(expected);
        },
      ),
    );
  });
});

describe('EventRing', () => {
  const event = (seq: number) => ({ seq, at: 0, type: 'SessionClosed', tokenHash: String(seq) }) as StoreEvent;

  it('holds the last `capacity` events and answers only what it fully holds', () => {
    const ring = new EventRing(5);
    expect(ring.after(0, 10)).toBeUndefined();
    for (let seq = 1; seq <= 12; seq++) ring.push(event(seq));
    expect(ring.firstSeq()).toBe(8);
    expect(ring.after(7, 10)!.map((e) => e.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(ring.after(9, 2)!.map((e) => e.seq)).toEqual([10, 11]);
    expect(ring.after(12, 10)).toEqual([]);
    expect(ring.after(6, 10)).toBeUndefined();
  });

  it('starts over after a gap instead of answering across it', () => {
    const ring = new EventRing(5);
    ring.push(event(1));
    ring.push(event(2));
    ring.push(event(7));
    expect(ring.firstSeq()).toBe(7);
    expect(ring.after(2, 10)).toBeUndefined();
  });
});
