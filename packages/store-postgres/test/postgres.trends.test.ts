// The trends projection (engine/trends.ts): tag_stats and tag_authors kept after commit from what each event did to
// hashtags. Each event is applied once: a pass cut off mid-way (its connection ended, or its process killed with
// SIGKILL) leaves nothing of itself, and the next goes on from the position the last commit left. Compared with what
// the tables must hold: uses counted from tweet_tags (written with each change), the velocity and who counted when
// folded from the events one at a time.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, manualClock, parseContent, systemClock, type DecayedRate } from '@tweetstore/core';
import { bumpTag, countsForVelocity } from '@tweetstore/store';
import { openPostgresStore } from '../src/index.ts';
import { connect, type Queries, type Sql } from '../src/engine/connect.ts';
import type { TagChange } from '../src/engine/hashtags.ts';
import { projectTrends } from '../src/engine/trends.ts';
import { createTestDatabase, lockWaiters, type TestDatabase } from './support/postgres.ts';

const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const newSchema = () => `trends_${randomBytes(4).toString('hex')}`;

/** What tag_stats and tag_authors must hold once every event is applied. */
async function expected(sql: Sql) {
  const uses = new Map((await sql<{ tag: string; n: number }[]>`select tag, count(*)::int n from tweet_tags group by tag`).map((r) => [r.tag, r.n]));
  const rates = new Map<string, DecayedRate>();
  const counted = new Map<string, number>();
  for (const e of await sql<{ at: number; author: string; tags: TagChange }[]>`
    select at, payload->>'authorId' author, tags from events where tags is not null order by seq`) {
    if (!e.tags.counts) continue;
    for (const tag of e.tags.added) {
      const key = `${tag} ${e.author}`;
      if (!countsForVelocity(counted.get(key), e.at)) continue;
      counted.set(key, e.at);
      rates.set(tag, bumpTag(rates.get(tag), e.at));
    }
  }
  return { uses, rates, counted };
}

/** What they hold. */
async function held(sql: Sql) {
  const stats = await sql<{ tag: string; uses: number; rate_value: number | null; rate_at: number | null }[]>`select tag, uses, rate_value, rate_at from tag_stats`;
  const authors = await sql<{ tag: string; author_id: string; counted_at: number }[]>`select tag, author_id, counted_at from tag_authors`;
  return {
    uses: new Map(stats.filter((s) => s.uses > 0).map((s) => [s.tag, s.uses])),
    rates: new Map(stats.filter((s) => s.rate_value !== null).map((s) => [s.tag, { value: s.rate_value!, at: s.rate_at! }])),
    counted: new Map(authors.map((a) => [`${a.tag} ${a.author_id}`, a.counted_at])),
  };
}

async function expectProjected(sql: Sql) {
  const [want, got] = [await expected(sql), await held(sql)];
  expect(got.uses).toEqual(want.uses);
  expect(got.counted).toEqual(want.counted);
  expect([...got.rates.keys()].sort()).toEqual([...want.rates.keys()].sort());
  for (const [tag, rate] of want.rates) {
    // the same uses, summed in passes rather than one at a time
    expect(got.rates.get(tag)!.at, tag).toBe(rate.at);
    expect(got.rates.get(tag)!.value / rate.value, tag).toBeCloseTo(1, 9);
  }
  expect(want.uses.size).toBeGreaterThan(0);
}

/** A pass waiting to write who counted (writers never touch tag_authors). */
const waitingForTagAuthors = (sql: Queries) => lockWaiters(sql, { relation: 'tag_authors' });

describe('the trends projection', () => {
  it('applies each event once when a pass is cut off: one pass at a time, the next going on from the last commit', async () => {
    const schema = newSchema();
    const clock = manualClock();
    // no pass of its own while the test runs them
    const store = await openPostgresStore({ url: db.url, schema, clock, policy: DEFAULT_EDIT_POLICY, trendsDelayMs: 3_600_000 });
    const sql = connect({ url: db.url, poolSize: 4, schema });
    const blocker = connect({ url: db.url, poolSize: 1, schema });
    try {
      const users = await Promise.all(Array.from({ length: 4 }, (_, i) => store.registerUser({ username: `cut_${i}`, displayName: 'C', passwordHash: 'h' })));
      for (let i = 0; i < 24; i++) {
        const t = await store.createTweet({ authorId: users[i % 4]!.id, text: parseContent(`post ${i} #one #t${i % 3}`) });
        if (i % 5 === 0) await store.editTweet({ id: t.id, actorId: users[i % 4]!.id, text: parseContent(`post ${i} #two`) });
        if (i % 7 === 0) await store.transitionTweet({ id: t.id, actorId: users[i % 4]!.id, to: 'archive' });
        clock.advance(5 * 60_000); // an author's posts 20 minutes apart: every third counts again for #one
      }
      const [{ head }] = await sql<[{ head: number }]>`select head from stream_head`;
      expect(await projectTrends(sql, false, 10)).toEqual({ position: 10, head });

      // the next pass, holding the projection while its statement waits for tag_authors, and its connection ended
      let cut!: Promise<unknown>;
      await blocker.begin(async (tx) => {
        await tx`lock table tag_authors in exclusive mode`;
        cut = projectTrends(sql, false, 10);
        cut.catch(() => {});
        await expect.poll(async () => (await waitingForTagAuthors(tx)).length).toBe(1);
        expect(await projectTrends(sql, false)).toBeNull(); // it holds the projection: another pass skips
        const [pid] = await waitingForTagAuthors(tx);
        await tx`select pg_terminate_backend(${pid!})`;
      });
      await expect(cut).rejects.toThrow();
      expect((await sql`select position from projections where name = 'trends'`)[0]!.position).toBe(10);

      // a trends read applies the rest first
      await store.trendingHashtags(50);
      expect((await sql`select position from projections where name = 'trends'`)[0]!.position).toBe(head);
      await expectProjected(sql);
    } finally {
      await store.close();
      await Promise.all([sql.end(), blocker.end()]);
    }
  });

  it('keeps up without reads, with every event applied once', async () => {
    const schema = newSchema();
    const store = await openPostgresStore({ url: db.url, schema, clock: systemClock, policy: DEFAULT_EDIT_POLICY, trendsDelayMs: 10 });
    const sql = connect({ url: db.url, poolSize: 2, schema });
    try {
      const users = await Promise.all(Array.from({ length: 8 }, (_, i) => store.registerUser({ username: `bg_${i}`, displayName: 'B', passwordHash: 'h' })));
      await Promise.all(Array.from({ length: 200 }, (_, i) => store.createTweet({ authorId: users[i % 8]!.id, text: parseContent(`bg ${i} #bg${i % 4}`) })));
      const [{ head }] = await sql<[{ head: number }]>`select head from stream_head`;
      await expect.poll(async () => (await sql`select position from projections where name = 'trends'`)[0]!.position).toBe(head);
      await expectProjected(sql);
    } finally {
      await store.close();
      await sql.end();
    }
  });

  it('applies each event once after a writer is killed with SIGKILL mid-pass, in 3 rounds', { timeout: 180_000 }, async () => {
    const schema = newSchema();
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join('test/support', 'pg-tagger.ts'), db.url, schema, String(round)], { cwd: packageRoot });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
      let acked = 0;
      const goal = 300 + 100 * round;
      const reached = new Promise<void>((resolve) => createInterface({ input: child.stdout }).on('line', () => ++acked === goal && resolve()));
      await Promise.race([reached, closed]);
      // killed while its pass holds the projection and waits for tag_authors (its writers go on meanwhile)
      const blocker = connect({ url: db.url, poolSize: 1, schema });
      await blocker.begin(async (tx) => {
        await tx`lock table tag_authors in exclusive mode`;
        await expect.poll(async () => (await waitingForTagAuthors(tx)).length).toBe(1);
        child.kill('SIGKILL');
        expect(await closed, stderr).toBe('SIGKILL');
      });
      await blocker.end();

      const sql = connect({ url: db.url, poolSize: 2, schema });
      const store = await openPostgresStore({ url: db.url, schema, clock: systemClock, policy: DEFAULT_EDIT_POLICY, trendsDelayMs: 3_600_000 });
      try {
        await store.trendingHashtags(50);
        await expectProjected(sql);
      } finally {
        await store.close();
        await sql.end();
      }
    }
  });
});
