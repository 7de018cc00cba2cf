// Search at scale, in a process of its own (so RSS is the store's): opens a data folder as a server does, waits for
// its background work (timelines, details files, the search index when its checkpoint has none), collects garbage and
// prints the memory, then times searches of each kind, one after another, and the trends. Not part of `npm test`:
//   node --expose-gc --import tsx packages/store-lowdb/test/search-measure.ts <dataDir> [--engine <src>] [--memory-only]
// `--engine`: the engine's source folder to open it with (another commit's, for a comparison); `--memory-only`: no
// searches (an engine without them). It exits without closing, so the folder is left as it was (its LOCK is taken over).
import { join } from 'node:path';
import { DEFAULT_EDIT_POLICY, systemClock } from '@tweetstore/core';
import { parseSearchQuery, type TweetStore } from '@tweetstore/store';
import { mainThreadTimes, watchLoop } from './loop-watch.ts';

const dataDir = process.argv[2];
const flag = (name: string) => process.argv.indexOf(name);
const engine = flag('--engine') > 0 ? process.argv[flag('--engine') + 1]! : undefined;
const gc = (globalThis as { gc?: () => void }).gc;
if (!dataDir || !gc) throw new Error('usage: node --expose-gc --import tsx search-measure.ts <dataDir> [--engine <src>] [--memory-only]');
const { openLowdbStore } = (await import(engine ? join(engine, 'index.ts') : '@tweetstore/store-lowdb')) as typeof import('@tweetstore/store-lowdb');

const logged: Record<string, unknown> = {};
const log = (obj: object, msg?: string) => void (logged[msg ?? '?'] = obj);
const t0 = performance.now();
const cpu0 = mainThreadTimes().cpuNs;
const stalls = watchLoop();
const store: TweetStore = await openLowdbStore({ dataDir, clock: systemClock, policy: DEFAULT_EDIT_POLICY, checkpointIntervalMs: 3_600_000, logger: { info: log, warn: log, error: log } });
const report: Record<string, unknown> = { openMs: Math.round(performance.now() - t0), openCpuMs: Math.round((mainThreadTimes().cpuNs - cpu0) / 1e6) };
await store.listTweets({ viewerId: null, limit: 20 }); // the timelines
const stats = () => store.stats();
const tweets = (await stats()).tweets;
while (((await stats()).details.searchIndexed ?? tweets) < tweets) await new Promise((resolve) => setTimeout(resolve, 100));
report.readyForSearchMs = Math.round(performance.now() - t0);
await new Promise((resolve) => setTimeout(resolve, Math.max(5_000, tweets / 100))); // the details files, read in the background
report.backgroundStalls = stalls.stop();
report.searchIndexBuilt = logged['search index built'] ?? null;
gc();
const mb = (n: number) => Math.round(n / 2 ** 20);
const memory = process.memoryUsage();
Object.assign(report, { tweets, heapMb: mb(memory.heapUsed), externalMb: mb(memory.external), rssMb: mb(memory.rss), details: (await stats()).details });

if (flag('--memory-only') < 0) {
  const queries: Record<string, string> = {
    oneWord: 'coffee',
    twoWords: 'coffee release',
    hashtag: '#tweetstore',
    phrase: '"great idea"',
    prefix: 'coffee rel',
    prefixAlone: 'rel',
    rarePhrase: '"music book"',
    excluded: 'coffee -the -a',
  };
  const RUNS = 100;
  const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const timed = async (run: () => Promise<unknown>) => {
    const ms: number[] = [];
    const watch = watchLoop();
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await run();
      ms.push(performance.now() - start);
      await new Promise(setImmediate); // as requests arriving apart: the loop's longest turn is one search's
    }
    const loop = watch.stop();
    ms.sort((a, b) => a - b);
    return { p50: +percentile(ms, 0.5).toFixed(2), p99: +percentile(ms, 0.99).toFixed(2), max: +ms.at(-1)!.toFixed(2), loopMaxBusyMs: loop.maxBusyMs };
  };
  const searches: Record<string, unknown> = {};
  for (const [name, q] of Object.entries(queries)) {
    const query = parseSearchQuery(q);
    const first = await store.searchTweets({ viewerId: null, query, sort: 'latest', limit: 20 });
    searches[name] = {
      q,
      found: first.items.length,
      latest: await timed(() => store.searchTweets({ viewerId: null, query, sort: 'latest', limit: 20 })),
      top: await timed(() => store.searchTweets({ viewerId: null, query, sort: 'top', limit: 20 })),
    };
  }
  report.searches = searches;
  const cpu = mainThreadTimes().cpuNs;
  const TRENDS = 1_000;
  for (let i = 0; i < TRENDS; i++) await store.trendingHashtags(10);
  report.trendsCpuMsPerCall = +((mainThreadTimes().cpuNs - cpu) / 1e6 / TRENDS).toFixed(3);
  report.trends = (await store.trendingHashtags(10)).slice(0, 3);
}
report.loadavg = (await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(JSON.stringify(report));
process.exit(0);
