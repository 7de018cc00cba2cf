// Measurement, not part of `npm test`: runs only with MEASURE_SHARED_SERVICES set, and prints what docs/scale-out.md
// quotes.
//   MEASURE_SHARED_SERVICES=1 npx vitest run --project store-postgres test/shared-services.measure.test.ts
// - limits: 20,000 takes, 100 at once, on the Redis store and on the memory store: takes/s, this process's and
//   Redis's CPU per take, Redis commands per take; and one take at a time (p50);
// - media: a 100 MiB put and whole read on s3rver in a process of its own (time, longest event-loop gap), and
//   `GET /media`'s stat + a 64 KiB range read (p50).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { memoryLimiterStore, type RateLimiter } from '@tweetstore/api';
import { sha256Hex } from '@tweetstore/core';
import { openRedisLimiterStore, openS3BlobStore } from '../src/index.ts';
import { redisForTests, removeKeys, runPrefix } from './support/redis.ts';
import { S3RVER_CREDENTIALS } from './support/s3rver.ts';

const p50 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(3);

describe.runIf(process.env.MEASURE_SHARED_SERVICES)('shared services measurement', () => {
  it('limits: a take on Redis against one in memory', { timeout: 300_000 }, async () => {
    const redis = await redisForTests();
    const prefix = runPrefix();
    const store = await openRedisLimiterStore({ client: redis, prefix });
    const redisCpu = async () => {
      const info = await redis.info('cpu');
      return (Number(/used_cpu_user:([\d.]+)/.exec(info)![1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)![1])) * 1e6;
    };
    const commands = async () => {
      const info = await redis.info('commandstats');
      return [...info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)].reduce((sum, [, name, calls]) => sum + (name === 'info' ? 0 : Number(calls)), 0);
    };
    const rule = { points: 1_000_000_000, windowMs: 5 * 60_000 };
    const measure = async (label: string, limiter: RateLimiter, onRedis: boolean) => {
      for (let i = 0; i < 200; i++) await limiter.take(`warm-${i}`);
      const n = 20_000;
      let next = 0;
      const [cpu0, redis0, commands0, t0] = [process.cpuUsage(), onRedis ? await redisCpu() : 0, onRedis ? await commands() : 0, performance.now()];
      await Promise.all(Array.from({ length: 100 }, async () => {
        while (next < n) await limiter.take(`key-${next++ % 1000}`);
      }));
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const [redisUs, commandCount] = onRedis ? [(await redisCpu()) - redis0, (await commands()) - commands0] : [0, 0];
      const alone: number[] = [];
      for (let i = 0; i < 2_000; i++) {
        const t = performance.now();
        await limiter.take(`alone-${i % 50}`);
        alone.push(performance.now() - t);
      }
      console.log(
        `${label}: ${(n / seconds).toFixed(0)} takes/s (100 at once); this process ${((cpu.user + cpu.system) / n).toFixed(1)} us/take` +
          (onRedis ? `, Redis ${(redisUs / n).toFixed(1)} us/take, ${(commandCount / n).toFixed(1)} commands/take` : '') +
          `; one at a time p50 ${p50(alone)} ms`,
      );
    };
    await measure('redis', store.rate('calls', rule), true);
    await measure('memory', memoryLimiterStore().rate('calls', rule), false);
    const pings: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const t = performance.now();
      await redis.ping();
      pings.push(performance.now() - t);
    }
    console.log(`a PING alone: p50 ${p50(pings)} ms`);
    await store.close();
    await removeKeys(redis, prefix);
    await redis.quit();
  });

  it('media: 100 MiB through S3 (s3rver in its own process)', { timeout: 300_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tweetstore-s3-measure-'));
    const server = spawn(process.execPath, ['--import', 'tsx', 'test/support/s3rver-process.ts', dir], {
      cwd: dirname(dirname(fileURLToPath(import.meta.url))),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const endpoint = await new Promise<string>((resolve) => createInterface({ input: server.stdout }).once('line', (line) => resolve(line.replace('listening ', ''))));
      const blobs = await openS3BlobStore({ endpoint, bucket: 'tweetstore-measure', credentials: S3RVER_CREDENTIALS });
      const bytes = new Uint8Array(100 * 1024 * 1024).map((_, i) => (i * 7) & 255);
      const key = { mediaId: sha256Hex(bytes.subarray(0, 1024)), name: 'original' };
      for (let round = 1; round <= 2; round++) {
        const timed = async (work: () => Promise<unknown>) => {
          const loop = monitorEventLoopDelay({ resolution: 1 });
          loop.enable();
          const t = performance.now();
          await work();
          loop.disable();
          return `${(performance.now() - t).toFixed(0)} ms, event loop held at most ${(loop.max / 1e6).toFixed(1)} ms`;
        };
        const put = await timed(() => blobs.put(key, bytes));
        const read = await timed(async () => {
          for await (const _chunk of (await blobs.read(key))!);
        });
        const served: number[] = [];
        for (let i = 0; i < 50; i++) {
          const t = performance.now();
          await blobs.stat(key);
          for await (const _chunk of (await blobs.read(key, { start: 0, end: 65_535 }))!);
          served.push(performance.now() - t);
        }
        console.log(`round ${round}: put 100 MiB ${put}; whole read ${read}; stat + 64 KiB range read p50 ${p50(served)} ms`);
      }
      await blobs.close();
    } finally {
      server.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
