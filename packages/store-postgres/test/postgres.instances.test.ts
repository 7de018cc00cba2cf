// Two store objects on one database, as two instances are: what one acknowledged, the other reads; rules that need
// one decision (idempotency keys, likes, expected versions) hold across both; each one's subscribers get every event of
// both, once, in seq order, with no gap even under 8 concurrent writers; hashtag trends and search are the same on
// both; and instances opening a new database at once migrate it once.
import { readdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, InvalidInput, manualClock, parseContent, ratePerMinute, StorageUnavailable, systemClock, VersionConflict } from '@tweetstore/core';
import { parseSearchQuery, type StoreEvent, type TweetStore } from '@tweetstore/store';
import postgres from 'postgres';
import { openPostgresStore, type PostgresStoreOptions } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const text = parseContent;

/** Two stores on one new schema of the test database; closed at the end of `test`. */
async function twoInstances(test: (a: TweetStore, b: TweetStore) => Promise<void>, extra: Partial<PostgresStoreOptions> = {}): Promise<void> {
  const options = { url: db.url, schema: `i_${randomBytes(4).toString('hex')}`, clock: systemClock, policy: DEFAULT_EDIT_POLICY, ...extra };
  const a = await openPostgresStore(options);
  const b = await openPostgresStore(options);
  try {
    await test(a, b);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

/** Resolves with the events after `from` that `store` delivers, once it has delivered seq `last`. */
function delivered(store: TweetStore, from: number, last: number): { events: StoreEvent[]; done: Promise<StoreEvent[]> } {
  const events: StoreEvent[] = [];
  let unsubscribe = () => {};
  const done = new Promise<StoreEvent[]>((resolve) => {
    unsubscribe = store.events.subscribe((e) => {
      if (e.seq > from) events.push(e);
      if (e.seq >= last) resolve(events);
    });
  });
  return { events, done: done.finally(() => unsubscribe()) };
}

describe('two instances on one database', () => {
  it('reads on one what the other acknowledged, at once', async () => {
    await twoInstances(async (a, b) => {
      const user = await a.registerUser({ username: 'ann', displayName: 'Ann', passwordHash: 'h' });
      expect(await b.getUser(user.id)).toEqual(user);
      for (let i = 0; i < 20; i++) {
        const [writer, reader] = i % 2 ? [a, b] : [b, a];
        const t = await writer.createTweet({ authorId: user.id, text: text(`tweet ${i}`) });
        expect(await reader.getTweet(t.id, null)).toEqual(t);
        const edited = await reader.editTweet({ id: t.id, actorId: user.id, text: text(`tweet ${i}, edited`) });
        expect((await writer.listVersions(t.id, null)).map((v) => v.content)).toEqual([`tweet ${i}`, `tweet ${i}, edited`]);
        expect(await writer.getTweet(t.id, user.id)).toEqual(edited);
      }
      expect((await a.stats()).tweets).toBe(20);
      expect((await b.stats()).tweets).toBe(20);
    });
  });

  it('creates one tweet for an idempotency key used on both at once', async () => {
    await twoInstances(async (a, b) => {
      const user = await a.registerUser({ username: 'bea', displayName: 'Bea', passwordHash: 'h' });
      const tries = Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).createTweet({ authorId: user.id, text: text('once'), idempotencyKey: 'key-1' }));
      const ids = new Set((await Promise.all(tries)).map((t) => t.id));
      expect(ids.size).toBe(1);
      expect((await b.listTweets({ viewerId: null, limit: 10 })).items.map((t) => t.id)).toEqual([...ids]);
    });
  });

  it('counts likes given on both exactly, and each user once', async () => {
    await twoInstances(async (a, b) => {
      const author = await a.registerUser({ username: 'cy', displayName: 'Cy', passwordHash: 'h' });
      const t = await a.createTweet({ authorId: author.id, text: text('like me') });
      const fans = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).registerUser({ username: `fan_${i}`, displayName: 'Fan', passwordHash: 'h' })));
      // every fan likes twice, once on each instance, all at once
      await Promise.all(fans.flatMap((f) => [a.engage({ id: t.id, userId: f.id, action: 'like' }), b.engage({ id: t.id, userId: f.id, action: 'like' })]));
      expect((await a.getEngagement(t.id, null)).likes).toBe(60);
      expect((await b.getEngagement(t.id, fans[3]!.id))).toMatchObject({ likes: 60, likedByCurrentUser: true });
      const likes = ((await a.events.after(0, 10_000)) as StoreEvent[]).filter((e) => e.type === 'Liked');
      expect(likes).toHaveLength(60);
    });
  });

  it('lets one of two edits with the same expectedVersion win, on different instances', async () => {
    await twoInstances(async (a, b) => {
      const author = await a.registerUser({ username: 'dee', displayName: 'Dee', passwordHash: 'h' });
      for (let round = 0; round < 5; round++) {
        const t = await a.createTweet({ authorId: author.id, text: text(`race ${round}`) });
        const results = await Promise.allSettled([
          a.editTweet({ id: t.id, actorId: author.id, text: text('left'), expectedVersion: 1 }),
          b.editTweet({ id: t.id, actorId: author.id, text: text('right'), expectedVersion: 1 }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflict);
        expect((await b.getTweet(t.id, null))!.version).toBe(2);
      }
    });
  });

  it('shares hashtag uses, velocity and search: tags used on both at once count as on one', async () => {
    const clock = manualClock();
    const warnings: string[] = [];
    const logger = { info: () => {}, warn: (_: object, msg?: string) => void warnings.push(msg ?? ''), error: (_: object, msg?: string) => void warnings.push(msg ?? '') };
    await twoInstances(
      async (a, b) => {
        const authors = await Promise.all(Array.from({ length: 12 }, (_, i) => a.registerUser({ username: `tagger_${i}`, displayName: 'T', passwordHash: 'h' })));
        // each author twice on each instance, all at once (several of an author's in one batch): uses 48, the
        // velocity of 12 (an author counts once an hour)
        await Promise.all(authors.flatMap((u, i) => [a, a, b, b].map((s, j) => s.createTweet({ authorId: u.id, text: text(`take ${i}.${j} #Shared`) }))));
        const expected = [{ tag: 'shared', uses: 48, velocity: 12 * ratePerMinute({ value: 1, at: clock.now() }, clock.now()) }];
        for (const s of [a, b]) {
          const trends = await s.trendingHashtags(10);
          expect(trends.map((t) => ({ ...t, velocity: Number(t.velocity.toFixed(9)) }))).toEqual(expected.map((t) => ({ ...t, velocity: Number(t.velocity.toFixed(9)) })));
          expect((await s.searchTweets({ viewerId: null, query: parseSearchQuery('#shared take'), sort: 'latest', limit: 100 })).items).toHaveLength(48);
        }
        expect(warnings).toEqual([]); // each batch's uses went in as one statement, none written again row by row
      },
      { clock, logger },
    );
  });

  it('delivers every event of both to subscribers of each, once and in seq order, with 8 writers at once', async () => {
    await twoInstances(
      async (a, b) => {
        const users = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).registerUser({ username: `w_${i}`, displayName: 'W', passwordHash: 'h' })));
        const start = (await a.stats()).headSeq; // the tails may still be delivering the registrations
        const perWriter = 60;
        const total = start + users.length * perWriter;
        const onA = delivered(a, start, total);
        const onB = delivered(b, start, total);
        // a tailer of its own, reading `seq > last` from the table while the writers write: it never skips a seq
        let tailed = start;
        let writing = true;
        const tailer = (async () => {
          while (writing || tailed < total) {
            const page = (await a.events.after(tailed, 500)) as StoreEvent[];
            for (const e of page) {
              expect(e.seq).toBe(tailed + 1);
              tailed = e.seq;
            }
          }
        })();
        await Promise.all(
          users.map(async (u, i) => {
            const store = i % 2 ? a : b;
            for (let n = 0; n < perWriter; n++) await store.createTweet({ authorId: u.id, text: text(`writer ${i} tweet ${n}`) });
          }),
        );
        writing = false;
        await tailer;
        const expected = Array.from({ length: total - start }, (_, i) => start + 1 + i);
        expect((await onA.done).map((e) => e.seq)).toEqual(expected);
        expect((await onB.done).map((e) => e.seq)).toEqual(expected);
        expect(await onB.done).toEqual(await onA.done);
        expect(tailed).toBe(total);
        // a lastEventId from one instance resumes on the other with exactly what came after it
        const mark = start + 100;
        expect(await b.events.after(mark, 1000)).toEqual((await onA.done).filter((e) => e.seq > mark));
      },
      { pollMs: 60_000 }, // the other instance's events reach each tail by NOTIFY alone here
    );
  });
});

describe('one instance', () => {
  it('answers a command whose statement the database refuses with InvalidInput, committing the others of its batch', async () => {
    await twoInstances(async (a) => {
      const head = await a.events.head();
      const names = Array.from({ length: 12 }, (_, i) => `batch_${i}`);
      // PostgreSQL refuses a NUL character in text: the rules let it through in a display name, the insert fails
      const results = await Promise.allSettled(names.map((username, i) => a.registerUser({ username, displayName: i === 5 ? 'bad\0name' : 'ok', passwordHash: 'h' })));
      expect(results.map((r) => r.status)).toEqual(names.map((_, i) => (i === 5 ? 'rejected' : 'fulfilled')));
      expect((results[5] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidInput);
      const events = (await a.events.after(head, 100)) as StoreEvent[];
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 11 }, (_, i) => head + 1 + i));
      // the commands of a tick are shared between two lanes, whose transactions take the stream lock in either order
      expect(events.map((e) => (e.type === 'UserRegistered' ? e.username : null)).sort()).toEqual(names.filter((_, i) => i !== 5).sort());
      expect(await a.findCredentials('batch_5')).toBeNull();
      expect((await a.stats()).users).toBe(11);
    });
  });

  it('answers StorageUnavailable while its connections are cut, keeps what it acknowledged, and writes again after', async () => {
    await twoInstances(async (a) => {
      const user = await a.registerUser({ username: 'cut', displayName: 'C', passwordHash: 'h' });
      const from = (await a.stats()).headSeq;
      const seen: number[] = [];
      a.events.subscribe((e) => seen.push(e.seq));
      const acked: string[] = [];
      const refused: unknown[] = [];
      let cut: Promise<unknown> | undefined;
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let n = 0; n < 40; n++) {
            try {
              acked.push((await a.createTweet({ authorId: user.id, text: text(`w${w} n${n}`) })).id);
            } catch (error) {
              refused.push(error);
            }
            // every connection of the instance is terminated once, while the others write
            if (acked.length === 60) cut ??= (async () => {
              const admin = postgres(db.url, { max: 1, onnotice: () => {} });
              await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${db.name} and application_name = 'tweetstore'`.finally(() => admin.end());
            })();
          }
        }),
      );
      await cut;
      expect(refused.every((e) => e instanceof StorageUnavailable)).toBe(true);
      expect(await a.writable()).toBe(true); // PostgreSQL answers again, whether or not the last batch failed
      const after = await a.createTweet({ authorId: user.id, text: text('after the cut') });
      expect(await a.writable()).toBe(true);
      for (const id of [...acked, after.id]) expect(await a.getTweet(id, null), id).not.toBeNull();
      const head = (await a.stats()).headSeq;
      const events = (await a.events.after(from, 10_000)) as StoreEvent[];
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: head - from }, (_, i) => from + 1 + i));
      // all delivered already: the write after the cut, the last one, was answered
      expect(seen.filter((s) => s > from)).toEqual(events.map((e) => e.seq));
    });
  });

  it('reads past its head again when its LISTEN connection comes back, without a poll', async () => {
    await twoInstances(
      async (a, b) => {
        const user = await a.registerUser({ username: 'lis', displayName: 'L', passwordHash: 'h' });
        const from = (await a.stats()).headSeq;
        const onB = delivered(b, from, from + 5);
        const admin = postgres(db.url, { max: 1, onnotice: () => {} });
        try {
          const killed = await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${db.name} and query ilike 'listen%'`;
          expect(killed.length).toBeGreaterThan(0);
        } finally {
          await admin.end();
        }
        for (let i = 0; i < 5; i++) await a.createTweet({ authorId: user.id, text: text(`while b was deaf ${i}`) });
        expect((await onB.done).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5].map((i) => from + i));
      },
      { pollMs: 3_600_000 },
    );
  });
});

describe('opening', () => {
  it('fails with a message naming the database when PostgreSQL cannot be reached, and refuses bad options', async () => {
    const options = { clock: systemClock, policy: DEFAULT_EDIT_POLICY };
    await expect(openPostgresStore({ ...options, url: 'postgres://postgres:secret@127.0.0.1:1/nowhere' })).rejects.toThrow(
      'the PostgreSQL store at postgres://postgres:***@127.0.0.1:1/nowhere cannot be opened',
    );
    await expect(openPostgresStore({ ...options, url: db.url, schema: 'Robert"); drop table' })).rejects.toBeInstanceOf(RangeError);
    await expect(openPostgresStore({ ...options, url: db.url, poolSize: 1 })).rejects.toBeInstanceOf(RangeError);
  });
});

describe('migrations', () => {
  it('migrate a new database once when four instances open it at once', async () => {
    const fresh = await createTestDatabase();
    try {
      const options = { url: fresh.url, clock: systemClock, policy: DEFAULT_EDIT_POLICY };
      const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore(options)));
      expect(new Set(stores.map((s) => s.storeId)).size).toBe(1);
      const user = await stores[0]!.registerUser({ username: 'eve', displayName: 'Eve', passwordHash: 'h' });
      expect(await stores[3]!.getUser(user.id)).toEqual(user);
      await Promise.all(stores.map((s) => s.close()));
      const sql = postgres(fresh.url, { max: 1, onnotice: () => {} });
      try {
        const applied = await sql<{ name: string }[]>`select name from schema_migrations order by name`;
        const files = (await readdir(new URL('../src/migrations/', import.meta.url))).filter((f) => f.endsWith('.sql')).sort();
        expect(applied.map((r) => r.name)).toEqual(files);
        // every tweet and user id compares in one collation: a join across two could not use the other side's index
        // (every signed-in read of a tweet scanned all engagements: 65 ms at 100k tweets)
        const ids = await sql<{ column: string; collation: string | null }[]>`
          select table_name || '.' || column_name as column, collation_name as collation from information_schema.columns
          where table_schema = current_schema() and data_type = 'text' and table_name <> 'schema_migrations'
            and (column_name in ('id', 'tweet_id', 'user_id', 'author_id', 'reply_to_id') and table_name not in ('media'))`;
        expect(ids.length).toBeGreaterThanOrEqual(12);
        expect(ids.filter((c) => c.collation !== 'C').map((c) => c.column)).toEqual([]);
        expect((await sql`select count(*)::int n from stream_head`)[0]!.n).toBe(1);
      } finally {
        await sql.end();
      }
    } finally {
      await fresh.drop();
    }
  });
});
