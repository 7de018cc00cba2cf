// What the store's heap holds per tweet, from a V8 heap snapshot, in a process of its own:
//   node --expose-gc --import tsx packages/store-lowdb/test/heap-breakdown.ts <dataDir> [--totals]
// Opens the data folder as a server does (on a copy: the folder's LOCK is taken), waits until the background reads
// of details files are done, collects garbage, writes a heap snapshot to a temporary file and sums its nodes' own
// sizes by what holds them: a tweet record's field (`.content`, `.likes`, ...), or the kind of node. A snapshot of a
// 100k-tweet store is ~150 MB and this needs ~2 GB to read it back; per-tweet figures scale to 1M (docs/storage.md).
// `--totals`: only the heap used, the memory outside it (Buffers) and RSS after the GC, with no snapshot (for 1M).
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { DEFAULT_EDIT_POLICY, systemClock } from '@tweetstore/core';
import { openLowdbStore } from '@tweetstore/store-lowdb';

const dataDir = process.argv[2];
const gc = (globalThis as { gc?: () => void }).gc;
if (!dataDir || !gc) throw new Error('usage: node --expose-gc --import tsx heap-breakdown.ts <dataDir>');

const store = await openLowdbStore({ dataDir, clock: systemClock, policy: DEFAULT_EDIT_POLICY, checkpointIntervalMs: 3_600_000, logger: { info() {}, warn() {}, error() {} } });
await store.listTweets({ viewerId: null, limit: 20 }); // waits for the timelines
const tweets = (await store.stats()).tweets;
// the details files are read one per event-loop turn after ready: a few seconds at 100k
await new Promise((resolve) => setTimeout(resolve, Math.max(5_000, tweets / 20)));
gc();
const { heapUsed, external, rss } = process.memoryUsage();
if (process.argv.includes('--totals')) {
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
  console.log(`${dataDir}: ${tweets.toLocaleString('en-US')} tweets, after GC: heap used ${mb(heapUsed)}, outside the heap ${mb(external)}, RSS ${mb(rss)}`);
  process.exit(0);
}
const file = v8.writeHeapSnapshot(path.join(os.tmpdir(), `tweetstore-heap-${process.pid}.heapsnapshot`));

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
rmSync(file);
const { node_fields: nf, edge_fields: ef, node_types, edge_types } = snap.snapshot.meta;
const [types, edgeTypes] = [node_types[0], edge_types[0]];
const { nodes: N, edges: E, strings: S } = snap;
const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f)) as [number, number, number, number];
const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f)) as [number, number, number];

// Each node is counted once, under its first strong referrer in the snapshot (roughly breadth-first from the roots):
// a plain object's property names it (`.content`); a node held by an array, a Set's table or a class instance is
// named by what holds that (`.likes › array`, `#order › object Object`), two levels up at most.
const nodeCount = N.length / nf.length;
const referrer = new Int32Array(nodeCount).fill(-1);
const via = new Array<string>(nodeCount);
const kind = (node: number) => `${types[N[node * nf.length + iType]!]}${types[N[node * nf.length + iType]!] === 'object' ? ` ${S[N[node * nf.length + iName]!]}` : ''}`;
for (let node = 0, e = 0; node < nodeCount; node++) {
  const plain = kind(node) === 'object Object';
  for (let j = 0; j < N[node * nf.length + iEdges]!; j++, e += ef.length) {
    const type = edgeTypes[E[e + eType]!];
    const to = E[e + eTo]! / nf.length;
    if (type === 'weak' || referrer[to] !== -1) continue;
    referrer[to] = node;
    via[to] = type === 'property' && (plain || S[E[e + eName]!]!.startsWith('#')) ? S[E[e + eName]!]! : '';
  }
}
const label = (node: number, depth = 0): string => {
  const name = via[node] ? `${via[node]!.startsWith('#') ? '' : '.'}${via[node]} (${kind(node)})` : kind(node);
  const parent = referrer[node]!;
  if (via[node] || parent < 0 || depth >= 2 || kind(parent) === 'object Object' || kind(parent).startsWith('synthetic')) return name;
  const up = label(parent, depth + 1);
  return up === kind(parent) ? name : `${up} › ${kind(node)}`;
};
const sums = new Map<string, { bytes: number; count: number }>();
for (let node = 0; node < nodeCount; node++) {
  const key = label(node);
  const s = sums.get(key) ?? { bytes: 0, count: 0 };
  s.bytes += N[node * nf.length + iSize]!;
  s.count++;
  sums.set(key, s);
}
const rows = [...sums].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 30);
const total = [...sums.values()].reduce((t, s) => t + s.bytes, 0);
console.log(`${dataDir}: ${tweets.toLocaleString('en-US')} tweets, heap used after GC ${(heapUsed / 2 ** 20).toFixed(0)} MB (snapshot ${(total / 2 ** 20).toFixed(0)} MB)`);
console.log('      MB     nodes   B/tweet  held as');
for (const [key, s] of rows) console.log(`${(s.bytes / 2 ** 20).toFixed(1).padStart(8)} ${String(s.count).padStart(9)} ${(s.bytes / tweets).toFixed(0).padStart(9)}  ${key}`);
process.exit(0);
