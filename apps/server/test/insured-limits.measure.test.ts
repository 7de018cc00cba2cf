// Measurement, not part of `npm test`: runs only with MEASURE_INSURED_LIMITS set, and prints what docs/scale-out.md
// quotes: what the insurance (a circuit breaker and a timeout around each call) costs a take on the Redis store, and
// a take while Redis is dead (answered by memory through the open circuit).
//   MEASURE_INSURED_LIMITS=1 npx vitest run --project server test/insured-limits.measure.test.ts
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { insuredLimiterStore, memoryLimiterStore, type RateLimiter } from '@tweetstore/api';
import { openRedisLimiterStore } from '@tweetstore/store-postgres';
import { ownRedis } from './redis-server.ts';

const log = { warn() {}, info() {} };
const rule = { points: 1_000_000_000, windowMs: 5 * 60_000 };

async function measure(label: string, limiter: RateLimiter): Promise<void> {
  for (let i = 0; i < 200; i++) await limiter.take(`warm-${i}`);
  const n = 20_000;
  let next = 0;
  let allowed = 0;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const [cpu0, t0] = [process.cpuUsage(), performance.now()];
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < n) if ((await limiter.take(`key-${next++ % 1000}`)).ok) allowed++;
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  delay.disable();
  expect(allowed).toBe(n);
  console.log(`${label}: ${(n / seconds).toFixed(0)} takes/s (100 at once), this process ${((cpu.user + cpu.system) / n).toFixed(1)} us/take, longest event-loop delay ${(delay.max / 1e6).toFixed(1)} ms`);
}

describe.runIf(process.env.MEASURE_INSURED_LIMITS)('insured limits measurement', () => {
  it('a take on Redis, plain and insured, and insured while Redis is dead', { timeout: 300_000 }, async () => {
    const redis = await ownRedis();
    const client = await redis.client();
    try {
      const open = () => openRedisLimiterStore({ client });
      for (let round = 1; round <= 2; round++) {
        await measure(`round ${round}, Redis store`, (await open()).rate('plain', rule));
        await measure(`round ${round}, insured Redis store`, insuredLimiterStore(await open(), memoryLimiterStore(), { sharedName: 'Redis', log }).rate('insured', rule));
        await measure(`round ${round}, memory store`, memoryLimiterStore().rate('memory', rule));
      }
      const insured = insuredLimiterStore(await open(), memoryLimiterStore(), { sharedName: 'Redis', log });
      await redis.kill();
      await measure('insured Redis store, Redis dead (memory behind an open circuit)', insured.rate('dead', rule));
    } finally {
      client.disconnect();
      await redis.kill();
    }
  });
});
