// The instances' board in the real Redis: what one instance publishes, every other instance lists; an instance that
// stops publishing drops off; Redis's own figures are read for the dashboard.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceFigures } from '@tweetstore/api';
import { redisInstanceBoard } from '../src/index.ts';
import { redisForTests, removeKeys, runPrefix } from './support/redis.ts';

let client: Redis;
const prefix = runPrefix();
beforeAll(async () => {
  client = await redisForTests();
});
afterAll(async () => {
  await removeKeys(client, prefix);
  await client.quit();
});

function figures(id: string, requestsPerSecond: number): InstanceFigures {
  return {
    id,
    startedAt: Date.now() - 60_000,
    at: Date.now(),
    requestsPerSecond,
    errorRate: 0,
    p99Ms: 1.5,
    eventLoopDelayP99Ms: 0.4,
    rssBytes: 100_000_000,
    webSockets: 2,
    subscriptions: 3,
    headSeq: 42,
    details: { poolSize: 10 },
  };
}

describe('redis instance board', () => {
  it('lists every instance that published, on every instance, by id', async () => {
    const a = redisInstanceBoard({ client, self: 'b-instance', prefix: `${prefix}list:` });
    const b = redisInstanceBoard({ client, self: 'a-instance', prefix: `${prefix}list:` });
    expect(await a.list()).toEqual([]);
    await a.publish(figures('b-instance', 7));
    const published = figures('a-instance', 3);
    await b.publish(published);
    await a.publish(figures('b-instance', 9)); // replaces its own
    for (const board of [a, b]) {
      const listed = await board.list();
      expect(listed.map((f) => [f.id, f.requestsPerSecond])).toEqual([
        ['a-instance', 3],
        ['b-instance', 9],
      ]);
      expect(listed[0]).toEqual(published); // every figure, as published
    }
  });

  it('drops an instance that stopped publishing once its figures are stale, and one that closed at once', async () => {
    const p = `${prefix}stale:`;
    const stopped = redisInstanceBoard({ client, self: 'stopped', prefix: p, staleMs: 300 });
    const closing = redisInstanceBoard({ client, self: 'closing', prefix: p, staleMs: 60_000 });
    const running = redisInstanceBoard({ client, self: 'running', prefix: p, staleMs: 60_000 });
    await stopped.publish(figures('stopped', 1));
    await closing.publish(figures('closing', 1));
    await running.publish(figures('running', 1));
    expect((await running.list()).map((f) => f.id)).toEqual(['closing', 'running', 'stopped']);
    await closing.close();
    expect((await running.list()).map((f) => f.id)).toEqual(['running', 'stopped']);
    await sleep(700); // well past the stopped one's 300 ms
    expect((await running.list()).map((f) => f.id)).toEqual(['running']);
  });

  it("gives Redis's own figures as the shared ones", async () => {
    const board = redisInstanceBoard({ client, self: 'x', prefix: `${prefix}shared:` });
    const shared = await board.shared();
    expect(shared.redisUsedMemoryBytes).toBeGreaterThan(0);
    expect(shared.redisConnectedClients).toBeGreaterThanOrEqual(1);
    expect(shared.redisUptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(Object.keys(shared).sort()).toEqual(['redisCommandsPerSecond', 'redisConnectedClients', 'redisUptimeSeconds', 'redisUsedMemoryBytes']);
  });
});
