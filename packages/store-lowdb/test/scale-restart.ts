// A restart as a server does it, in a process of its own (so RSS is the store's, not the test runner's): opens the
// data folder, then watches the event loop for 10 s more (the store's background work after ready), and prints one
// JSON line. Run by scale.measure.test.ts:
//   node --import tsx packages/store-lowdb/test/scale-restart.ts <dataDir>
// It exits without closing, so the folder is left as it was (the LOCK of a dead process is taken over).
import { DEFAULT_EDIT_POLICY, systemClock } from '@tweetstore/core';
import { openLowdbStore } from '@tweetstore/store-lowdb';
import { mainThreadTimes, watchLoop } from './loop-watch.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: scale-restart.ts <dataDir>');
let stalls = watchLoop();
const phasesMs: Record<string, number> = {};
const t0 = performance.now();
const times0 = mainThreadTimes();
const at = (_: object, msg?: string) => void (phasesMs[msg ?? '?'] ??= Math.round(performance.now() - t0));
const store = await openLowdbStore({ dataDir, clock: systemClock, policy: DEFAULT_EDIT_POLICY, checkpointIntervalMs: 3_600_000, logger: { info: at, warn: at, error: at } });
const openMs = Math.round(performance.now() - t0);
const times = mainThreadTimes();
/** The main thread's own CPU time during the open, and its time waiting for a CPU other processes held. */
const openCpuMs = Math.round((times.cpuNs - times0.cpuNs) / 1e6);
const openWaitMs = Math.round((times.waitNs - times0.waitNs) / 1e6);
const sinceProcessStartMs = Math.round(performance.now());
const duringOpen = stalls.stop();
// After ready the store builds its timelines and reads the checkpoint's details files and the recent events, in
// the background; the first page waits for the timelines.
stalls = watchLoop();
const page = await store.listTweets({ viewerId: null, limit: 20 });
const firstPageMs = Math.round(performance.now() - t0) - openMs;
await new Promise((resolve) => setTimeout(resolve, 10_000));
const afterOpen = stalls.stop();
const t1 = performance.now();
const histories = await Promise.all(page.items.map((t) => store.listVersions(t.id, t.author.id)));
const historiesOf20Ms = Math.round(performance.now() - t1);
const m = process.memoryUsage();
console.log(
  JSON.stringify({
    openMs,
    openCpuMs,
    openWaitMs,
    sinceProcessStartMs,
    phasesMs,
    firstPageMs,
    duringOpen,
    afterOpen10s: afterOpen,
    rssMb: Math.round(m.rss / 2 ** 20),
    heapMb: Math.round(m.heapUsed / 2 ** 20),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    tweets: (await store.stats()).tweets,
    versions: (await store.stats()).versions,
    historiesOf20Ms,
    versionsOf20: histories.reduce((sum, h) => sum + h.length, 0),
  }),
);
process.exit(0);
