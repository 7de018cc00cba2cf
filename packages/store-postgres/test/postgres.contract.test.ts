// The store contract, run against the PostgreSQL engine: one database for the file, a schema of its own per test.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { manualClock } from '@tweetstore/core';
import { describeTweetStoreContract, reopeningHarness } from '@tweetstore/store/contract';
import postgres from 'postgres';
import { openPostgresStore } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describeTweetStoreContract('postgres', async ({ policy }) => {
  const schema = `contract_${randomBytes(4).toString('hex')}`;
  const clock = manualClock();
  return reopeningHarness(
    clock,
    () => openPostgresStore({ url: db.url, schema, clock, policy, viewsFlushMs: 50, pollMs: 100 }),
    async () => {
      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop schema ${schema} cascade`).finally(() => sql.end());
    },
  );
});
