// The store contract, run against the PostgreSQL engine: one database for the file, a schema of its own per test;
// once as it reads PostgreSQL every time, once with hot tweets kept in memory behind the committed head in Redis.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { manualClock } from '@tweetstore/core';
import { describeTweetStoreContract, reopeningHarness } from '@tweetstore/store/contract';
import type { Redis } from 'ioredis';
import postgres from 'postgres';
import { openPostgresStore } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';
import { redisForTests, removeKeys, runPrefix } from './support/redis.ts';

let db: TestDatabase;
let redis: Redis;
const prefix = runPrefix();
beforeAll(async () => {
  db = await createTestDatabase();
  redis = await redisForTests();
});
afterAll(async () => {
  await db?.drop();
  if (redis) {
    await removeKeys(redis, prefix);
    expect(await removeKeys(redis, prefix)).toBe(0);
    redis.disconnect();
  }
});

for (const hot of [false, true]) {
  describeTweetStoreContract(hot ? 'postgres with hot tweets' : 'postgres', async ({ policy }) => {
    const schema = `contract_${randomBytes(4).toString('hex')}`;
    const clock = manualClock();
    return reopeningHarness(
      clock,
      () => openPostgresStore({ url: db.url, schema, clock, policy, viewsFlushMs: 50, pollMs: 100, hot: hot ? { redis, prefix: `${prefix}${schema}:` } : undefined }),
      async () => {
        const sql = postgres(db.url, { max: 1, onnotice: () => {} });
        await sql.unsafe(`drop schema ${schema} cascade`).finally(() => sql.end());
      },
    );
  });
}
