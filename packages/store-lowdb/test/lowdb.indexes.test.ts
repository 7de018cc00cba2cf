// The engine's in-memory indexes against naive models: timelines (with the shortcuts that keep building them cheap),
// tweets by id when ids do not ascend, the event ring filled from both ends, and packed text facts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TweetState } from '@tweetstore/core';
import { EventRing } from '../src/feed/event-ring.ts';
import { packFacts, unpackFacts } from '../src/projection/facts.ts';
import { tweetRecord, type TweetRecord } from '../src/projection/records.ts';
import { Timelines, type TimelineEntry } from '../src/projection/timelines.ts';
import { TweetIndex } from '../src/projection/tweet-index.ts';
import type { StoreEvent } from '@tweetstore/store';

const states: TweetState[] = ['published', 'draft', 'archived'];

describe('Timelines', () => {
  it('page like a filter and sort over every tweet the viewer may see', () => {
    const op = fc.record({
      add: fc.boolean(),
      author: fc.nat(2),
      parent: fc.integer({ min: -1, max: 3 }),
      state: fc.nat(2),
      pick: fc.nat(),
    });
    const query = fc.record({ author: fc.integer({ min: -1, max: 2 }), parent: fc.integer({ min: -1, max: 3 }), viewer: fc.integer({ min: -1, max: 2 }), archived: fc.boolean(), before: fc.option(fc.nat(40), { nil: undefined }), limit: fc.integer({ min: 1, max: 6 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.array(query, { minLength: 1, maxLength: 8 }), (ops, queries) => {
        const entries = new Map<string, TimelineEntry>();
        const timelines = new Timelines((id) => entries.get(id)?.authorId);
        let next = 0;
        const name = (n: number) => `id${String(n).padStart(3, '0')}`;
        for (const o of ops) {
          const existing = [...entries.values()];
          if (o.add || existing.length === 0) {
            const t = { id: name(next++), authorId: `u${o.author}`, replyToId: o.parent < 0 ? null : `p${o.parent}`, state: states[o.state]! };
            entries.set(t.id, t);
            timelines.add(t);
          } else {
            const t = existing[o.pick % existing.length]!; // a state change: out of the lists and back in
            timelines.remove(t);
            t.state = states[o.state]!;
            timelines.add(t);
          }
        }
        for (const q of queries) {
          const viewerId = q.viewer < 0 ? null : `u${q.viewer}`;
          const authorId = q.author < 0 ? undefined : `u${q.author}`;
          const replyToId = q.parent < 0 ? undefined : `p${q.parent}`;
          const beforeId = q.before === undefined ? undefined : name(q.before);
          const expected = [...entries.values()]
            .filter((t) => (authorId === undefined || t.authorId === authorId) && (replyToId === undefined || t.replyToId === replyToId))
            .filter((t) => t.state === 'published' || (t.authorId === viewerId && (t.state === 'draft' || q.archived)))
            .map((t) => t.id)
            .filter((id) => beforeId === undefined || id < beforeId)
            .sort()
            .reverse()
            .slice(0, q.limit + 1);
          expect(timelines.page({ viewerId, authorId, replyToId, beforeId, limit: q.limit, includeArchived: q.archived })).toEqual(expected);
        }
      }),
    );
  });
});

describe('TweetIndex', () => {
  const tweet = (id: string, ordinal: number): TweetRecord =>
    tweetRecord({ id, ordinal, authorId: 'a', replyToId: null, state: 'published', createdAt: 0, idempotencyKey: null, versionCount: 1, history: null, velocity: null });

  it('finds every tweet by id, whatever order the ids come in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[0-9A-Z]{1,4}$/), { maxLength: 60 }), fc.stringMatching(/^[0-9A-Z]{1,4}$/), (ids, other) => {
        const index = new TweetIndex(() => undefined);
        ids.forEach((id, i) => index.add(tweet(id, i)));
        for (const [i, id] of ids.entries()) expect(index.get(id)?.ordinal).toBe(i);
        if (!ids.includes(other)) expect(index.get(other)).toBeUndefined();
      }),
    );
  });
});

describe('EventRing', () => {
  const event = (seq: number) => ({ seq, at: 0, type: 'SessionClosed', tokenHash: String(seq) }) as StoreEvent;
  const record = (seq: number) => ({ seq, payload: JSON.stringify(event(seq)) });

  it('takes older events read back from the journal in front of the live ones, as many as fit', () => {
    const ring = new EventRing(5);
    ring.push(event(8));
    ring.push(event(9));
    ring.prepend([3, 4, 5, 6, 7].map(record));
    expect(ring.after(4, 10)?.map((e) => e.seq)).toEqual([5, 6, 7, 8, 9]);
    expect(ring.after(3, 10)).toBeUndefined();
    ring.prepend([1, 2].map(record)); // full: nothing more fits
    expect(ring.firstSeq()).toBe(5);
  });

  it('starts from older events when it holds none, and ignores ones that do not end where it begins', () => {
    const empty = new EventRing(4);
    empty.prepend([1, 2].map(record));
    empty.push(event(3));
    expect(empty.after(0, 10)?.map((e) => e.seq)).toEqual([1, 2, 3]);
    const ring = new EventRing(4);
    ring.push(event(9));
    ring.prepend([5, 6, 7].map(record)); // 8 is missing
    expect(ring.firstSeq()).toBe(9);
  });
});

describe('packed text facts', () => {
  it('unpack to what was packed, whatever the items hold', () => {
    const items = fc.array(fc.oneof(fc.stringMatching(/^[a-z0-9_#@/:.]{1,8}$/), fc.string({ maxLength: 6 })), { maxLength: 3 });
    fc.assert(
      fc.property(items, items, items, (hashtags, mentions, urls) => {
        expect(unpackFacts(packFacts({ hashtags, mentions, urls }))).toEqual({ hashtags, mentions, urls });
      }),
    );
  });
});
