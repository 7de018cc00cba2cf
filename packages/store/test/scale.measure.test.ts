// Scale measurement, not part of `npm test`: runs only with SCALE_TWEETS set. Builds a store of N tweets and M edits
// through the port (many commands in flight, so the data folder is exactly what the engine writes), then measures
// the checkpoint (time, longest event-loop stall), restart to ready, and RSS after GC.
//   SCALE_TWEETS=100000 SCALE_EDITS=200000 npx vitest run --project store test/scale.measure.test.ts
// SCALE_DIR=<folder> keeps (and on a second run reuses) the data folder.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, manualClock, parseContent, type User } from '@tweetstore/core';
import { openLowdbStore, type TweetStore } from '@tweetstore/store';

const N = Number(process.env.SCALE_TWEETS ?? 0);
const M = Number(process.env.SCALE_EDITS ?? 2 * N);
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

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

/** Runs `fn`, returning its duration and the longest event-loop stall seen meanwhile (ms). */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; maxStallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  h.disable();
  return { value, ms: Math.round(ms), maxStallMs: Math.round(h.max / 1e6) };
}

const rssMb = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rssMb: Math.round(m.rss / 2 ** 20), heapMb: Math.round(m.heapUsed / 2 ** 20) };
};

async function inBatches(total: number, batch: number, run: (i: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < total; start += batch) {
    const jobs = [];
    for (let i = start; i < Math.min(total, start + batch); i++) jobs.push(run(i));
    await Promise.all(jobs);
  }
}

describe.runIf(N > 0)('scale measurement', () => {
  it(`${N} tweets, ${M} edits`, { timeout: 3_600_000 }, async () => {
    const dataDir = process.env.SCALE_DIR ?? (await mkdtemp(join(tmpdir(), 'tweetstore-scale-')));
    const clock = manualClock();
    const policy = { ...DEFAULT_EDIT_POLICY, maxEdits: 1000 };
    const open = (extra = {}) => openLowdbStore({ dataDir, clock, policy, checkpointEveryEvents: 1e9, checkpointIntervalMs: 1e9, ...extra });
    const report: Record<string, unknown> = { N, M };
    let store: TweetStore;
    const existing = await readdir(join(dataDir, 'checkpoints')).catch(() => []);
    if (existing.length === 0) {
      store = await open();
      const t0 = performance.now();
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
      report.buildMs = Math.round(performance.now() - t0);
      report.built = rssMb();
      const first = await measured(() => store.close()); // close writes the first checkpoint
      report.firstCheckpoint = { ms: first.ms, maxStallMs: first.maxStallMs };
    }
    report.diskBytes = await treeBytes(dataDir);
    const t0 = performance.now();
    const phases: Record<string, number> = {};
    const at = (_: object, msg?: string) => void (phases[msg ?? '?'] = Math.round(performance.now() - t0));
    const restart = await measured(() => open({ logger: { info: at, warn: at, error: at } }));
    report.restartPhasesMs = phases;
    store = restart.value;
    report.restart = { ms: restart.ms, maxStallMs: restart.maxStallMs, ...rssMb() };
    // A few writes, then a second checkpoint: the incremental case.
    const author = (await store.findCredentials('u1'))!.user;
    for (let i = 0; i < 100; i++) await store.createTweet({ authorId: author.id, text: parseContent(`after restart ${i} ${Date.now()}`) });
    const again = await measured(async () => {
      // Writes keep going while the checkpoint is written: the stall is what a request would wait.
      let writes = 0;
      let closed = false;
      const closing = store.close().then(() => (closed = true));
      while (!closed && writes < 1000) {
        await new Promise((r) => setImmediate(r));
        writes++;
      }
      await closing;
    });
    report.secondCheckpoint = { ms: again.ms, maxStallMs: again.maxStallMs };
    report.diskBytesAfter = await treeBytes(dataDir);
    console.log(JSON.stringify(report, null, 1));
    if (process.env.SCALE_DIR === undefined) await rm(dataDir, { recursive: true, force: true });
  });
});
