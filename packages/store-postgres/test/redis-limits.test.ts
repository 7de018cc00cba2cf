// The limiter store in Redis passes the limiter contract every store passes, against the real Redis; and what only
// several instances show: each with its own connection, they share every limit, and a crashed one's gate places
// come back.
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { describeLimiterStore } from '@tweetstore/api/limiter-contract';
import { connectRedis, openRedisLimiterStore, type RedisLimiterStore } from '../src/index.ts';
import { REDIS_URL, redisForTests, removeKeys, runPrefix } from './support/redis.ts';

const prefix = runPrefix();
let redis: Redis;
const stores: RedisLimiterStore[] = [];
beforeAll(async () => {
  redis = await redisForTests();
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await removeKeys(redis, prefix);
  expect(await removeKeys(redis, prefix), 'keys left behind').toBe(0);
  await redis.quit();
});

const open = async (options: { now?: () => number; gateLeaseMs?: number } = {}) => {
  const store = await openRedisLimiterStore({ client: redis, prefix, ...options });
  stores.push(store);
  return store;
};

describeLimiterStore('redis', (now) => open({ now }));

/** Two instances: each its own connection to the same Redis, and its own clock. */
async function twoInstances(nowA: () => number, nowB = nowA) {
  const stores = await Promise.all([nowA, nowB].map((now) => openRedisLimiterStore({ url: REDIS_URL, prefix, now })));
  return { stores, close: () => Promise.all(stores.map((store) => store.close())) };
}

it('shares every limit between instances: rates, once, gates', async () => {
  const time = Date.UTC(2026, 11, 7, 12, 0, 0, 1);
  const { stores: [a, b], close } = await twoInstances(() => time);
  try {
    const rule = { points: 10, windowMs: 60_000 };
    const [onA, onB] = [a!.rate('shared', rule), b!.rate('shared', rule)];
    const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? onA : onB).take('ada')));
    expect(verdicts.filter((v) => v.ok).length).toBe(10);

    const [onceA, onceB] = [a!.once('views', 60_000), b!.once('views', 60_000)];
    const firsts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? onceA : onceB).first('ada:tweet-1')));
    expect(firsts.filter(Boolean).length).toBe(1);

    const [gateA, gateB] = [a!.gate('uploads', 3), b!.gate('uploads', 3)];
    const entered = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? gateA : gateB).enter('ada')));
    expect(entered.filter(Boolean).length).toBe(3);
    // released on its own connection, so the next enter there comes after the release
    const i = entered.findIndex(Boolean);
    entered[i]!();
    expect(await (i % 2 ? gateA : gateB).enter('ada')).not.toBeNull();
  } finally {
    await close();
  }
});

it("holds N in any window across instances whose clocks differ: one behind still counts what one ahead took", async () => {
  const time = Date.UTC(2026, 11, 7, 12, 0, 0, 1);
  // B's clock 10 s behind A's: across the boundary of a 6 s slot
  const { stores: [a, b], close } = await twoInstances(() => time + 10_000, () => time);
  try {
    const rule = { points: 10, windowMs: 60_000 };
    expect((await Promise.all(Array.from({ length: 10 }, () => a!.rate('skew', rule).take('ada')))).every((v) => v.ok)).toBe(true);
    expect((await b!.rate('skew', rule).take('ada')).ok).toBe(false);
  } finally {
    await close();
  }
});

it('refuses to open on a Redis that does not answer, naming it', async () => {
  await expect(connectRedis({ url: 'redis://127.0.0.1:1/0' })).rejects.toThrow(/Redis at redis:\/\/127\.0\.0\.1:1\/0 cannot be reached/);
});

it("keeps a gate's places while their instance lives, and gives them back once it is killed and their leases end", { timeout: 60_000 }, async () => {
  const leaseMs = 3_000;
  const holder = spawn(process.execPath, ['--import', 'tsx', 'test/support/gate-holder.ts', prefix, String(leaseMs)], {
    cwd: dirname(dirname(fileURLToPath(import.meta.url))),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const closed = new Promise((resolve) => holder.on('close', resolve));
  try {
    await new Promise<void>((resolve) => createInterface({ input: holder.stdout }).once('line', () => resolve()));
    const gate = (await open({ gateLeaseMs: leaseMs })).gate('uploads', 2);
    expect(await gate.enter('ada')).toBeNull();
    // two leases later the holder has renewed its places
    await sleep(2 * leaseMs + 500);
    expect(await gate.enter('ada')).toBeNull();

    holder.kill('SIGKILL');
    await closed;
    let first: (() => void) | null = null;
    for (const killedAt = Date.now(); !first && Date.now() - killedAt < 4 * leaseMs; await sleep(100)) first = await gate.enter('ada');
    expect(first, 'a place came back').not.toBeNull();
    expect(await gate.enter('ada'), 'the other place came back').not.toBeNull();
    expect(await gate.enter('ada')).toBeNull();
  } finally {
    holder.kill('SIGKILL');
  }
});
