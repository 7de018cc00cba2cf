// The write path's batches (src/engine/writer.ts): new tweets' rows are gathered and sent with one statement per table,
// so the commands after one in the same transaction must still see it, and a gathered statement that fails must cost
// only the command whose row broke it; a batch of plain posts sends them before it waits for the stream lock. Commands
// made in one tick of the event loop go in one batch.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, parseContent, systemClock, type IdFactory } from '@tweetstore/core';
import type { StoreEvent, StoreLogger } from '@tweetstore/store';
import { openPostgresStore, type PostgresStoreOptions } from '../src/index.ts';
import { connect } from '../src/engine/connect.ts';
import { createTestDatabase, lockWaiters, type TestDatabase } from './support/postgres.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** Ids from a list, in order; then fresh ones. */
function listedIds(ids: string[]): IdFactory {
  let n = 0;
  return () => ids.shift() ?? `zz${String(n++).padStart(8, '0')}`;
}

function warnings(): StoreLogger & { said: string[] } {
  const said: string[] = [];
  const log = { said, debug() {}, info() {}, warn: (_o: unknown, msg?: string) => void said.push(msg ?? ''), error: (_o: unknown, msg?: string) => void said.push(`error: ${msg}`), child: () => log };
  return log as never;
}

/** One lane: with two, the commands of a tick are shared between two transactions. */
async function open(extra: Partial<PostgresStoreOptions>) {
  const schema = `w_${randomBytes(4).toString('hex')}`;
  const store = await openPostgresStore({ url: db.url, schema, clock: systemClock, policy: DEFAULT_EDIT_POLICY, writeLanes: 1, ...extra });
  const events: StoreEvent[] = [];
  store.events.subscribe((e) => events.push(e));
  return { store, events, schema };
}

describe('the write batches of the PostgreSQL engine', () => {
  it('lets the commands after a new tweet in the same batch reply to it, like, edit and read it', async () => {
    // the two users first, then one batch: a post, a reply to it, a like of it, an edit of it, and another post
    const { store, events } = await open({ ids: listedIds(['u1', 'u2', 'a1', 'a2', 'a3', 'a4']) });
    try {
      const ann = await store.registerUser({ username: 'ann', displayName: 'Ann', passwordHash: 'h' });
      const bob = await store.registerUser({ username: 'bob', displayName: 'Bob', passwordHash: 'h' });
      const [post, reply, liked, edited, other] = await Promise.all([
        store.createTweet({ authorId: ann.id, text: parseContent('first') }),
        store.createTweet({ authorId: bob.id, text: parseContent('a reply'), replyToId: 'a1' }),
        store.engage({ id: 'a1', userId: bob.id, action: 'like' }),
        store.editTweet({ id: 'a1', actorId: ann.id, text: parseContent('first, edited') }),
        store.createTweet({ authorId: bob.id, text: parseContent('second') }),
      ]);
      expect([post.id, reply.id, other.id]).toEqual(['a1', 'a2', 'a3']);
      expect(reply.replyToId).toBe('a1');
      expect(liked.likes).toBe(1);
      expect(edited.content).toBe('first, edited');
      expect(edited.version).toBe(2);
      const now = await store.getTweet('a1', ann.id);
      expect(now).toMatchObject({ content: 'first, edited', version: 2, engagement: { likes: 1, replies: 1 } });
      expect(await store.getTweet('a3', null)).toEqual(other);
      expect((await store.listVersions('a1', ann.id)).map((v) => v.content)).toEqual(['first', 'first, edited']);
      expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'UserRegistered', 'TweetCreated', 'TweetCreated', 'Liked', 'TweetEdited', 'TweetCreated']);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const stats = await store.stats();
      expect([stats.tweets, stats.versions, stats.headSeq]).toEqual([3, 4, 7]);
      // the five commands went in one transaction
      expect(stats.details.writeBatches).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('writes a batch again row by row when its gathered rows fail, failing only the command whose row broke them', async () => {
    const log = warnings();
    // the third post is given the first one's id, when the rows are gathered and again when they are written one by
    // one: the statement of the batch's tweets breaks on it, then its own insert does
    const { store, events } = await open({ ids: listedIds(['u1', 'b1', 'b2', 'b1', 'b3', 'b1', 'b2', 'b1', 'b3', 'b4', 'b5', 'b6']), logger: log });
    try {
      const ann = await store.registerUser({ username: 'ann', displayName: 'Ann', passwordHash: 'h' });
      const made = await Promise.allSettled(['one', 'two', 'three', 'four'].map((words) => store.createTweet({ authorId: ann.id, text: parseContent(words) })));
      expect(made.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect((made[2] as PromiseRejectedResult).reason.message).toMatch(/duplicate key/);
      expect(log.said).toContain('the rows a write batch gathered failed; it is written again row by row');
      expect(log.said.filter((s) => s.startsWith('error'))).toEqual([]);
      const page = await store.listTweets({ limit: 10, authorId: ann.id, viewerId: null });
      const acknowledged = made.flatMap((r) => (r.status === 'fulfilled' ? [[r.value.id, r.value.content]] : []));
      expect(page.items.map((t) => [t.id, t.content]).sort()).toEqual(acknowledged.sort());
      expect(page.items.map((t) => t.content).sort()).toEqual(['four', 'one', 'two']);
      // the refused post left no event: the stream has no gap and no stray
      expect(events.map((e) => [e.seq, e.type])).toEqual([
        [1, 'UserRegistered'],
        [2, 'TweetCreated'],
        [3, 'TweetCreated'],
        [4, 'TweetCreated'],
      ]);
      expect((await store.stats()).tweets).toBe(3);
      // and the writer goes on gathering
      await Promise.all([1, 2, 3].map((i) => store.createTweet({ authorId: ann.id, text: parseContent(`later ${i}`) })));
      expect((await store.stats()).tweets).toBe(6);
    } finally {
      await store.close();
    }
  });

  it('sends the rows of a batch of plain posts before it waits for the stream lock', async () => {
    const { store, events, schema } = await open({});
    const other = connect({ url: db.url, poolSize: 1, schema });
    try {
      const ann = await store.registerUser({ username: 'ann', displayName: 'Ann', passwordHash: 'h' });
      await store.createTweet({ authorId: ann.id, text: parseContent('known now') }); // ann is read once
      let posts!: Promise<unknown>;
      await other.begin(async (tx) => {
        await tx`select head from stream_head for update`; // another writer's batch, holding the lock
        posts = Promise.all([1, 2, 3].map((i) => store.createTweet({ authorId: ann.id, text: parseContent(`post ${i} #early`) })));
        await expect.poll(() => lockWaiters(tx, { statement: 'from stream_head for update' })).toHaveLength(1);
        const [writer] = await lockWaiters(tx, { statement: 'from stream_head for update' });
        // its new tweets' rows are in (uncommitted), while it waits
        const locks = await tx<{ relation: string }[]>`
          select relation::regclass::text relation from pg_locks where pid = ${writer!} and mode = 'RowExclusiveLock' and locktype = 'relation'`;
        expect(locks.map((l) => l.relation)).toEqual(expect.arrayContaining(['tweets', 'tweet_terms', 'tweet_tags']));
        expect(events).toHaveLength(2);
      });
      await posts;
      expect(events.map((e) => [e.seq, e.type])).toEqual([1, 2, 3, 4, 5].map((seq) => [seq, seq === 1 ? 'UserRegistered' : 'TweetCreated']));
      // a command that loads takes the lock first: it sees what the batch before wrote
      const reply = await store.createTweet({ authorId: ann.id, text: parseContent('a reply'), replyToId: (events[4] as { tweetId: string }).tweetId });
      expect(reply.replyToId).toBe((events[4] as { tweetId: string }).tweetId);
    } finally {
      await store.close();
      await other.end();
    }
  });

  it('with two transactions in flight, numbers every event once in commit order and delivers them in seq order', async () => {
    const { store, events } = await open({ writeLanes: 2, batchSize: 16 });
    try {
      const ann = await store.registerUser({ username: 'ann', displayName: 'Ann', passwordHash: 'h' });
      let next = 0;
      const made: string[] = [];
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < 600) {
            const t = await store.createTweet({ authorId: ann.id, text: parseContent(`post ${next++}`) });
            made.push(t.id);
            // acknowledged means readable
            expect((await store.getTweet(t.id, null))?.id).toBe(t.id);
          }
        }),
      );
      expect(new Set(made).size).toBe(600);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      expect(new Set(events.filter((e) => e.type === 'TweetCreated').map((e) => (e as { tweetId: string }).tweetId))).toEqual(new Set(made));
      const stats = await store.stats();
      expect([stats.tweets, stats.headSeq]).toEqual([made.length, made.length + 1]);
      expect((await store.events.after(0, 10_000)) as StoreEvent[]).toEqual(events);
    } finally {
      await store.close();
    }
  });
});
