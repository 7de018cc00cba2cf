// The limits' Redis store insured by memory (insuredLimiterStore), at the port: it passes the limiter contract with
// Redis up (every answer Redis's) and with Redis dead (every answer memory's); a Redis that hangs (SIGSTOP) costs a
// call at most the timeout, and a gate place Redis grants after its answer was given up on is given back.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insuredLimiterStore, memoryLimiterStore } from '@tweetstore/api';
import { describeLimiterStore } from '@tweetstore/api/limiter-contract';
import { connectRedis, openRedisLimiterStore } from '@tweetstore/store-postgres';
import { ownRedisForTests, testPrefix, type OwnRedis } from './redis-server.ts';

type Redis = Awaited<ReturnType<typeof connectRedis>>;

const switches: string[] = [];
const log = { warn: (_: object, message: string) => switches.push(message), info: (_: object, message: string) => switches.push(message) };

describe('insured limits, Redis up', () => {
  const prefix = testPrefix();
  const own = ownRedisForTests();
  let client: Redis;
  beforeAll(() => {
    client = own.client;
  });
  afterAll(() => expect(switches).toEqual([]));

  describeLimiterStore('insured, Redis up', async (now) => insuredLimiterStore(await openRedisLimiterStore({ client, prefix, now }), memoryLimiterStore(now), { sharedName: 'Redis', log }));

  it('counts in Redis while it answers', async () => {
    const store = insuredLimiterStore(await openRedisLimiterStore({ client, prefix }), memoryLimiterStore(), { sharedName: 'Redis', log });
    await store.rate('counted', { points: 5, windowMs: 60_000 }).take('ada');
    expect(await client.keys(`${prefix}rate:counted:*`)).toHaveLength(1);
    expect(store.degraded).toBe(false);
  });
});

describe('insured limits, Redis dead', () => {
  const before = switches.length;
  const own = ownRedisForTests();
  let client: Redis;
  beforeAll(async () => {
    client = own.client;
    await own.redis.kill();
  });
  afterAll(() => {
    // one switch to memory per store, never one per call
    expect(switches.slice(before).every((message) => message.startsWith('Redis is failing'))).toBe(true);
  });

  describeLimiterStore('insured, Redis dead', async (now) => insuredLimiterStore(await openRedisLimiterStore({ client, now }), memoryLimiterStore(now), { sharedName: 'Redis', log }));
});

describe('insured limits, Redis hung', () => {
  const prefix = testPrefix();
  const own = ownRedisForTests();
  let client: Redis;
  let redis: OwnRedis;
  beforeAll(() => {
    ({ client, redis } = own);
  });

  it('answers from memory after the timeout, gives back the place Redis grants late, and goes back to Redis', async () => {
    const messages: string[] = [];
    const store = insuredLimiterStore(await openRedisLimiterStore({ client, prefix }), memoryLimiterStore(), {
      sharedName: 'Redis',
      log: { warn: (_, message) => messages.push(message), info: (_, message) => messages.push(message) },
      timeoutMs: 200,
      failuresToSwitch: 3,
      retryAfterMs: 500,
    });
    const gate = store.gate('uploads', 1);
    const rate = store.rate('writes', { points: 3, windowMs: 60_000 });
    redis.pause();
    // each answered by memory once Redis has taken too long; the first three (one a gate enter) open the circuit
    const release = await gate.enter('ada');
    expect(release).not.toBeNull();
    expect(await gate.enter('ada')).toBeNull(); // memory holds the place
    expect((await Promise.all(Array.from({ length: 5 }, () => rate.take('ada')))).filter((v) => v.ok)).toHaveLength(3);
    expect(store.degraded).toBe(true);
    expect(messages).toEqual([expect.stringMatching(/^Redis is failing or slow/)]);
    release!();

    redis.resume();
    // Redis now answers the enter it held: that place is nobody's, and is given back
    const gateKey = `${prefix}gate:uploads:{ada}`;
    for (let i = 0; (await client.zcard(gateKey)) > 0; i++) {
      if (i === 100) throw new Error('the place Redis granted late was never given back');
      await sleep(50);
    }
    // the next call after retryAfterMs tries Redis, which answers: back on Redis
    await sleep(500);
    expect((await rate.take('bob')).ok).toBe(true);
    expect(store.degraded).toBe(false);
    expect(messages).toEqual([expect.stringMatching(/^Redis is failing or slow/), expect.stringMatching(/^Redis answers again/)]);
    expect(await client.keys(`${prefix}rate:writes:*`)).toContain(`${prefix}rate:writes:bob`);
  });
});
