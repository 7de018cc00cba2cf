// The printed table, the target checks of issue 4 point 2, and the JSON written next to them.
import type { FanoutStats } from './fanout.ts';

export interface RowResult {
  n: number;
  /** raw | noop-trpc | json-server | lowdb-naive | tweetstore | postgres-1 | postgres-2 | pg-baseline | pg-fts | linear-scan */
  target: string;
  scenario: string;
  /** sql: the generator queries PostgreSQL itself (pg-fts) */
  transport: 'http' | 'ws' | 'sql';
  /** e.g. "c64" (closed, 64 connections), "32x2" (closed, sockets x in flight), "open 1000/s" */
  load: string;
  /** nominal data size of the row (stored tweets / posts), null for the stateless baselines */
  size: number | null;
  /** what the server actually held when the row started (tweetstore: system.stats; baselines: the file) */
  stored: number | null;
  opsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  errorSamples: string[];
  /** the server's largest event-loop delay during the measured window (probe, see probe.ts) */
  loopMaxMs: number | null;
  /** the server's largest RSS during the window (/proc/<pid>/status VmRSS, sampled every 250 ms) */
  rssMaxBytes: number | null;
  /** the server's CPU time (user + system, /proc/<pid>/stat) in the window per op (fan-out: per delivery), µs;
   * unlike ops/s, it hardly moves when other processes share the cores */
  serverCpuUsPerOp: number | null;
  /** server processes under test (PostgreSQL rows: 1 or 2 instances on one database); CPU is their sum */
  instances?: number;
  /** PostgreSQL rows: CPU time of the database's backends in the window per op, µs (postgres.ts DbProbe) */
  dbCpuUsPerOp?: number | null;
  /** PostgreSQL rows: the database's transactions in the window per op (pg_stat_database, about) */
  dbXactsPerOp?: number | null;
  /** ops/s divided by the no-op tRPC mutation's ops/s over the same transport in this run */
  ratio: number | null;
  durationMs: number;
  scheduled?: number;
  sendLagMaxMs?: number;
  /** the row's warm-up (not measured): how long, and what it gave */
  warmup?: { ms: number; opsPerSec: number; p99Ms: number };
  /** fan-out rows: one step of the ladder (ops/s = deliveries/s, latencies = delivery latency) */
  fanout?: FanoutStats;
  /** search rows: the query, and its first page as the target answered it just before the row */
  search?: SearchFacts;
}

export interface SearchFacts {
  q: string;
  /** ids of the first page, newest first */
  firstPage: string[];
  /** tweets it matches, counted up to `counted` (null: not counted) */
  matches: number | null;
  counted?: number;
  /** linear-scan: texts read to fill the first page */
  scanned?: number;
  /** how long the first page took to come (a slow row's window holds several calls as long) */
  firstPageMs?: number;
}

export interface Check {
  name: string;
  status: 'PASS' | 'FAIL' | 'n/a' | 'info';
  detail: string;
}

const fmtInt = (v: number) => Math.round(v).toLocaleString('en-US');
/** ops/s: whole numbers, and one decimal below 10 (a linear scan's phrase, a naive write: 0.2 is not 0) */
export const fmtOps = (v: number) => (v > 0 && v < 10 ? v.toFixed(1) : fmtInt(v));
const fmtMs = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
export const fmtSize = (v: number | null) => (v === null ? '-' : v >= 1_000_000 && v % 1_000_000 === 0 ? `${v / 1_000_000}M` : v >= 1000 && v % 1000 === 0 ? `${v / 1000}k` : fmtInt(v));

export function table(rows: RowResult[]): string {
  const head = ['#', 'target', 'scenario', 'tr', 'load', 'size', 'stored', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'loop max ms', 'RSS MB', '× noop'];
  const body = rows.map((r) => [
    String(r.n),
    r.target,
    r.scenario,
    r.transport,
    r.load,
    fmtSize(r.size),
    r.stored === null ? '-' : fmtInt(r.stored),
    fmtOps(r.opsPerSec),
    fmtMs(r.p50Ms),
    fmtMs(r.p95Ms),
    fmtMs(r.p99Ms),
    String(r.errors),
    // no server (pg-fts): nothing to read
    r.instances === 0 ? '-' : r.loopMaxMs === null ? '?' : fmtMs(r.loopMaxMs),
    r.instances === 0 ? '-' : r.rssMaxBytes === null ? '?' : String(Math.round(r.rssMaxBytes / 1048576)),
    r.ratio === null ? '-' : r.ratio >= 10 ? r.ratio.toFixed(1) : r.ratio >= 0.01 ? r.ratio.toFixed(2) : r.ratio.toExponential(1),
  ]);
  const right = new Set([0, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  return textTable(head, body, (i) => !right.has(i)).join('\n');
}

/** A text table's lines: the head, a rule, the rows; the columns `left` says aligned left, the others right. */
export function textTable(head: string[], body: string[][], left: (column: number) => boolean): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

export function checks(rows: RowResult[], refSize: number, big: { size: number; edits: number } | null, startMsAt: Map<number, number>): Check[] {
  const find = (target: string, scenario: string, transport: string, size: number | null, load?: (l: string) => boolean) =>
    rows.find((r) => r.target === target && r.scenario === scenario && r.transport === transport && r.size === size && (!load || load(r.load)));
  const closed = (l: string) => !l.startsWith('open');
  const out: Check[] = [];
  const ratioCheck = (transport: 'ws' | 'http', min: number) => {
    const r = find('tweetstore', 'create', transport, refSize, closed);
    const noop = find('noop-trpc', 'noop', transport, null);
    out.push(
      r && noop && r.ratio !== null
        ? { name: `durable create over ${transport} at ${fmtSize(refSize)} ≥ ${min}× no-op tRPC ${transport}`, status: r.ratio >= min ? 'PASS' : 'FAIL', detail: `${fmtInt(r.opsPerSec)} / ${fmtInt(noop.opsPerSec)} ops/s = ${r.ratio.toFixed(2)}×` }
        : { name: `durable create over ${transport} at ${fmtSize(refSize)} ≥ ${min}× no-op tRPC ${transport}`, status: 'n/a', detail: 'row not run' },
    );
  };
  ratioCheck('ws', 0.5);
  ratioCheck('http', 0.8);
  const js = find('json-server', 'create', 'http', refSize);
  for (const transport of ['ws', 'http'] as const) {
    const r = find('tweetstore', 'create', transport, refSize, closed);
    const name = `durable create over ${transport} ≥ 100× json-server create (both at ${fmtSize(refSize)})`;
    if (!r || !js) out.push({ name, status: 'n/a', detail: 'row not run' });
    else if (js.opsPerSec === 0) out.push({ name, status: r.opsPerSec > 0 ? 'PASS' : 'FAIL', detail: `json-server completed no create in the window; tweetstore ${fmtInt(r.opsPerSec)} ops/s` });
    else out.push({ name, status: r.opsPerSec / js.opsPerSec >= 100 ? 'PASS' : 'FAIL', detail: `${fmtInt(r.opsPerSec)} / ${js.opsPerSec.toFixed(1)} ops/s = ${(r.opsPerSec / js.opsPerSec).toFixed(0)}×` });
  }
  for (const transport of ['ws', 'http'] as const) {
    const r = rows.find((x) => x.target === 'tweetstore' && x.scenario === 'create' && x.transport === transport && x.load === 'open 1000/s');
    const name = `fixed 1,000 creates/s over ${transport} (open loop, at ${r ? fmtSize(r.size) : '?'}): p99 ≤ 10 ms`;
    out.push(
      r
        ? { name, status: r.p99Ms <= 10 && r.errors === 0 && r.opsPerSec > 950 ? 'PASS' : 'FAIL', detail: `p99 ${fmtMs(r.p99Ms)} ms, ${fmtInt(r.opsPerSec)} ops/s, ${r.errors} errors` }
        : { name, status: 'n/a', detail: 'row not run' },
    );
  }
  out.push(...fanoutChecks(rows));
  const ts = rows.filter((r) => r.target === 'tweetstore' && r.loopMaxMs !== null);
  if (ts.length) {
    const worst = ts.reduce((a, b) => ((b.loopMaxMs ?? 0) > (a.loopMaxMs ?? 0) ? b : a));
    out.push({ name: 'no event-loop stall over 50 ms in any tweetstore row', status: (worst.loopMaxMs ?? 0) <= 50 ? 'PASS' : 'FAIL', detail: `worst ${fmtMs(worst.loopMaxMs ?? 0)} ms in row ${worst.n} (${worst.scenario} ${worst.transport} at ${fmtSize(worst.size)})` });
  }
  if (big !== null) {
    const bigRows = ts.filter((r) => r.size === big.size && r.rssMaxBytes !== null);
    const rss = Math.max(0, ...bigRows.map((r) => r.rssMaxBytes!));
    const stored = `${fmtSize(big.size)} tweets ${big.edits ? `and ${fmtSize(big.edits)} edits` : '(no edits seeded)'}`;
    out.push({ name: `server RSS ≤ 1.5 GB at ${stored}`, status: bigRows.length ? (rss <= 1.5e9 ? 'PASS' : 'FAIL') : 'n/a', detail: bigRows.length ? `max ${Math.round(rss / 1048576)} MB over its rows` : 'row not run' });
    const start = startMsAt.get(big.size);
    out.push({ name: `restart to ready ≤ 5 s at ${stored}`, status: start === undefined ? 'n/a' : start <= 5000 ? 'PASS' : 'FAIL', detail: start === undefined ? 'not run' : `${(start / 1000).toFixed(1)} s from spawn to listening (includes tsx start-up)` });
  }
  return out;
}

/** The highest create rate among the fan-out steps that held, or null when none did. */
export function highestHolding(steps: FanoutStats[]): number | null {
  const held = steps.filter((s) => s.holds).map((s) => s.rate);
  return held.length ? Math.max(...held) : null;
}

const TARGET_FANOUT_RATE = 20;

function fanoutChecks(rows: RowResult[]): Check[] {
  // the embedded engine's rows: the PostgreSQL rows' fan-out is issue 14's, checked beside them
  const fan = rows.filter((r): r is RowResult & { fanout: FanoutStats } => r.fanout !== undefined && r.target === 'tweetstore');
  const subs = fan[0]?.fanout.subscribers ?? 1000;
  const name = `${fmtInt(subs)} WebSocket subscribers on tweet.onChange at ${TARGET_FANOUT_RATE} creates/s (${fmtInt(subs * TARGET_FANOUT_RATE)} deliveries/s): every event to every subscriber, p99 ≤ 100 ms`;
  const base = fan.find((r) => r.fanout.rate === TARGET_FANOUT_RATE);
  if (!base) return [{ name, status: 'n/a', detail: 'row not run' }];
  const f = base.fanout;
  const busy = fan.filter((r) => r.fanout.generatorCpuPct.some((c) => c >= 90));
  const out: Check[] = [
    {
      name,
      status: f.holds ? 'PASS' : 'FAIL',
      detail: `p99 ${fmtMs(base.p99Ms)} ms, ${fmtInt(f.delivered)} of ${fmtInt(f.expected)} delivered, ${f.missing} missing, ${f.duplicates} duplicates, ${f.createsAcked}/${f.creates} creates acknowledged`,
    },
  ];
  const best = highestHolding(fan.map((r) => r.fanout));
  const firstFail = fan.filter((r) => !r.fanout.holds).sort((a, b) => a.fanout.rate - b.fanout.rate)[0];
  const above = firstFail
    ? `; ${firstFail.fanout.rate}/s fails (p99 ${fmtMs(firstFail.p99Ms)} ms, ${firstFail.fanout.missing} missing, ${firstFail.fanout.duplicates} duplicates)`
    : '; every rate tried held';
  out.push({
    name: `highest create rate that holds with ${fmtInt(subs)} subscribers (every event to every subscriber, p99 ≤ 100 ms)`,
    status: best !== null && best >= TARGET_FANOUT_RATE ? 'PASS' : 'FAIL',
    detail: `${best === null ? 'none' : `${best}/s (${fmtInt(best * subs)} deliveries/s)`}${above}${
      busy.length ? `; a subscriber process was at ≥ 90% CPU at ${busy.map((r) => `${r.fanout.rate}/s`).join(', ')}: the generator may be the limit there` : ''
    }`,
  });
  return out;
}
