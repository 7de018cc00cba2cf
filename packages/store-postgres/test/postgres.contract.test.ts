// The store contract, run against the PostgreSQL engine: one database for the file, a schema of its own per test;
// once as it reads PostgreSQL every time, once with hot tweets kept in memory behind the committed head in Redis.
import { randomBytes } from 'node:crypto';
import { manualClock } from '@tweetstore/core';
import { describeTweetStoreContract, reopeningHarness } from '@tweetstore/store/contract';
import postgres from 'postgres';
import { openPostgresStore } from '../src/index.ts';
import { databaseAndRedis } from './support/database-and-redis.ts';

const shared = databaseAndRedis();

for (const hot of [false, true]) {
  describeTweetStoreContract(hot ? 'postgres with hot tweets' : 'postgres', async ({ policy }) => {
    const schema = `contract_${randomBytes(4).toString('hex')}`;
    const clock = manualClock();
    return reopeningHarness(
      clock,
      () => openPostgresStore({ url: shared.db.url, schema, clock, policy, viewsFlushMs: 50, pollMs: 100, hot: hot ? { redis: shared.redis, prefix: `${shared.prefix}${schema}:` } : undefined }),
      async () => {
        const sql = postgres(shared.db.url, { max: 1, onnotice: () => {} });
        await sql.unsafe(`drop schema ${schema} cascade`).finally(() => sql.end());
      },
    );
  });
}
