// topByVelocity on PostgreSQL (an index on the velocity level) answers as the embedded engine's ranking does: the same
// random engagement, replies, archives, restores and clock moves, run through both engines' ports, give the same
// tweets in the same order with the same scores at every query.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { manualClock, parseContent, type EngageAction } from '@tweetstore/core';
import type { TweetStore } from '@tweetstore/store';
import { CONTRACT_EDIT_POLICY } from '@tweetstore/store/contract';
import { openLowdbStore } from '@tweetstore/store-lowdb';
import postgres from 'postgres';
import { openPostgresStore } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const MINUTE = 60_000;
type Op =
  | { kind: 'engage'; tweet: number; user: number; action: EngageAction }
  | { kind: 'reply'; tweet: number; user: number }
  | { kind: 'move'; tweet: number; to: 'archive' | 'restore' }
  | { kind: 'wait'; ms: number }
  | { kind: 'query'; limit: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('engage' as const), tweet: fc.nat(11), user: fc.nat(3), action: fc.constantFrom<EngageAction>('like', 'unlike', 'retweet', 'unretweet', 'view') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reply' as const), tweet: fc.nat(11), user: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), tweet: fc.nat(11), to: fc.constantFrom<'archive' | 'restore'>('archive', 'restore') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 30 * MINUTE }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('query' as const), limit: fc.integer({ min: 0, max: 12 }) }) },
);

/** One engine with the tweets it made, in the order made. */
interface Run {
  store: TweetStore;
  users: string[];
  tweets: string[];
  /** each tweet's author, by position */
  authors: string[];
}

async function setUp(store: TweetStore): Promise<Run> {
  const users: string[] = [];
  for (let i = 0; i < 4; i++) users.push((await store.registerUser({ username: `u${i}`, displayName: 'U', passwordHash: 'h' })).id);
  const run: Run = { store, users, tweets: [], authors: [] };
  for (let i = 0; i < 8; i++) {
    run.tweets.push((await store.createTweet({ authorId: users[i % 4]!, text: parseContent(`tweet ${i}`) })).id);
    run.authors.push(users[i % 4]!);
  }
  return run;
}

/** What the op did: the ranking as tweet positions and scores, or the error's class, or nothing. */
async function step(r: Run, o: Op): Promise<unknown> {
  try {
    const at = o.kind === 'engage' || o.kind === 'reply' || o.kind === 'move' ? o.tweet % r.tweets.length : 0;
    const tweet = r.tweets[at]!;
    switch (o.kind) {
      case 'engage':
        await r.store.engage({ id: tweet, userId: r.users[o.user]!, action: o.action });
        return null;
      case 'reply':
        r.tweets.push((await r.store.createTweet({ authorId: r.users[o.user]!, text: parseContent('a reply'), replyToId: tweet })).id);
        r.authors.push(r.users[o.user]!);
        return null;
      case 'move':
        await r.store.transitionTweet({ id: tweet, actorId: r.authors[at]!, to: o.to });
        return null;
      case 'wait':
        return null;
      case 'query':
        return (await r.store.topByVelocity(o.limit)).map((e) => [r.tweets.indexOf(e.tweetId), e.score]);
    }
  } catch (error) {
    return (error as Error).constructor.name;
  }
}

it('ranks as the embedded engine does, over random engagement, replies, archives and time', { timeout: 300_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
      const clock = manualClock();
      const dataDir = await mkdtemp(join(tmpdir(), 'tweetstore-velocity-'));
      const schema = `velocity_${randomBytes(4).toString('hex')}`;
      // views stay counted in memory for the whole run (in both engines, a view's velocity is bumped when it is counted)
      const lowdb = await setUp(await openLowdbStore({ dataDir, clock, policy: CONTRACT_EDIT_POLICY, viewsFlushMs: 3_600_000 }));
      const pg = await setUp(await openPostgresStore({ url: db.url, schema, clock, policy: CONTRACT_EDIT_POLICY, viewsFlushMs: 3_600_000 }));
      try {
        for (const o of [...ops, { kind: 'query', limit: 12 } as const]) {
          if (o.kind === 'wait') clock.advance(o.ms);
          const [expected, actual] = [await step(lowdb, o), await step(pg, o)];
          if (!Array.isArray(expected)) expect(actual).toEqual(expected);
          else {
            expect((actual as [number, number][]).map(([i]) => i)).toEqual(expected.map(([i]) => i));
            (actual as [number, number][]).forEach(([, score], k) => expect(score).toBeCloseTo((expected[k] as [number, number])[1], 9));
          }
        }
      } finally {
        await Promise.all([lowdb.store.close(), pg.store.close()]);
        await rm(dataDir, { recursive: true, force: true });
        const sql = postgres(db.url, { max: 1, onnotice: () => {} });
        await sql.unsafe(`drop schema ${schema} cascade`).finally(() => sql.end());
      }
    }),
    { numRuns: 12 },
  );
});
