// A test file's own database and a Redis key prefix of its own, from its beforeAll to its afterAll (the keys removed
// then, and checked gone).
import { afterAll, beforeAll, expect } from 'vitest';
import type { Redis } from 'ioredis';
import { createTestDatabase, type TestDatabase } from './postgres.ts';
import { redisForTests, removeKeys, runPrefix } from './redis.ts';

export function databaseAndRedis(): { readonly db: TestDatabase; readonly redis: Redis; readonly prefix: string } {
  const own = { prefix: runPrefix() } as { db: TestDatabase; redis: Redis; prefix: string };
  beforeAll(async () => {
    own.db = await createTestDatabase();
    own.redis = await redisForTests();
  });
  afterAll(async () => {
    await own.db?.drop();
    if (own.redis) {
      await removeKeys(own.redis, own.prefix);
      expect(await removeKeys(own.redis, own.prefix)).toBe(0);
      own.redis.disconnect();
    }
  });
  return own;
}
