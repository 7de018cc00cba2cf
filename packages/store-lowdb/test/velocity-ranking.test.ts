// The velocity ranking against the plain answer (every tweet's rate at `now`, sorted), over random engagement,
// state changes and queries, with its scans run in small slices while tweets are engaged.
import { bumpRate, ratePerMinute, type DecayedRate } from '@tweetstore/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engagementKinds, tweetRecord, type EngagementKind, type TweetRecord } from '../src/projection/records.ts';
import { HOT_MIN_RATE, levelOf, RANKED, VelocityRanking } from '../src/projection/velocity-ranking.ts';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

function tweet(i: number): TweetRecord {
  const id = `t${String(i).padStart(4, '0')}`;
  return tweetRecord({ id, ordinal: i, authorId: 'u', replyToId: null, state: 'published', createdAt: T0, idempotencyKey: null, versionCount: 1, history: null, velocity: null });
}

/** The ranking over `tweets` (by ordinal), ranking the published ones, or all when `all`. */
const rankingOf = (tweets: TweetRecord[], all = false) =>
  new VelocityRanking({ level: (o) => levelOf(tweets[o]!.velocity), eligible: (o) => all || tweets[o]!.state === 'published', id: (o) => tweets[o]!.id });

const score = (t: TweetRecord, now: number) => (t.velocity === null ? 0 : engagementKinds.reduce((sum, k) => sum + ratePerMinute(t.velocity![k], now), 0));

/** What topByVelocity must answer: every published tweet at least HOT_MIN_RATE, fastest first (ties: larger id). */
function plainTop(tweets: TweetRecord[], limit: number, now: number): string[] {
  return tweets
    .filter((t) => t.state === 'published' && score(t, now) >= HOT_MIN_RATE)
    .sort((a, b) => score(b, now) - score(a, now) || (a.id < b.id ? 1 : -1))
    .slice(0, limit)
    .map((t) => t.id);
}

type Op =
  | { kind: 'engage'; tweet: number; what: EngagementKind; n: number; dt: number }
  | { kind: 'state'; tweet: number; state: TweetRecord['state'] }
  | { kind: 'query'; limit: number; dt: number; slice: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('engage' as const), tweet: fc.nat(299), what: fc.constantFrom(...engagementKinds), n: fc.integer({ min: 1, max: 5 }), dt: fc.integer({ min: -3 * MINUTE, max: 0 }) }) }, // events are never dated after a query
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('state' as const), tweet: fc.nat(299), state: fc.constantFrom<TweetRecord['state']>('published', 'archived', 'draft') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('query' as const), limit: fc.integer({ min: 0, max: RANKED }), dt: fc.integer({ min: 0, max: 20 * MINUTE }), slice: fc.integer({ min: 1, max: 50 }) }) },
);

describe('the velocity ranking', () => {
  it('answers as a pass over every tweet would, however engagement, state changes and scans interleave', () => {
    // `restored`: tweets with a velocity as a checkpoint holds them, given to restore() before anything else happens
    const restored = fc.uniqueArray(fc.record({ tweet: fc.nat(299), n: fc.integer({ min: 1, max: 5 }), dt: fc.integer({ min: -3 * MINUTE, max: 0 }) }), {
      selector: (r) => r.tweet,
      maxLength: 60,
    });
    fc.assert(
      fc.property(restored, fc.array(op, { minLength: 1, maxLength: 400 }), (before, ops) => {
        const tweets = Array.from({ length: 300 }, (_, i) => tweet(i));
        const ranking = rankingOf(tweets);
        let now = T0;
        for (const { tweet: o, n, dt } of before) {
          tweets[o]!.velocity = { likes: bumpRate(undefined, T0 + dt, n) };
          ranking.restore(o);
        }
        const engage = (t: TweetRecord, what: EngagementKind, at: number, n: number) => {
          (t.velocity ??= {})[what] = bumpRate(t.velocity[what] as DecayedRate | undefined, at, n);
          ranking.add(t.ordinal);
        };
        for (const o of ops) {
          if (o.kind === 'engage') engage(tweets[o.tweet]!, o.what, now + o.dt, o.n);
          else if (o.kind === 'state') {
            const t = tweets[o.tweet]!;
            t.state = o.state;
            if (o.state === 'published' && t.velocity !== null) ranking.add(t.ordinal); // as the projection does
          } else {
            now += o.dt;
            let top = ranking.top(o.limit, now);
            for (let round = 0; top === null; round++) {
              expect(round).toBeLessThan(2); // one scan is always enough
              // a scan in slices, with tweets engaged between them (as live events land between event-loop turns)
              let i = 0;
              while (!ranking.scanSome(o.slice, now)) engage(tweets[(i++ * 37) % tweets.length]!, 'views', now, 1);
              top = ranking.top(o.limit, now);
            }
            expect(top.map((o) => tweets[o]!.id)).toEqual(plainTop(tweets, o.limit, now));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('needs no new pass while a few tweets are engaged between queries', () => {
    const tweets = Array.from({ length: 5_000 }, (_, i) => tweet(i));
    const ranking = rankingOf(tweets, true);
    for (const [i, t] of tweets.entries()) {
      t.velocity = { likes: { value: 1 + ((i * 7919) % 997), at: T0 } }; // the fastest spread over the whole pass
      ranking.add(t.ordinal);
    }
    expect(ranking.top(10, T0)).toBeNull();
    while (!ranking.scanSome(1_000, T0));
    for (let q = 0; q < 50; q++) {
      const t = tweets[(q * 101) % tweets.length]!;
      t.velocity!.likes = bumpRate(t.velocity!.likes, T0 + q * 1000, 3);
      ranking.add(t.ordinal);
      expect(ranking.needsScan()).toBe(false);
      expect(ranking.top(10, T0 + q * 1000)?.map((o) => tweets[o]!.id)).toEqual(plainTop(tweets, 10, T0 + q * 1000));
    }
    // (its reference answer sorts 5,000 tweets 50 times: ~2 s alone, more with the rest of the suite on 2 cores)
  }, 30_000);

  it('forgets tweets gone cold at the next pass', () => {
    const tweets = Array.from({ length: 10 }, (_, i) => tweet(i));
    const ranking = rankingOf(tweets, true);
    for (const t of tweets) {
      t.velocity = { likes: { value: 1, at: T0 } };
      ranking.add(t.ordinal);
    }
    while (!ranking.scanSome(3, T0));
    expect(ranking.candidates).toBe(10);
    // an hour on (12 half-lives), one like is far below HOT_MIN_RATE
    const later = T0 + 60 * MINUTE;
    expect(ranking.top(10, later)).toEqual([]);
    while (!ranking.scanSome(3, later));
    expect(ranking.candidates).toBe(0);
  });
});
