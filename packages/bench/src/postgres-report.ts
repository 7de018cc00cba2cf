// The PostgreSQL rows' own block under the table (issue 14 point 7): what each op cost the instances and the
// database, the 2-instance rows against the 1-instance rows, the engine against the one-INSERT baseline, and the
// issue's create targets.
import type { StoreLevelResult } from './pg-store.ts';
import { fmtSize, textTable, type Check, type RowResult } from './report.ts';

const ENGINE = /^postgres-(\d+)$/;
const BASELINE = 'pg-baseline';
/** the tweetstore server whose create is one INSERT (targets/tweetstore-insert-only.ts) */
const INSERT_ONLY = 'pg-insert-only';
const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** The block's lines; none when no PostgreSQL row ran. */
export function postgresBlock(rows: RowResult[]): string[] {
  const pg = rows.filter((r) => ENGINE.test(r.target) || r.target === BASELINE || r.target === INSERT_ONLY);
  if (!pg.length) return [];
  const same = (r: RowResult, target: string) => rows.find((x) => x.target === target && x.scenario === r.scenario && x.transport === r.transport && x.load === r.load);
  const ratio = (a: RowResult | undefined, b: RowResult | undefined) => (a && b && b.opsPerSec > 0 ? `${(a.opsPerSec / b.opsPerSec).toFixed(2)}×` : '-');
  const head = ['#', 'target', 'scenario', 'tr', 'size', 'ops/s', 'server µs/op', 'db µs/op', 'db xacts/op', '÷ postgres-1', '÷ pg-baseline', '÷ insert-only'];
  const body = pg.map((r) => [
    String(r.n),
    r.target,
    r.scenario,
    r.transport,
    fmtSize(r.size),
    fmt(r.opsPerSec),
    fmt(r.serverCpuUsPerOp),
    fmt(r.dbCpuUsPerOp),
    fmt(r.dbXactsPerOp, 2),
    ENGINE.test(r.target) && r.target !== 'postgres-1' ? ratio(r, same(r, 'postgres-1')) : '-',
    ENGINE.test(r.target) ? ratio(r, same(r, BASELINE)) : '-',
    ENGINE.test(r.target) ? ratio(r, same(r, INSERT_ONLY)) : '-',
  ]);
  return [
    'PostgreSQL rows (issue 14 point 7): pg-insert-only = the same server whose create is one durable INSERT (the rest is the engine\'s);',
    '  server µs/op = CPU of all the row\'s instances together per op; db µs/op = CPU of',
    '  the PostgreSQL backends connected to the row\'s database (/proc/<pid>/stat; not the WAL writer or checkpointer);',
    '  db xacts/op = its transactions per op (pg_stat_database, reported by backends at most once a second: about)',
    ...textTable(head, body, (i) => i >= 1 && i <= 3),
  ];
}

/**
 * Issue 14's create targets, one instance: ≥ 2,000/s, and ≥ 0.8× the baseline that does only what the database must:
 * the same server whose create is one durable INSERT (pg-insert-only). Against the tRPC server that only inserts
 * (pg-baseline) the ratio is printed too: it shows what the whole server costs beside the engine.
 */
export function postgresChecks(rows: RowResult[]): Check[] {
  const out: Check[] = [];
  for (const transport of ['ws', 'http'] as const) {
    const engine = rows.find((r) => r.target === 'postgres-1' && r.scenario === 'create' && r.transport === transport);
    if (!engine) continue;
    const at = fmtSize(engine.size);
    const against = (target: string, what: string): Check => {
      const base = rows.find((r) => r.target === target && r.scenario === 'create' && r.transport === transport);
      return base
        ? {
            name: `PostgreSQL engine create over ${transport} at ${at} ≥ 0.8× ${what}`,
            status: engine.opsPerSec >= 0.8 * base.opsPerSec ? 'PASS' : 'FAIL',
            detail: `${fmt(engine.opsPerSec)} / ${fmt(base.opsPerSec)} ops/s = ${(engine.opsPerSec / base.opsPerSec).toFixed(2)}×`,
          }
        : { name: `PostgreSQL engine create over ${transport} ≥ 0.8× ${what}`, status: 'n/a', detail: `${target} row not run` };
    };
    out.push(
      against(INSERT_ONLY, 'the same server whose create is one durable INSERT'),
      { name: `PostgreSQL engine create over ${transport} at ${at} ≥ 2,000/s`, status: engine.opsPerSec >= 2000 ? 'PASS' : 'FAIL', detail: `${fmt(engine.opsPerSec)} ops/s, ${engine.errors} errors` },
    );
    const whole = against(BASELINE, 'a tRPC server doing only one durable INSERT per create (not a target: the whole server against none)');
    out.push({ ...whole, status: whole.status === 'n/a' ? 'n/a' : 'info' });
  }
  // every event to every subscriber, the subscribers spread over two instances and the creates on one
  const fan = rows.find((r) => r.target === 'postgres-2' && r.fanout?.rate === 20);
  if (fan?.fanout) {
    const f = fan.fanout;
    const delivered = f.missing === 0 && f.duplicates === 0 && f.createErrors === 0 && f.expected > 0;
    out.push({
      name: `${f.subscribers.toLocaleString('en-US')} subscribers across 2 instances at 20 creates/s: every event delivered to every subscriber, once`,
      status: delivered ? 'PASS' : 'FAIL',
      detail: `${f.delivered.toLocaleString('en-US')} of ${f.expected.toLocaleString('en-US')} delivered, ${f.missing} missing, ${f.duplicates} duplicates, p99 ${fmt(fan.p99Ms, 1)} ms`,
    });
  }
  return out;
}

/** What pg-store.ts times: the engine, one INSERT, and one INSERT with its tsvector into a GIN-indexed column. */
export const STORE_LEVEL_KINDS = ['engine', 'baseline', 'search-baseline'] as const;
export type StoreLevelKind = (typeof STORE_LEVEL_KINDS)[number];

/** What main.ts ran of pg-store.ts: the engine at its port against one INSERT per create through the same pool. */
export interface StoreLevel {
  size: number;
  rounds: number;
  roundMs: number;
  results: StoreLevelResult[];
}

/** The store-level block: per number of callers, the engine's creates/s beside each baseline's, and their costs. */
export function storeLevelBlock(s: StoreLevel): string[] {
  const head = [
    'callers',
    'engine creates/s',
    'baseline INSERTs/s',
    'engine ÷ baseline',
    'search INSERTs/s',
    'engine ÷ search',
    'engine js µs/op',
    'engine db µs/op',
    'baseline js µs/op',
    'baseline db µs/op',
    'search js µs/op',
    'search db µs/op',
    'rounds (engine | baseline | search)',
  ];
  const callers = [...new Set(s.results.map((r) => r.callers))];
  const body = callers.map((n) => {
    const [e, b, t] = STORE_LEVEL_KINDS.map((kind) => s.results.find((r) => r.callers === n && r.kind === kind));
    // a result file written before the search baseline existed has none
    const ratio = (x: StoreLevelResult | undefined) => (x ? `${(e!.opsPerSec / x.opsPerSec).toFixed(2)}×` : '-');
    return [
      String(n),
      fmt(e!.opsPerSec),
      fmt(b!.opsPerSec),
      ratio(b),
      fmt(t?.opsPerSec),
      ratio(t),
      fmt(e!.clientCpuUsPerOp),
      fmt(e!.dbCpuUsPerOp),
      fmt(b!.clientCpuUsPerOp),
      fmt(b!.dbCpuUsPerOp),
      fmt(t?.clientCpuUsPerOp),
      fmt(t?.dbCpuUsPerOp),
      [e, b, t].map((x) => x?.rounds.map((r) => fmt(r)).join(' ') ?? '-').join(' | '),
    ];
  });
  return [
    `PostgreSQL engine at its port (pg-store.ts, at ${fmtSize(s.size)} tweets): openPostgresStore's createTweet against one durable INSERT per create through a pool`,
    `  of the same size (10), in one process, no server in front; search = the same INSERT with to_tsvector('simple', content) into a GIN-indexed column,`,
    `  what a plain PostgreSQL full-text setup must write; median of ${s.rounds} rounds of ${s.roundMs / 1000} s taken in turn; js = that process's CPU, db = the backends'`,
    ...textTable(head, body, (i) => i === head.length - 1),
  ];
}

/**
 * Issue 14's create target at the store port, with 64 callers: the engine ≥ 0.8× one durable INSERT per create. Against
 * the INSERT that also makes its text findable the ratio is printed too (not a target: the part of the gap that any
 * searchable store pays).
 */
export function storeLevelChecks(s: StoreLevel): Check[] {
  const at64 = (kind: StoreLevelKind) => s.results.find((r) => r.callers === 64 && r.kind === kind);
  const e = at64('engine');
  const b = at64('baseline');
  if (!e || !b) return [];
  const checks: Check[] = [
    {
      name: `PostgreSQL engine create at its port, 64 callers, at ${fmtSize(s.size)} ≥ 0.8× one durable INSERT per create through the same pool`,
      status: e.opsPerSec >= 0.8 * b.opsPerSec ? 'PASS' : 'FAIL',
      detail: `${fmt(e.opsPerSec)} / ${fmt(b.opsPerSec)} creates/s = ${(e.opsPerSec / b.opsPerSec).toFixed(2)}×`,
    },
    { name: `PostgreSQL engine create at its port, 64 callers ≥ 2,000/s`, status: e.opsPerSec >= 2000 ? 'PASS' : 'FAIL', detail: `${fmt(e.opsPerSec)} creates/s` },
  ];
  const t = at64('search-baseline');
  if (t) {
    checks.push({
      name: `PostgreSQL engine create at its port, 64 callers, against one durable INSERT with its tsvector in a GIN index (not a target)`,
      status: 'info',
      detail: `${fmt(e.opsPerSec)} / ${fmt(t.opsPerSec)} creates/s = ${(e.opsPerSec / t.opsPerSec).toFixed(2)}×`,
    });
  }
  return checks;
}
