// Measurement, not part of `npm test`: runs only with MEASURE_POSTGRES set, and prints what docs/scale-out.md quotes.
//   MEASURE_POSTGRES=1 npx vitest run --project store-postgres test/hot.measure.test.ts
// Gets per second of a hot set of 100 tweets (10 viewers, 16 callers at once) through one openPostgresStore, with hot
// tweets in memory (a committed head in Redis) and without, and what each get costs: this process's CPU, the
// database backends' CPU (/proc of the test database's backends) and transactions (pg_stat_database).
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, parseContent, systemClock } from '@tweetstore/core';
import postgres from 'postgres';
import { openPostgresStore, type PostgresStoreOptions } from '../src/index.ts';
import { databaseAndRedis } from './support/database-and-redis.ts';

const shared = databaseAndRedis();
const GETS = 20_000;
const CALLERS = 16;

/** CPU ms of a process (utime + stime, 100 ticks a second), or 0 once it is gone. */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

async function databaseSample(probe: postgres.Sql, name: string): Promise<{ cpu: Map<number, number>; xacts: number }> {
  await probe`select pg_stat_clear_snapshot()`;
  const backends = await probe<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
  const [db] = await probe<{ xacts: string }[]>`select (xact_commit + xact_rollback)::text xacts from pg_stat_database where datname = ${name}`;
  return { cpu: new Map(backends.map(({ pid }) => [pid, cpuMsOf(pid)])), xacts: Number(db!.xacts) };
}

/** Redis's CPU ms so far (INFO cpu; the machine's Redis, which other work may use too). */
async function redisCpuMs(redis: typeof shared.redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

describe.runIf(process.env.MEASURE_POSTGRES)('hot tweets measurement', () => {
  it('gets per second of 100 hot tweets, with the cache and without', { timeout: 600_000 }, async () => {
    const rows: string[] = [];
    const probe = postgres(shared.db.url, { max: 1, onnotice: () => {} });
    for (const round of [1, 2]) {
      for (const hot of [false, true]) {
        const schema = `m_${round}_${hot ? 'hot' : 'cold'}`;
        const extra: Partial<PostgresStoreOptions> = hot ? { hot: { redis: shared.redis, prefix: `${shared.prefix}${schema}:` } } : {};
        const store = await openPostgresStore({ url: shared.db.url, schema, clock: systemClock, policy: DEFAULT_EDIT_POLICY, ...extra });
        const [author, ...viewers] = await Promise.all(Array.from({ length: 11 }, (_, i) => store.registerUser({ username: `u_${i}`, displayName: 'U', passwordHash: 'h' })));
        const tweets = await Promise.all(Array.from({ length: 100 }, (_, i) => store.createTweet({ authorId: author!.id, text: parseContent(`hot tweet ${i} #hot`) })));
        await Promise.all(tweets.flatMap((t, i) => viewers.slice(0, i % 10).map((v) => store.engage({ id: t.id, userId: v.id, action: 'like' }))));
        const get = (i: number) => store.getTweet(tweets[i % 100]!.id, viewers[(i * 7) % 10]!.id);
        for (let i = 0; i < 1_000; i++) await get(i); // warm: every tweet read, kept when the cache is on
        await sleep(1_500); // the backends' statistics of the warm-up reported
        const before = await databaseSample(probe, shared.db.name);
        const ours = process.cpuUsage();
        const redisBefore = await redisCpuMs(shared.redis);
        const loop = monitorEventLoopDelay({ resolution: 1 });
        loop.enable();
        let next = 0;
        const start = performance.now();
        await Promise.all(Array.from({ length: CALLERS }, async () => {
          while (next < GETS) await get(next++);
        }));
        const seconds = (performance.now() - start) / 1000;
        loop.disable();
        const used = process.cpuUsage(ours);
        const redisMs = (await redisCpuMs(shared.redis)) - redisBefore;
        await sleep(1_500);
        const after = await databaseSample(probe, shared.db.name);
        let dbMs = 0;
        for (const [pid, ms] of after.cpu) dbMs += ms - (before.cpu.get(pid) ?? 0);
        const d = (await store.stats()).details;
        rows.push(
          `| ${hot ? 'on' : 'off'} | ${Math.round(GETS / seconds).toLocaleString('en')} | ${Math.round(((used.user + used.system) / GETS))} | ` +
            `${Math.round((dbMs * 1000) / GETS)} | ${Math.round((redisMs * 1000) / GETS)} | ${((after.xacts - before.xacts) / GETS).toFixed(3)} | ${(loop.max / 1e6).toFixed(1)} | ` +
            `${hot ? `${d.cacheHits} / ${d.cacheMisses} / ${d.cacheFallbacks}` : ''} |`,
        );
        await store.close();
      }
    }
    await probe.end();
    console.log(
      ['| cache | gets/s | our CPU µs/get | db CPU µs/get | Redis CPU µs/get | db xacts/get | longest event-loop delay ms | hits / misses / fallbacks |', '| --- | --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n'),
    );
  });
});
