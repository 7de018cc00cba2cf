// Measurement, not part of `npm test`: runs only with MEASURE_POSTGRES set, and prints what docs/scale-out.md quotes.
//   MEASURE_POSTGRES=1 npx vitest run --project store-postgres test/postgres.measure.test.ts
// Creates per second through openPostgresStore with 1, 8 and 64 callers at once, against the baseline of what the
// database must do at least: one durable INSERT transaction per create, through a pool of the same size.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, parseContent, systemClock } from '@tweetstore/core';
import postgres from 'postgres';
import { openPostgresStore } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

const POOL = 10;
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** `total` calls of `call`, `callers` at a time; calls per second. */
async function rate(callers: number, total: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: callers }, async () => {
    while (next < total) await call(next++);
  }));
  return total / ((performance.now() - start) / 1000);
}

describe.runIf(process.env.MEASURE_POSTGRES)('PostgreSQL engine measurement', () => {
  it('creates per second with 1, 8 and 64 callers, against one durable INSERT per create', { timeout: 600_000 }, async () => {
    const store = await openPostgresStore({ url: db.url, poolSize: POOL, clock: systemClock, policy: DEFAULT_EDIT_POLICY });
    const baseline = postgres(db.url, { max: POOL, onnotice: () => {} });
    await baseline`create table baseline (id bigint primary key, author text not null, content text not null, at bigint not null)`;
    const authors = await Promise.all(Array.from({ length: 64 }, (_, i) => store.registerUser({ username: `author_${i}`, displayName: 'A', passwordHash: 'h' })));
    const text = parseContent('a tweet of ordinary length, with a #tag and a link https://example.com/x');
    let id = 0;
    const rows: string[] = [];
    const loop = monitorEventLoopDelay({ resolution: 1 });
    for (const callers of [1, 8, 64]) {
      const total = callers === 1 ? 500 : 3000;
      loop.enable();
      const engine = await rate(callers, total, (i) => store.createTweet({ authorId: authors[i % 64]!.id, text }));
      loop.disable();
      console.log(`${callers} callers: longest event-loop delay ${(loop.max / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`);
      loop.reset();
      const floor = await rate(callers, total, () => baseline`insert into baseline values (${++id}, 'author', ${text.content}, ${Date.now()})`);
      rows.push(`| ${callers} | ${Math.round(engine).toLocaleString('en')} | ${Math.round(floor).toLocaleString('en')} | ${(engine / floor).toFixed(2)} |`);
    }
    const stats = await store.stats();
    console.log(['| callers | engine creates/s | baseline INSERTs/s | engine / baseline |', '| --- | --- | --- | --- |', ...rows].join('\n'));
    console.log(`write batches: ${stats.details.writeBatches}, tweets: ${stats.tweets}`);
    await store.close();
    await baseline.end();
  });
});
