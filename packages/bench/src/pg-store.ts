// The PostgreSQL engine at its port against the least the database must do, in one process and one database: creates
// through openPostgresStore with a pool of the server's default size, and one durable `INSERT ... RETURNING` per create
// through a pool of the same size (postgres.js 4.2.0, synchronous_commit on), with 1, 8 and 64 callers at once.
// Without tRPC, sessions and validation in front (the same for both in the server rows above it), this is the
// engine's own cost. Beside the plain INSERT, a second baseline for a product whose tweets must be findable: the same
// INSERT with the text's to_tsvector('simple', ...) in a GIN-indexed column (what a plain PostgreSQL full-text setup
// must write), so the engine's ratio is shown against both. They take turns, `rounds` times each, so a busy moment of
// the machine falls on all; each result is the median round. An engine round ends once its trends projection, which
// follows the writes after commit, has applied them: its work is the engine's round's, not the next one's. Started by main.ts as a child (IPC: progress, done); run alone with
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> npx tsx packages/bench/src/pg-store.ts
import { performance } from 'node:perf_hooks';
import { DEFAULT_EDIT_POLICY, parseContent, systemClock, type ParsedContent } from '@tweetstore/core';
import { openPostgresStore } from '@tweetstore/store-postgres';
import postgres from 'postgres';
import { postText, prng } from './content.ts';
import { DbProbe } from './postgres.ts';
import { STORE_LEVEL_KINDS, type StoreLevelKind } from './postgres-report.ts';

export interface StoreLevelResult {
  callers: number;
  /** baseline: one INSERT; search-baseline: one INSERT with its tsvector into a GIN-indexed column */
  kind: StoreLevelKind;
  /** median of the rounds */
  opsPerSec: number;
  rounds: number[];
  /** this process's CPU per op (the engine's JavaScript, or the baseline's driver), median round */
  clientCpuUsPerOp: number;
  /** the database backends' CPU per op, median round */
  dbCpuUsPerOp: number;
}

const url = process.env.BENCH_DATABASE_URL;
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 2000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const POOL = 10; // TWEETSTORE_DATABASE_POOL's default
const CALLERS = [1, 8, 64];
const send = (m: object) => new Promise<void>((resolve) => (process.send ? process.send(m, () => resolve()) : (console.log(JSON.stringify(m)), resolve())));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  if (!url) throw new Error('BENCH_DATABASE_URL is required');
  const database = new URL(url).pathname.slice(1);
  const store = await openPostgresStore({ url, poolSize: POOL, clock: systemClock, policy: DEFAULT_EDIT_POLICY });
  const sql = postgres(url, { max: POOL, onnotice: () => {}, connection: { synchronous_commit: 'on' } });
  const probe = new DbProbe(database);
  try {
    await sql`create table if not exists bench_store_baseline (id bigint generated always as identity primary key, author_id text not null, content text not null, created_at bigint not null)`;
    await sql`create table if not exists bench_store_search_baseline (id bigint generated always as identity primary key, author_id text not null, content text not null, created_at bigint not null, terms tsvector not null)`;
    await sql`create index if not exists bench_store_search_baseline_terms on bench_store_search_baseline using gin (terms)`;
    const suffix = Date.now().toString(36);
    const authors = await Promise.all(Array.from({ length: 64 }, (_, i) => store.registerUser({ username: `store_${suffix}_${i}`, displayName: 'Store bench', passwordHash: 'not-a-login' })));
    const rand = prng(7);
    // parsed before the clock runs, as the server parses before it calls the store
    const texts: ParsedContent[] = Array.from({ length: 1024 }, (_, i) => parseContent(postText(rand, 9_000_000 + i)));
    let n = 0;
    const engine = () => store.createTweet({ authorId: authors[n % 64]!.id, text: texts[n++ % 1024]! });
    const baseline = () => sql`insert into bench_store_baseline (author_id, content, created_at) values (${authors[n % 64]!.id}, ${texts[n++ % 1024]!.content}, ${Date.now()}) returning *`;
    const searchBaseline = () => {
      const content = texts[n % 1024]!.content;
      return sql`
        insert into bench_store_search_baseline (author_id, content, created_at, terms)
        values (${authors[n++ % 64]!.id}, ${content}, ${Date.now()}, to_tsvector('simple', ${content})) returning id, author_id, content, created_at`;
    };
    const calls: Record<StoreLevelKind, () => Promise<unknown>> = { engine, baseline, 'search-baseline': searchBaseline };
    // the pools' connections opened and the plans cached before anything is timed
    for (const call of Object.values(calls)) await Promise.all(Array.from({ length: 64 }, () => call()));

    /**
     * `callers` loops calling `call` for durationMs, then `settle`: what the engine does after commit for the writes of
     * the round (its trends projection, engine/trends.ts), inside the round's time and CPU, not the next round's.
     */
    async function run(callers: number, call: () => Promise<unknown>, settle?: () => Promise<unknown>) {
      const end = await probe.start();
      const cpu = process.cpuUsage();
      const started = performance.now();
      let ops = 0;
      await Promise.all(
        Array.from({ length: callers }, async () => {
          while (performance.now() - started < durationMs) {
            await call();
            ops++;
          }
        }),
      );
      await settle?.();
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const db = await end();
      return { opsPerSec: (ops / ms) * 1000, clientCpuUsPerOp: (used.user + used.system) / ops, dbCpuUsPerOp: (db.cpuMs * 1000) / ops };
    }

    const results: StoreLevelResult[] = [];
    for (const callers of CALLERS) {
      const runs: Record<StoreLevelKind, Awaited<ReturnType<typeof run>>[]> = { engine: [], baseline: [], 'search-baseline': [] };
      for (let r = 0; r < rounds; r++) {
        // which goes first turns too
        const order = STORE_LEVEL_KINDS.map((_, i) => STORE_LEVEL_KINDS[(i + r) % STORE_LEVEL_KINDS.length]!);
        for (const kind of order) {
          // a trends read applies every event the projection has not (hashtags.ts)
          runs[kind].push(await run(callers, calls[kind], kind === 'engine' ? () => store.trendingHashtags(1) : undefined));
          await send({ type: 'progress', callers, kind, round: r + 1, rounds, opsPerSec: runs[kind].at(-1)!.opsPerSec });
        }
      }
      for (const kind of STORE_LEVEL_KINDS) {
        const mid = runs[kind].find((x) => x.opsPerSec === median(runs[kind].map((y) => y.opsPerSec)))!;
        results.push({ callers, kind, opsPerSec: mid.opsPerSec, rounds: runs[kind].map((x) => Math.round(x.opsPerSec)), clientCpuUsPerOp: mid.clientCpuUsPerOp, dbCpuUsPerOp: mid.dbCpuUsPerOp });
      }
    }
    const stats = await store.stats();
    await send({ type: 'done', results, writeBatches: stats.details.writeBatches, tweets: stats.tweets });
  } finally {
    await probe.close();
    await sql.end({ timeout: 5 });
    await store.close();
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    await send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  },
);
