// Hot tweets (engine/hot.ts, engine/barrier.ts): two store objects on one database sharing one Redis, as two
// instances are. What one acknowledged, the very next get on the other shows, whether that one keeps the tweet in
// memory or not; with Redis killed, reads go to PostgreSQL and stay right; and gets of kept tweets are answered from
// memory: they answer while the tables they would read are locked, which a store without the cache cannot.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { manualClock, parseContent } from '@tweetstore/core';
import type { Redis } from 'ioredis';
import postgres from 'postgres';
import { connectRedis, openPostgresStore, type PostgresStoreOptions, type PostgresTweetStore } from '../src/index.ts';
import { databaseAndRedis } from './support/database-and-redis.ts';
import { REDIS_URL, redisToKill } from './support/redis.ts';

const shared = databaseAndRedis();

const text = parseContent;
/** one clock for the instances of a test (velocities compared exactly); edits without limit */
const clock = manualClock();
const policy = { windowMs: 0, maxEdits: 0 };

/** Stores on one new schema of the test database; closed at the end of `test`. */
async function instances(n: number, extra: Partial<PostgresStoreOptions>, test: (...stores: PostgresTweetStore[]) => Promise<void>): Promise<void> {
  const schema = `h_${randomBytes(4).toString('hex')}`;
  const options = { url: shared.db.url, schema, clock, policy, ...extra };
  const stores: PostgresTweetStore[] = [];
  try {
    for (let i = 0; i < n; i++) stores.push(await openPostgresStore(options));
    await test(...stores);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

const hotOn = (client: Redis, leaseMs?: number): Partial<PostgresStoreOptions> => ({ hot: { redis: client, prefix: `${shared.prefix}${randomBytes(4).toString('hex')}:`, leaseMs } });

type HotDetails = Record<'cacheTweets' | 'cacheHits' | 'cacheMisses' | 'cacheFallbacks' | 'headRaiseFailures', number>;

async function details(store: PostgresTweetStore): Promise<HotDetails> {
  return (await store.stats()).details as unknown as HotDetails;
}

async function people(store: PostgresTweetStore, n: number, name: string) {
  return Promise.all(Array.from({ length: n }, (_, i) => store.registerUser({ username: `${name}_${i}`, displayName: name, passwordHash: 'h' })));
}

describe('two instances sharing one Redis', () => {
  it('counts a like given on A in the very next get on B, which keeps the tweet', async () => {
    await instances(2, hotOn(shared.redis), async (a, b) => {
      const [author, ...fans] = await people(a, 101, 'fan');
      const t = await a.createTweet({ authorId: author!.id, text: text('like me') });
      expect((await b.getTweet(t.id, null))!.engagement.likes).toBe(0); // kept on B from now on
      for (const [i, fan] of fans.entries()) {
        clock.advance(1_000);
        await a.engage({ id: t.id, userId: fan.id, action: 'like' });
        const seen = await b.getTweet(t.id, fan.id);
        expect(seen!.engagement).toMatchObject({ likes: i + 1, likedByCurrentUser: true });
        expect(await b.getEngagement(t.id, fans[(i + 1) % fans.length]!.id)).toMatchObject({ likes: i + 1, likedByCurrentUser: i + 1 === fans.length });
        if (i % 10 === 9) {
          await a.engage({ id: t.id, userId: fan.id, action: 'unlike' });
          expect(await b.getEngagement(t.id, fan.id)).toMatchObject({ likes: i, likedByCurrentUser: false });
          await a.engage({ id: t.id, userId: fan.id, action: 'like' });
        }
      }
      // the rates as PostgreSQL holds them (A reads them there: its cache never kept the tweet before now)
      const d = await details(b);
      expect(d.cacheHits).toBeGreaterThan(0);
      expect(d.cacheTweets).toBe(1);
      expect((await b.getEngagement(t.id, null)).velocity).toEqual((await a.getEngagement(t.id, null)).velocity);
    });
  });

  it('shows an edit, a transition and a new reply made on A in the next get on B', async () => {
    await instances(2, hotOn(shared.redis), async (a, b) => {
      const [author, other] = await people(a, 2, 'ed');
      const t = await a.createTweet({ authorId: author!.id, text: text('version 0') });
      for (let i = 1; i <= 30; i++) {
        expect((await b.getTweet(t.id, other!.id))!.content).toBe(`version ${i - 1}`);
        const edited = await a.editTweet({ id: t.id, actorId: author!.id, text: text(`version ${i}`) });
        expect(await b.getTweet(t.id, author!.id)).toEqual(edited);
      }
      await a.createTweet({ authorId: other!.id, text: text('a reply'), replyToId: t.id });
      expect((await b.getTweet(t.id, null))!.engagement.replies).toBe(1);
      await a.transitionTweet({ id: t.id, actorId: author!.id, to: 'archive' });
      expect(await b.getTweet(t.id, other!.id)).toBeNull();
      expect((await b.getTweet(t.id, author!.id))!.state).toBe('archived');
      expect((await details(b)).cacheHits).toBeGreaterThan(0);
    });
  });
});

describe('sessions kept by two instances sharing one Redis', () => {
  it('refuses on B a session closed on A at once, finds on B one opened on A, and keeps expiry', async () => {
    await instances(2, hotOn(shared.redis), async (a, b) => {
      const [user] = await people(a, 1, 'signed');
      const until = () => new Date(clock.now() + 60_000);
      for (let i = 0; i < 30; i++) {
        const token = `token-${i}`;
        expect(await b.findSession(token)).toBeNull(); // an unknown token is not remembered as unknown
        await a.openSession(token, { userId: user!.id, expiresAt: until() });
        expect(await b.findSession(token)).toMatchObject({ userId: user!.id }); // B keeps it from now on
        expect(await b.findSession(token)).toMatchObject({ userId: user!.id });
        await a.closeSession(token);
        expect(await b.findSession(token)).toBeNull();
        expect(await a.findSession(token)).toBeNull();
      }
      await a.openSession('late', { userId: user!.id, expiresAt: until() });
      expect(await b.findSession('late')).not.toBeNull();
      clock.advance(60_001);
      expect(await b.findSession('late')).toBeNull(); // kept, but expired
      const d = (await b.stats()).details as Record<string, number>;
      expect(d.cacheSessions).toBe(1);
      expect(d.cacheHits).toBeGreaterThanOrEqual(31);
    });
  });

  it('answers kept sessions while the sessions table is locked, and only with the cache on', { timeout: 30_000 }, async () => {
    for (const [extra, fromMemory] of [
      [hotOn(shared.redis), true],
      [{}, false],
    ] as const) {
      await instances(1, extra, async (store) => {
        const [user] = await people(store, 1, 'locked');
        const tokens = Array.from({ length: 20 }, (_, i) => `t${i}`);
        for (const t of tokens) await store.openSession(t, { userId: user!.id, expiresAt: new Date(clock.now() + 60_000) });
        const all = () => Promise.all(tokens.map((t) => store.findSession(t)));
        const before = await all();
        const lock = postgres(shared.db.url, { max: 1, onnotice: () => {} });
        const schema = (store as unknown as { o: { schema: string } }).o.schema;
        let release = () => {};
        try {
          const held = new Promise<void>((resolve) => (release = resolve));
          await new Promise<void>((resolve) => {
            void lock.begin(async (tx) => {
              await tx.unsafe(`lock table ${schema}.sessions in access exclusive mode`);
              resolve();
              await held;
            });
          });
          let answered = false;
          const found = all().then((after) => {
            answered = true;
            expect(after).toEqual(before);
          });
          if (fromMemory) await found;
          else await Promise.race([found, new Promise((resolve) => setTimeout(resolve, 1_000))]);
          expect(answered).toBe(fromMemory);
          release();
          await found;
        } finally {
          release();
          await lock.end();
        }
      });
    }
  });
});

describe('a tweet with more likers than kept', () => {
  it('is answered from memory to nobody in particular, and from PostgreSQL to a viewer, right both ways', async () => {
    await instances(2, { hot: { redis: shared.redis, prefix: `${shared.prefix}edges:`, maxEdges: 3 } }, async (a, b) => {
      const [author, ...fans] = await people(a, 7, 'many');
      const t = await a.createTweet({ authorId: author!.id, text: text('popular') });
      for (const [i, fan] of fans.entries()) {
        await a.engage({ id: t.id, userId: fan.id, action: 'like' });
        expect((await b.getTweet(t.id, null))!.engagement.likes).toBe(i + 1);
        expect(await b.getEngagement(t.id, fan.id)).toMatchObject({ likes: i + 1, likedByCurrentUser: true });
        expect(await b.getEngagement(t.id, author!.id)).toMatchObject({ likes: i + 1, likedByCurrentUser: false });
      }
      const d = await details(b);
      expect(d.cacheTweets).toBe(1);
      expect(d.cacheHits).toBeGreaterThan(0);
    });
  });
});

describe('the committed head in Redis', () => {
  it('is not trusted by B once A, cut off from Redis alone, acknowledged a write it could not raise', async () => {
    const ca = await connectRedis({ url: REDIS_URL });
    try {
      const hot = { prefix: `${shared.prefix}cut:`, leaseMs: 300 };
      await instances(1, { hot: { ...hot, redis: ca } }, async (a) => {
        const b = await openPostgresStore({ ...(a as unknown as { o: PostgresStoreOptions }).o, hot: { ...hot, redis: shared.redis } });
        try {
          const [author, fan] = await people(a, 2, 'cut');
          const t = await a.createTweet({ authorId: author!.id, text: text('raised, then not') });
          expect((await b.getTweet(t.id, fan!.id))!.engagement.likes).toBe(0);
          expect((await b.getTweet(t.id, fan!.id))!.engagement.likes).toBe(0);
          const hits = (await details(b)).cacheHits;
          const failures = (await details(a)).headRaiseFailures;
          ca.disconnect(); // A's connection alone: B still reaches Redis
          await a.engage({ id: t.id, userId: fan!.id, action: 'like' });
          expect((await details(a)).headRaiseFailures).toBe(failures + 1);
          const fallbacks = (await details(b)).cacheFallbacks;
          expect((await b.getTweet(t.id, fan!.id))!.engagement).toMatchObject({ likes: 1, likedByCurrentUser: true });
          // answered by PostgreSQL because A's lease had ended, not by memory that may not have the like yet
          expect(await details(b)).toMatchObject({ cacheHits: hits, cacheFallbacks: fallbacks + 1 });
          // A's connection back: its heartbeat renews its lease and raises the head past the like, so B trusts it again
          await ca.connect();
          while ((await details(b)).cacheHits === hits) expect((await b.getTweet(t.id, fan!.id))!.engagement.likes).toBe(1);
          expect(Number(await shared.redis.get(`${hot.prefix}head`))).toBe((await a.stats()).headSeq);
        } finally {
          await b.close();
        }
      });
    } finally {
      ca.disconnect();
    }
  });

  it('lost with Redis (its keys gone) sends reads to PostgreSQL until a heartbeat sets it from the database', async () => {
    const hot = hotOn(shared.redis, 300);
    await instances(2, hot, async (a, b) => {
      const [author] = await people(a, 1, 'lost');
      const t = await a.createTweet({ authorId: author!.id, text: text('kept') });
      await b.getTweet(t.id, null);
      await shared.redis.del(`${hot.hot!.prefix}head`);
      const before = await details(b);
      expect((await b.getTweet(t.id, null))!.content).toBe('kept');
      expect((await details(b)).cacheFallbacks).toBe(before.cacheFallbacks + 1);
      // a heartbeat comes every 100 ms; the head is back at PostgreSQL's
      while ((await shared.redis.get(`${hot.hot!.prefix}head`)) === null) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(Number(await shared.redis.get(`${hot.hot!.prefix}head`))).toBe((await a.stats()).headSeq);
      // from memory again (a read that Redis answered late would go to PostgreSQL: asked again until one is from memory)
      while ((await details(b)).cacheHits === before.cacheHits) await b.getTweet(t.id, null);
    });
  });
});

type OwnRedis = Awaited<ReturnType<typeof redisToKill>>;

/** Two instances on one new schema, each with its own connection to a redis-server of the test's own (short leases). */
async function onOwnRedis(test: (own: OwnRedis, a: PostgresTweetStore, b: PostgresTweetStore) => Promise<void>): Promise<void> {
  const own = await redisToKill();
  const [ca, cb] = [await connectRedis({ url: own.url }), await connectRedis({ url: own.url })];
  try {
    const hot = { prefix: shared.prefix, leaseMs: 300 };
    const schema = `h_${randomBytes(4).toString('hex')}`;
    const a = await openPostgresStore({ url: shared.db.url, schema, clock, policy, hot: { ...hot, redis: ca } });
    const b = await openPostgresStore({ url: shared.db.url, schema, clock, policy, hot: { ...hot, redis: cb } });
    try {
      await test(own, a, b);
    } finally {
      own.resume();
      await Promise.all([a.close(), b.close()]);
    }
  } finally {
    ca.disconnect();
    cb.disconnect();
    await own.kill();
  }
}

describe('Redis killed', () => {
  it('reads go to PostgreSQL and stay right; writes are acknowledged once the writer cannot be trusted', async () => {
    await onOwnRedis(async (own, a, b) => {
      const [author, ...fans] = await people(a, 21, 'dead');
      const t = await a.createTweet({ authorId: author!.id, text: text('through an outage') });
      await a.engage({ id: t.id, userId: fans[0]!.id, action: 'like' });
      expect((await b.getTweet(t.id, null))!.engagement.likes).toBe(1); // kept on B
      const [failures, fallbacks] = [(await details(a)).headRaiseFailures, (await details(b)).cacheFallbacks];
      await own.kill();
      for (const [i, fan] of fans.slice(1).entries()) {
        await a.engage({ id: t.id, userId: fan.id, action: 'like' });
        expect((await b.getTweet(t.id, fan.id))!.engagement).toMatchObject({ likes: i + 2, likedByCurrentUser: true });
        expect((await a.getEngagement(t.id, null)).likes).toBe(i + 2);
      }
      const edited = await a.editTweet({ id: t.id, actorId: author!.id, text: text('edited while Redis is dead') });
      expect(await b.getTweet(t.id, author!.id)).toEqual(edited);
      // every read on B since the kill (19 likes and the edit) went to PostgreSQL, and each write of A found Redis dead
      expect((await details(b)).cacheFallbacks).toBe(fallbacks + 20);
      expect((await details(a)).headRaiseFailures).toBe(failures + 20);
    });
  });
});

describe('Redis hung', () => {
  it('answers reads from PostgreSQL and acknowledges writes while Redis answers nothing, and reads from memory after', async () => {
    await onOwnRedis(async (own, a, b) => {
      const [author, ...fans] = await people(a, 6, 'hung');
      const t = await a.createTweet({ authorId: author!.id, text: text('through a hang') });
      await b.getTweet(t.id, null); // kept on B
      own.pause();
      for (const [i, fan] of fans.entries()) {
        await a.engage({ id: t.id, userId: fan.id, action: 'like' });
        expect((await b.getTweet(t.id, fan.id))!.engagement).toMatchObject({ likes: i + 1, likedByCurrentUser: true });
      }
      own.resume();
      const hits = (await details(b)).cacheHits;
      // once A's lease is renewed and B asks Redis again, from memory
      while ((await details(b)).cacheHits === hits) expect((await b.getTweet(t.id, null))!.engagement.likes).toBe(fans.length);
    });
  });
});

describe('gets from memory', () => {
  /** Gets of 100 tweets by 5 viewers while another connection holds the tables a get reads locked. */
  async function getsWhileLocked(extra: Partial<PostgresStoreOptions>): Promise<{ answered: boolean; gets: number }> {
    let result = { answered: false, gets: 0 };
    await instances(1, extra, async (store) => {
      const [author, ...viewers] = await people(store, 6, 'reader');
      const tweets: Awaited<ReturnType<typeof store.createTweet>>[] = [];
      for (let i = 0; i < 100; i++) tweets.push(await store.createTweet({ authorId: author!.id, text: text(`hot ${i}`) }));
      await Promise.all(tweets.slice(0, 50).map((t, i) => store.engage({ id: t.id, userId: viewers[i % 5]!.id, action: 'like' })));
      const all = () => Promise.all(tweets.flatMap((t) => [null, ...viewers.map((v) => v.id)].map((viewer) => store.getTweet(t.id, viewer))));
      const before = await all(); // read once: kept
      const lock = postgres(shared.db.url, { max: 1, onnotice: () => {} });
      const schema = (store as unknown as { o: { schema: string } }).o.schema;
      try {
        let release = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        const locked = new Promise<void>((resolve) => {
          void lock.begin(async (tx) => {
            await tx.unsafe(`lock table ${schema}.tweets, ${schema}.users, ${schema}.engagements, ${schema}.media in access exclusive mode`);
            resolve();
            await held;
          });
        });
        await locked;
        let answered = false;
        const gets = all().then((after) => {
          answered = true;
          expect(after).toEqual(before);
        });
        // from memory they answer while the lock is held (had one gone to PostgreSQL, this would wait until the test's
        // timeout); through PostgreSQL none can answer before the lock is released, however long it is held
        if (extra.hot) await gets;
        else await Promise.race([gets, new Promise((resolve) => setTimeout(resolve, 1_000))]);
        result = { answered, gets: before.length };
        release();
        await gets;
      } finally {
        await lock.end();
      }
    });
    return result;
  }

  it('answers gets of kept tweets without the database, and only with the cache on', { timeout: 60_000 }, async () => {
    expect(await getsWhileLocked(hotOn(shared.redis))).toEqual({ answered: true, gets: 600 });
    expect(await getsWhileLocked({})).toEqual({ answered: false, gets: 600 });
  });
});
