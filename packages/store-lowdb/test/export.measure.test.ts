// Export measurement, not part of `npm test`: runs only with EXPORT_TWEETS set. Seeds a data folder (seedStore: N
// tweets, N/2 edits, N/100 users, likes and retweets), then exports it to an NDJSON file as `tweetstore migrate`
// will, reads the file back through the import's checks, and verifies the folder against itself through the port:
// times, the longest event-loop stall (loop-watch.ts) and the most heap in use during each.
//   EXPORT_TWEETS=100000 npx vitest run --project store-lowdb test/export.measure.test.ts
// EXPORT_DIR=<folder> keeps (and on a second run reuses) the data folder.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { systemClock } from '@tweetstore/core';
import { dumpLines, readDump, seedStore, verifyCopy } from '@tweetstore/store';
import { exportLowdbStore, openLowdbStore } from '@tweetstore/store-lowdb';
import { watchLoop } from './loop-watch.ts';

const N = Number(process.env.EXPORT_TWEETS ?? 0);

/** Runs `fn` with the event loop watched and the heap sampled every 50 ms. */
async function measured<T>(fn: () => Promise<T>): Promise<{ ms: number; maxStallMs: number; maxBusyMs: number; maxHeapMiB: number; result: T }> {
  let maxHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => (maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed)), 50);
  const watch = watchLoop();
  const t0 = performance.now();
  try {
    const result = await fn();
    return { ms: Math.round(performance.now() - t0), ...watch.stop(), maxHeapMiB: Math.round(maxHeap / 2 ** 20), result };
  } finally {
    clearInterval(sampler);
  }
}

describe.runIf(N > 0)('export measurement', () => {
  it(`${N} tweets`, { timeout: 3_600_000 }, async () => {
    const dataDir = process.env.EXPORT_DIR ?? (await mkdtemp(join(tmpdir(), 'tweetstore-export-measure-')));
    const options = { dataDir, clock: systemClock, policy: { windowMs: 0, maxEdits: 0 } };
    const report: Record<string, unknown> = { N, loadavg: (await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ') };
    if ((await readdir(join(dataDir, 'checkpoints')).catch(() => [])).length === 0) {
      const store = await openLowdbStore(options);
      const t0 = performance.now();
      await seedStore(store, { tweets: N, edits: N / 2, users: Math.max(10, N / 100) });
      report.seedMs = Math.round(performance.now() - t0);
      await store.close();
    }
    global.gc?.();
    report.heapBeforeMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
    const file = join(dataDir, '..', `${dataDir.split('/').at(-1)}.ndjson`);
    const exported = await measured(() => pipeline(Readable.from(dumpLines(exportLowdbStore(dataDir))), createWriteStream(file)));
    const bytes = (await stat(file)).size;
    report.export = { ...exported, result: undefined, fileMiB: +(bytes / 2 ** 20).toFixed(1), tweetsPerS: Math.round(N / (exported.ms / 1000)) };
    const read = await measured(async () => {
      let n = 0;
      for await (const _ of readDump(createInterface({ input: createReadStream(file), crlfDelay: Infinity }))) n++;
      return n;
    });
    report.readBack = { ...read, result: undefined, records: read.result };
    const store = await openLowdbStore(options);
    try {
      const verified = await measured(() => verifyCopy(store, store, readDump(createInterface({ input: createReadStream(file), crlfDelay: Infinity }))));
      report.verifyItself = { ...verified, result: undefined, checked: verified.result.checked };
      expect(verified.result.differences).toEqual([]);
    } finally {
      await store.close();
    }
    console.log(JSON.stringify(report, null, 1));
    await rm(file, { force: true });
    if (process.env.EXPORT_DIR === undefined) await rm(dataDir, { recursive: true, force: true });
  });
});
