// Scale measurement, not part of `npm test`: runs only with SCALE_TWEETS set. Builds a store of N tweets and M edits
// through the port (many commands in flight, so the data folder is exactly what the engine writes), then measures
// a restart in a process of its own (time to ready, event-loop stalls, RSS), a checkpoint after 100 new tweets and a
// full checkpoint (time, longest event-loop stall while writes go on).
//   SCALE_TWEETS=100000 SCALE_EDITS=200000 npx vitest run --project store test/scale.measure.test.ts
// SCALE_DIR=<folder> keeps (and on a second run reuses) the data folder. SCALE_SEED=1 fills it with `seedStore`
// (realistic text, replies, likes and retweets; SCALE_USERS users, default 10,000) instead of uniform tweets.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, parseContent, systemClock, type User } from '@tweetstore/core';
import { seedStore, type TweetStore } from '@tweetstore/store';
import { openLowdbStore, type LowdbStoreOptions } from '@tweetstore/store-lowdb';
import { watchLoop, type LoopStalls } from './loop-watch.ts';

const N = Number(process.env.SCALE_TWEETS ?? 0);
const M = Number(process.env.SCALE_EDITS ?? 2 * N);

const words = ['tweet', 'store', 'million', 'journal', '日本語', 'emoji 😀', 'checkpoint', 'lowdb', 'event', 'sourcing'];
const textFor = (i: number, v = 0) =>
  `${words[i % 10]} ${words[(i >> 3) % 10]} #tag${i % 100} number ${i} v${v} ${v > 0 ? 'edited a little' : ''} https://example.com/${i % 1000} @u${i % 50}`;

async function treeBytes(dir: string): Promise<number> {
  let sum = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) sum += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return sum;
}

/** Runs `fn`, returning its duration and the event-loop stalls seen meanwhile (ms). */
async function measured(fn: () => Promise<unknown>): Promise<{ ms: number } & LoopStalls> {
  const watch = watchLoop();
  const t0 = performance.now();
  await fn();
  const ms = Math.round(performance.now() - t0);
  return { ms, ...watch.stop() };
}

async function inBatches(total: number, batch: number, run: (i: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < total; start += batch) {
    const jobs = [];
    for (let i = start; i < Math.min(total, start + batch); i++) jobs.push(run(i));
    await Promise.all(jobs);
  }
}

/** Uniform tweets by 100 users, then edits spread over them. */
async function build(store: TweetStore): Promise<void> {
  const users: User[] = [];
  for (let i = 0; i < 100; i++) users.push(await store.registerUser({ username: `u${i}`, displayName: `User ${i}`, passwordHash: 'h' }));
  const ids: string[] = new Array(N);
  await inBatches(N, 2000, async (i) => {
    ids[i] = (await store.createTweet({ authorId: users[i % 100]!.id, text: parseContent(textFor(i)) })).id;
  });
  const versions = new Array<number>(N).fill(1);
  await inBatches(M, 2000, async (k) => {
    const i = (k * 7919) % N;
    versions[i]!++;
    await store.editTweet({ id: ids[i]!, actorId: users[i % 100]!.id, text: parseContent(textFor(i, versions[i]!)) });
  });
}

describe.runIf(N > 0)('scale measurement', () => {
  it(`${N} tweets, ${M} edits`, { timeout: 3_600_000 }, async () => {
    const dataDir = process.env.SCALE_DIR ?? (await mkdtemp(join(tmpdir(), 'tweetstore-scale-')));
    const clock = systemClock; // ids that ascend with creation, as a server's do
    // Edits without limits: the builder and the seeder edit freely.
    const policy = { ...DEFAULT_EDIT_POLICY, windowMs: 0, maxEdits: 0 };
    const open = (extra: Partial<LowdbStoreOptions> = {}) =>
      openLowdbStore({ dataDir, clock, policy, checkpointEveryEvents: 1e9, checkpointIntervalMs: 1e9, ...extra });
    const report: Record<string, unknown> = { N, M, loadavg: (await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ') };
    const existing = await readdir(join(dataDir, 'checkpoints')).catch(() => []);
    if (existing.length === 0) {
      const store = await open();
      const t0 = performance.now();
      if (process.env.SCALE_SEED) await seedStore(store, { tweets: N, edits: M, users: Number(process.env.SCALE_USERS ?? 10_000) });
      else await build(store);
      report.buildMs = Math.round(performance.now() - t0);
      report.firstCheckpoint = await measured(() => store.close()); // close writes the first checkpoint: all of it
    }
    report.diskBytes = await treeBytes(dataDir);

    // A restart as the server does it, in a fresh process.
    const probe = join(import.meta.dirname, 'scale-restart.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', probe, dataDir], { maxBuffer: 1 << 20 });
    report.restart = JSON.parse(stdout);

    // 100 new tweets, then a checkpoint (only their chunk changes).
    const author = async (store: TweetStore) => (await store.listTweets({ viewerId: null, limit: 1 })).items[0]!.author.id;
    let store = await open();
    let authorId = await author(store);
    for (let i = 0; i < 100; i++) await store.createTweet({ authorId, text: parseContent(`after restart ${i} ${Date.now()}`) });
    report.checkpointAfter100Tweets = await measured(() => store.close());

    // A full checkpoint: other chunk sizes make every file be written again (and once more back to the defaults).
    for (const [name, rows] of [['fullCheckpoint', 1000], ['fullCheckpointBack', undefined]] as const) {
      store = await open(rows === undefined ? {} : { checkpointRowsPerFile: rows });
      authorId = await author(store);
      await store.createTweet({ authorId, text: parseContent(`${name} ${Date.now()}`) });
      report[name] = await measured(() => store.close());
    }
    report.diskBytesAfter = await treeBytes(dataDir);
    console.log(JSON.stringify(report, null, 1));
    if (process.env.SCALE_DIR === undefined) await rm(dataDir, { recursive: true, force: true });
  });
});
