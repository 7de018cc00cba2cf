// `npm run bench`: start each server under test as its own process, drive it from a separate load-generator
// process over real HTTP and WebSocket on 127.0.0.1, and print one table with every target side by side
// (also written as JSON to packages/bench/results/). See packages/bench/README.md.
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync, mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';
import { closeClient, createClient, type TweetstoreClient } from '@tweetstore/client';
import { postText, prng } from './content.ts';
import { writePostsFile } from './fixtures.ts';
import { Fanout, type FanoutSettings } from './fanout.ts';
import { Generator } from './generator.ts';
import type { GenSpec } from './loadgen/main.ts';
import type { LoadResult } from './loadgen/stats.ts';
import type { BenchUser, Workload } from './loadgen/workload.ts';
import { cpuMsOf, killAll, rssOf, spawnHelper, startServer, type ServerChild } from './proc.ts';
import postgres from 'postgres';
import { checks, fmtOps, fmtSize, highestHolding, table, type RowResult } from './report.ts';
import { createDatabase, DbProbe, dbUrl, dropDatabase, dropRedisPrefix, ensureServices, REDIS_URL, runName, type DbWindow } from './postgres.ts';
import type { StoreLevelResult } from './pg-store.ts';
import { postgresBlock, postgresChecks, storeLevelBlock, storeLevelChecks, type StoreLevel } from './postgres-report.ts';
import { createFtsIndex, ftsCount, ftsPage } from './pg-fts.ts';
import { isSearchOrTrends, SEARCH_KINDS, SEARCH_LIMIT, SEARCH_QUERIES, searchKindOf, searchScenario, TRENDS, trendsScenario } from './search.ts';
import { indexFigures, searchBlock, searchChecks, type SearchStart } from './search-report.ts';
import type { SearchFacts } from './report.ts';
import type { ScanRouter } from './targets/trpc-baseline.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const REPO = here('../../../');
const DEFAULT_RESULTS = here('../results/');
const SERVER_MAIN = path.join(REPO, 'apps/server/src/main.ts');

// ---------------------------------------------------------------------------------------------- arguments
const HELP = `usage: npm run bench -- [--quick | --full] [options]

  --quick            short rows, sizes 0 and 100k (about 4 minutes, also when the 100k fixture must be seeded)
  --full             (default) longer rows, sizes 0, 100k and 1M (under 30 minutes)
  --duration=S       measured seconds per row (quick 2, full 8; json-server/naive lowdb writes at least 3/10)
  --warmup=S         warm-up seconds before each row, not measured (quick 0.5, full 2)
  --open-warmup=S    warm-up seconds at the row's own rate before each open-loop and fan-out row (quick 2, full 5)
  --only=REGEX       run only rows whose label matches, e.g. --only='tweetstore create', --only=noop, or
                     --only='search|trends' (issue 15's search and trends rows with their baselines)
  --no-cache         seed tweetstore fixtures afresh instead of reusing ${path.join(os.tmpdir(), 'tweetstore-bench-cache')}
  --seeder=loader    fill fixtures with the bench's own loader instead of @tweetstore/store's seedStore
  --profile=DIR      start every server under test with --cpu-prof, writing .cpuprofile files into DIR
                     (open them in Chrome DevTools or speedscope; profiling slows the servers, so the table is not comparable)
  --fanout-subs=N    fan-out rows: WebSocket subscribers on tweet.onChange (default 1000)
  --fanout-procs=N   generator processes hosting the subscribers (default 1; the creator has its own)
  --fanout-decode=scan|superjson
                     how a subscriber reads a delivery: find the tag by string search (default), or decode it as the
                     tRPC client does (JSON.parse + superjson.deserialize, ~50 µs a message: the generator's CPU shows)
  --postgres-size=N  tweets seeded for the PostgreSQL rows (and pg-fts: PostgreSQL's own full-text search on them) (postgres-1, postgres-2: the server on the PostgreSQL engine
                     with 1 and 2 instances; pg-baseline: a tRPC server doing one INSERT per create; pg-insert-only:
                     the same server as postgres-1 whose create is one INSERT; pg-store create: the engine at its port
                     against one INSERT per create through the same pool, --only='pg-store'); default quick 10k, full 100k
  --results=DIR      write the JSON there instead of packages/bench/results/
  --help

Ctrl-C stops cleanly: the servers and the load generator are stopped and temporary folders removed.`;

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (flag('help') || flag('h')) {
  console.log(HELP);
  process.exit(0);
}
const known = /^--(quick|full|no-cache|help|duration=.+|warmup=.+|open-warmup=.+|only=.+|profile=.+|results=.+|seeder=(loader|seedStore)|(fanout-(subs|procs)|postgres-size)=\d+|fanout-decode=(scan|superjson))$/;
const unknown = argv.filter((a) => !known.test(a));
if (unknown.length) {
  console.error(`unknown option ${unknown.join(' ')}\n\n${HELP}`);
  process.exit(2);
}
const quick = flag('quick');
const mode = quick ? 'quick' : 'full';
const durationMs = Math.round(1000 * Number(option('duration') ?? (quick ? 2 : 8)));
const warmupMs = Math.round(1000 * Number(option('warmup') ?? (quick ? 0.5 : 2)));
// A fixed-rate row measures a steady state: run alone on a just-started server, its first seconds (JIT, first-touch
// allocations) read ~10x the p99 of the same row after others, so it first runs this long at its own rate.
const openWarmupMs = Math.round(1000 * Number(option('open-warmup') ?? (quick ? 2 : 5)));
const only = option('only') ? new RegExp(option('only')!, 'i') : null;
const useCache = !flag('no-cache');
const seeder = option('seeder') === 'loader' ? 'loader' : 'auto';
if (option('profile')) {
  // read by startServer in proc.ts, so every server under test is profiled the same way
  process.env.BENCH_PROFILE_DIR = path.resolve(option('profile')!);
  mkdirSync(process.env.BENCH_PROFILE_DIR, { recursive: true });
}
if (!(durationMs > 0) || !(warmupMs >= 0) || !(openWarmupMs >= 0)) {
  console.error('--duration must be > 0, --warmup and --open-warmup >= 0');
  process.exit(2);
}

const SIZES = quick ? [0, 100_000] : [0, 100_000, 1_000_000];
/** The size the issue's ratio targets and the open-loop rows use. */
const REF_SIZE = 100_000;
const BIG_SIZE = quick ? null : 1_000_000;
/** Edits seeded into a fixture: two per tweet at the big size (issue 4: "1M tweets and 2M edits"), else none. */
const editsFor = (size: number) => (size === BIG_SIZE ? 2 * size : 0);
const BASELINE_SIZES = SIZES.filter((s) => s > 0);
/** The PostgreSQL rows' size: the issue's 100k, smaller in quick mode (seeding goes through the engine, ~5k commands/s). */
const PG_SIZE = Number(option('postgres-size') ?? (quick ? 10_000 : REF_SIZE));
const RESULTS = path.resolve(option('results') ?? DEFAULT_RESULTS);
const LOAD = {
  httpConnections: 64,
  wsSockets: 32,
  wsInFlight: 2,
  // json-server and the naive lowdb handler answer a few writes a second: fewer callers, so latency shows the
  // service time rather than a queue of 64 waiting callers
  slowHttpConnections: 2,
  slowWsSockets: 1,
  slowWsInFlight: 2,
  openRate: 1000,
};
const FANOUT: FanoutSettings = {
  subscribers: Math.max(1, Number(option('fanout-subs') ?? 1000)),
  processes: Math.max(1, Number(option('fanout-procs') ?? 1)),
  decode: option('fanout-decode') === 'superjson' ? 'superjson' : 'scan',
  // doubling from the issue's 20 creates/s (20k deliveries/s) until a step fails
  rates: [20, 40, 80, 160, 320, 640, 1280, 2560],
  targetRate: 20,
  p99LimitMs: 100,
  settleMs: quick ? 3_000 : 5_000,
  creatorSockets: 8,
};
/** a fan-out step creates for this long (at least --duration) */
const FANOUT_STEP_MS = Math.max(durationMs, quick ? 3_000 : 8_000);
const BENCH_USERS = 64;
const OWN_TWEETS = 16;
const SEED = 4;

// ---------------------------------------------------------------------------------------------- plan
type LoadShape =
  | { kind: 'closed-http'; connections: number }
  | { kind: 'closed-ws'; sockets: number; inFlight: number }
  /** the generator queries PostgreSQL itself: `clients` connections, one statement in flight on each (pg-fts) */
  | { kind: 'closed-sql'; clients: number }
  | { kind: 'open-http'; rate: number; connections: number; pacer: 'paced' | 'autocannon' }
  | { kind: 'open-ws'; rate: number; sockets: number }
  /** subscribers on tweet.onChange while creates arrive at `rate` (each step of the row its own rate) */
  | { kind: 'fanout'; subscribers: number; rate?: number };

interface RowPlan {
  target: string;
  scenario: string;
  transport: 'http' | 'ws' | 'sql';
  size: number | null;
  load: LoadShape;
  wsPath: '/trpc' | '/';
  /** a baseline call that takes ~0.1-3 s each: no warm-up (its backlog would spill into the window), longer window */
  slow?: boolean;
  workload(stage: StageCtx): Workload;
}
const SLOW_MIN_MS = quick ? 3_000 : 10_000;

interface StageCtx {
  /** the server the set-up talks to (of several instances, the first); none when the generator queries a database itself */
  server: ServerChild | null;
  /** every process under test whose CPU, loop and RSS a row measures (default: [server]) */
  servers?: ServerChild[];
  /** the PostgreSQL rows' database, whose backends' CPU a row measures too */
  db?: DbProbe;
  stored(): Promise<number | null>;
  users: BenchUser[];
  pool: string[];
  /** creates acknowledged so far (baselines: stored = size + this) */
  created: number;
  /** search rows, by scenario: the query and its first page as this target answered it at the stage's start */
  search?: Map<string, SearchFacts>;
}

interface Stage {
  name: string;
  rows: RowPlan[];
  start(): Promise<StageCtx>;
  stop(ctx: StageCtx): Promise<void>;
}

const loadLabel = (l: LoadShape) =>
  l.kind === 'closed-http'
    ? `c${l.connections}`
    : l.kind === 'closed-ws'
      ? `${l.sockets}x${l.inFlight}`
      : l.kind === 'closed-sql'
        ? `${l.clients} conn`
        : l.kind === 'open-ws'
          ? `open ${l.rate}/s`
          : l.kind === 'fanout'
            ? `${l.subscribers} subs${l.rate ? `, ${l.rate}/s` : ''}`
            : `open ${l.rate}/s${l.pacer === 'autocannon' ? ' (ac)' : ''}`;
const label = (r: RowPlan) => `${r.target} ${r.scenario} ${r.transport} ${fmtSize(r.size)} ${loadLabel(r.load)}`;
const httpLoad = (slow = false): LoadShape => ({ kind: 'closed-http', connections: slow ? LOAD.slowHttpConnections : LOAD.httpConnections });
const wsLoad = (slow = false): LoadShape =>
  slow ? { kind: 'closed-ws', sockets: LOAD.slowWsSockets, inFlight: LOAD.slowWsInFlight } : { kind: 'closed-ws', sockets: LOAD.wsSockets, inFlight: LOAD.wsInFlight };
/** The search and trends rows: one client, one call in flight (issue 15: latency with 1 client). */
const ONE_CLIENT: LoadShape = { kind: 'closed-ws', sockets: 1, inFlight: 1 };

let tmpRoot = '';
const tempDirsOutsideRoot = new Set<string>();
const startMsAt = new Map<number, number>();
const stageNotes: Record<string, unknown>[] = [];

const t0 = performance.now();
function log(line: string) {
  process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s ${line}\n`);
}

function statelessStage(name: 'raw' | 'noop-trpc'): Stage {
  const scenario = name === 'raw' ? 'echo' : 'noop';
  const workload = (): Workload => ({ kind: name === 'raw' ? 'raw' : 'noop' });
  const wsPath = name === 'raw' ? '/' : '/trpc';
  return {
    name,
    rows: [
      { target: name, scenario, transport: 'http', size: null, load: httpLoad(), wsPath, workload },
      { target: name, scenario, transport: 'ws', size: null, load: wsLoad(), wsPath, workload },
    ],
    async start() {
      const server = await startServer(name, here(name === 'raw' ? './targets/raw.ts' : './targets/trpc-baseline.ts'), { BENCH_TARGET: 'noop' });
      return { server, stored: async () => null, users: [], pool: [], created: 0 };
    },
    stop: async (ctx) => ctx.server?.stop(),
  };
}

function jsonServerStage(size: number): Stage {
  const w = (op: 'create' | 'get' | 'list') => (): Workload => ({ kind: 'json-server', op, maxId: size });
  const row = (op: 'create' | 'get' | 'list'): RowPlan => ({ target: 'json-server', scenario: op, transport: 'http', size, load: httpLoad(true), wsPath: '/', workload: w(op) });
  return {
    name: `json-server at ${fmtSize(size)} posts`,
    rows: [row('get'), row('list'), { ...row('create'), slow: true }],
    async start() {
      const file = path.join(tmpRoot, `json-server-${size}.json`);
      await writePostsFile(file, size);
      const server = await startServer('json-server', here('./targets/json-server.ts'), { BENCH_DB_FILE: file });
      const ctx: StageCtx = { server, stored: async () => size + ctx.created, users: [], pool: [], created: 0 };
      return ctx;
    },
    async stop(ctx) {
      await ctx.server?.stop();
      await rm(path.join(tmpRoot, `json-server-${size}.json`), { force: true });
    },
  };
}

function lowdbStage(size: number): Stage {
  const w = (op: 'create' | 'get' | 'list') => (): Workload => ({ kind: 'lowdb', op, maxId: size });
  return {
    name: `naive lowdb tRPC at ${fmtSize(size)} posts`,
    rows: [
      { target: 'lowdb-naive', scenario: 'get', transport: 'ws', size, load: wsLoad(true), wsPath: '/trpc', workload: w('get') },
      { target: 'lowdb-naive', scenario: 'create', transport: 'http', size, load: httpLoad(true), wsPath: '/trpc', slow: true, workload: w('create') },
      { target: 'lowdb-naive', scenario: 'create', transport: 'ws', size, load: wsLoad(true), wsPath: '/trpc', slow: true, workload: w('create') },
    ],
    async start() {
      const file = path.join(tmpRoot, `lowdb-${size}.json`);
      await writePostsFile(file, size);
      const server = await startServer('lowdb-naive', here('./targets/trpc-baseline.ts'), { BENCH_TARGET: 'lowdb', BENCH_LOWDB_FILE: file });
      const ctx: StageCtx = { server, stored: async () => size + ctx.created, users: [], pool: [], created: 0 };
      return ctx;
    },
    async stop(ctx) {
      await ctx.server?.stop();
      await rm(path.join(tmpRoot, `lowdb-${size}.json`), { force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------- tweetstore
const SCENARIOS = ['get', 'list', 'like', 'edit', 'mixed', 'create'] as const;

async function sourceHash(): Promise<string> {
  const h = createHash('sha256');
  const walk = async (dir: string) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.name.endsWith('.ts')) h.update(p.slice(REPO.length)).update(await readFile(p));
    }
  };
  await walk(path.join(REPO, 'packages/store/src'));
  await walk(path.join(REPO, 'packages/store-lowdb/src'));
  await walk(path.join(REPO, 'packages/core/src'));
  // the fixture loader and its sample of ids
  for (const file of ['seed.ts', 'content.ts']) h.update(file).update(await readFile(here(`./${file}`)));
  return h.digest('hex').slice(0, 16);
}

interface SeedDone {
  ms: number;
  sampleIds: string[];
  via: string;
}

/** Seeds the data folder `dir`, or with `databaseUrl` the PostgreSQL engine in that database. */
function runSeeder(dir: string | null, tweets: number, edits: number, databaseUrl?: string): Promise<SeedDone> {
  const child: ChildProcess = spawnHelper(
    here('./seed.ts'),
    {
      ...(dir ? { BENCH_SEED_DIR: dir } : {}),
      ...(databaseUrl ? { BENCH_SEED_DATABASE_URL: databaseUrl } : {}),
      BENCH_SEED_TWEETS: String(tweets),
      BENCH_SEED_EDITS: String(edits),
      BENCH_SEED: String(SEED),
      ...(seeder === 'loader' ? { BENCH_SEEDER: 'loader' } : {}),
    },
    // everything the seeder creates survives: a larger young generation scavenges less often (~7% less CPU here)
    ['--max-semi-space-size=64'],
  );
  return new Promise((resolve, reject) => {
    let result: SeedDone | null = null;
    child.on('message', (raw: unknown) => {
      const m = raw as { type: string; done?: number; total?: number; phase?: string; message?: string } & SeedDone;
      if (m.type === 'progress') log(`      seeding ${fixtureLabel(tweets, edits)}: ${m.phase ? `${m.phase} ` : ''}${m.done?.toLocaleString('en-US')} / ${m.total?.toLocaleString('en-US')}`);
      else if (m.type === 'done') result = m;
      else if (m.type === 'error') reject(new Error(`seeding failed: ${m.message}`));
    });
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`seeder exited with ${code}`))));
  });
}

const fixtureLabel = (tweets: number, edits: number) => `${fmtSize(tweets)} tweets${edits ? ` and ${fmtSize(edits)} edits` : ''}`;

/** A data folder holding `size` seeded tweets (and editsFor(size) edits): from the cache when the store/core sources are unchanged. */
async function fixture(size: number, into: string): Promise<{ sampleIds: string[]; seedMs: number | null; via: string; cached: boolean }> {
  if (!useCache) {
    // once per run: the linear scan's stage reads the same tweets as the engine's
    let seeded = seededThisRun.get(size);
    const first = seeded === undefined;
    if (seeded === undefined) seededThisRun.set(size, (seeded = seedInto(path.join(tmpRoot, `fixture-${size}`), size)));
    const { dir, done } = await seeded;
    await copyFixture(dir, into);
    return { sampleIds: done.sampleIds, seedMs: first ? done.ms : null, via: done.via, cached: false };
  }
  const cacheRoot = path.join(os.tmpdir(), 'tweetstore-bench-cache');
  await mkdir(cacheRoot, { recursive: true });
  const key = `ts-${size}-e${editsFor(size)}-${seeder}-${SEED}-${await sourceHash()}`;
  const dir = path.join(cacheRoot, key);
  let info: { sampleIds: string[]; seedMs: number; via: string } | null = null;
  let cached = true;
  if (existsSync(path.join(dir, 'bench-fixture.json'))) {
    info = JSON.parse(await readFile(path.join(dir, 'bench-fixture.json'), 'utf8')) as { sampleIds: string[]; seedMs: number; via: string };
    log(`      fixture: ${fixtureLabel(size, editsFor(size))} from the cache (${dir})`);
  } else {
    cached = false;
    for (const old of await readdir(cacheRoot)) if (old.startsWith(`ts-${size}-`)) await rm(path.join(cacheRoot, old), { recursive: true, force: true });
    const building = `${dir}.tmp-${process.pid}`;
    tempDirsOutsideRoot.add(building);
    log(`      fixture: seeding ${fixtureLabel(size, editsFor(size))} (cached afterwards in ${cacheRoot}; --no-cache to always seed)`);
    const done = await runSeeder(building, size, editsFor(size));
    info = { sampleIds: done.sampleIds, seedMs: done.ms, via: done.via };
    await writeFile(path.join(building, 'bench-fixture.json'), JSON.stringify(info));
    await rename(building, dir);
    tempDirsOutsideRoot.delete(building);
  }
  await copyFixture(dir, into);
  return { ...info, seedMs: cached ? null : info.seedMs, cached };
}

/** --no-cache: each size's fixture, seeded once in the run's temporary folder. */
const seededThisRun = new Map<number, Promise<{ dir: string; done: SeedDone }>>();
const seedInto = async (dir: string, size: number) => ({ dir, done: await runSeeder(dir, size, editsFor(size)) });

const copyFixture = (from: string, into: string) =>
  cp(from, into, { recursive: true, filter: (src) => path.basename(src) !== 'bench-fixture.json' && path.basename(src) !== 'LOCK' });

async function inBatches<T>(items: T[], width: number, each: (item: T, i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map((item, k) => each(item, i + k)));
}

/** The engine a tweetstore stage runs on: the embedded one (a data folder), or PostgreSQL with N instances. */
/** `insertOnly`: the server whose create is one INSERT (targets/tweetstore-insert-only.ts), its create rows only. */
type Engine = { kind: 'lowdb' } | { kind: 'postgres'; instances: number; fixture: PgFixture; insertOnly?: boolean };

/**
 * The PostgreSQL rows' data: seeded once per run into a database of its own (`<run>_seed`, through the engine, as
 * the folders are), vacuumed and analysed, then copied for each stage (`create database ... template`), so every
 * stage starts from the same rows as the others; every database of the run is dropped at its end.
 */
class PgFixture {
  readonly run = runName();
  private seeded: Promise<{ sampleIds: string[]; seedMs: number; via: string }> | null = null;
  private readonly databases = new Set<string>();
  constructor(readonly size: number) {}

  /** A new database holding the seeded rows, named `<run>_<suffix>`. */
  async copy(suffix: string): Promise<{ name: string; sampleIds: string[]; seedMs: number; copyMs: number; via: string }> {
    const seed = await (this.seeded ??= this.seed());
    const name = `${this.run}_${suffix}`;
    const started = performance.now();
    this.databases.add(name);
    await createDatabase(name, `${this.run}_seed`);
    return { name, ...seed, copyMs: performance.now() - started };
  }

  private async seed() {
    await ensureServices();
    const name = `${this.run}_seed`;
    this.databases.add(name);
    await createDatabase(name);
    log(`      fixture: seeding ${fixtureLabel(this.size, 0)} into PostgreSQL (database ${name}, through openPostgresStore, thousands of commands in flight)`);
    const done = await runSeeder(null, this.size, 0, dbUrl(name));
    const vacuumStart = performance.now();
    const sql = postgres(dbUrl(name), { max: 1, onnotice: () => {} });
    try {
      // what autovacuum would do during the rows otherwise: the copies start with statistics and visibility maps
      await sql`vacuum (analyze)`;
    } finally {
      await sql.end();
    }
    log(`      fixture: seeded in ${(done.ms / 1000).toFixed(1)} s (${this.size.toLocaleString('en-US')} tweets with their likes and retweets), vacuum analyze ${((performance.now() - vacuumStart) / 1000).toFixed(1)} s`);
    return { sampleIds: done.sampleIds, seedMs: done.ms, via: done.via };
  }

  async drop(name: string): Promise<void> {
    await dropDatabase(name);
    this.databases.delete(name);
  }

  async dropAll(): Promise<void> {
    for (const name of [...this.databases]) await this.drop(name);
  }
}
const pgFixtures = new Set<PgFixture>();

function tweetstoreStage(size: number, engine: Engine = { kind: 'lowdb' }): Stage {
  const insertOnly = engine.kind === 'postgres' && engine.insertOnly === true;
  const target = engine.kind === 'lowdb' ? 'tweetstore' : insertOnly ? INSERT_ONLY : `postgres-${engine.instances}`;
  const rows: RowPlan[] = [];
  // issue 15: search (and on the embedded engine trends) first, on the fixture's tweets, before the writes add theirs
  if (size > 0 && (engine.kind === 'lowdb' || (engine.instances === 1 && !insertOnly))) {
    rows.push(...searchRows(target, size, 'ws', (q) => (s) => ({ kind: 'read', path: 'tweet.search', input: { q, sort: 'latest', limit: SEARCH_LIMIT }, users: s.users })));
  }
  if (size > 0 && engine.kind === 'lowdb') {
    for (const list of TRENDS) {
      rows.push({ target, scenario: trendsScenario(list), transport: 'ws', size, load: ONE_CLIENT, wsPath: '/trpc', workload: (s) => ({ kind: 'read', path: `trends.${list}`, input: { limit: 10 }, users: s.users }) });
    }
  }
  // the PostgreSQL rows: the issue's create, get, list, like and edit (mixed adds nothing the others do not show)
  const scenarios = engine.kind === 'lowdb' ? SCENARIOS : insertOnly ? (['create'] as const) : SCENARIOS.filter((sc) => sc !== 'mixed');
  for (const scenario of scenarios) {
    for (const transport of ['http', 'ws'] as const) {
      rows.push({
        target,
        scenario,
        transport,
        size,
        load: transport === 'http' ? httpLoad() : wsLoad(),
        wsPath: '/trpc',
        workload: (s) => ({ kind: 'tweetstore', op: scenario, users: s.users, pool: s.pool }),
      });
    }
  }
  if (size === REF_SIZE && engine.kind === 'lowdb') {
    const create = (s: StageCtx): Workload => ({ kind: 'tweetstore', op: 'create', users: s.users, pool: s.pool });
    rows.push(
      { target: 'tweetstore', scenario: 'create', transport: 'ws', size, load: { kind: 'open-ws', rate: LOAD.openRate, sockets: LOAD.wsSockets }, wsPath: '/trpc', workload: create },
      { target: 'tweetstore', scenario: 'create', transport: 'http', size, load: { kind: 'open-http', rate: LOAD.openRate, connections: LOAD.httpConnections, pacer: 'paced' }, wsPath: '/trpc', workload: create },
      { target: 'tweetstore', scenario: 'create', transport: 'http', size, load: { kind: 'open-http', rate: LOAD.openRate, connections: LOAD.httpConnections, pacer: 'autocannon' }, wsPath: '/trpc', workload: create },
      // last: its subscribers would otherwise add the fan-out's cost to every other row's writes
      { target: 'tweetstore', scenario: 'fanout', transport: 'ws', size, load: { kind: 'fanout', subscribers: FANOUT.subscribers }, wsPath: '/trpc', workload: (s) => ({ kind: 'fanout', step: 0, users: s.users }) },
    );
  }
  if (engine.kind === 'postgres' && !insertOnly) {
    // issue 14: the subscribers spread over the instances, the creates on one: every event must reach every subscriber
    rows.push({ target, scenario: 'fanout', transport: 'ws', size, load: { kind: 'fanout', subscribers: FANOUT.subscribers }, wsPath: '/trpc', workload: (s) => ({ kind: 'fanout', step: 0, users: s.users }) });
  }
  let client: TweetstoreClient | null = null;
  const dataDir = (instance = 0) => path.join(tmpRoot, `${target}-${size}${instance ? `-${instance}` : ''}`);
  const common = {
    PORT: '0',
    TWEETSTORE_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TWEETSTORE_EDIT_WINDOW_MINUTES: '0',
    TWEETSTORE_MAX_EDITS: '0',
    // the load comes from one address and a few accounts at thousands of calls a second: far past API.md's limits
    TWEETSTORE_RATE_LIMITS: 'off',
  };
  let database: string | null = null;
  const redisPrefix = engine.kind === 'postgres' ? `${engine.fixture.run}:${target}:` : '';
  const stage: Stage = {
    name:
      engine.kind === 'lowdb'
        ? `tweetstore at ${fmtSize(size)} tweets`
        : insertOnly
          ? `tweetstore on PostgreSQL whose create is one INSERT, at ${fmtSize(size)} tweets`
          : `tweetstore on PostgreSQL, ${engine.instances} instance${engine.instances > 1 ? 's' : ''}, at ${fmtSize(size)} tweets`,
    rows,
    async start() {
      const note: Record<string, unknown> = { stage: `${target}-${size}` };
      stageNotes.push(note);
      let sampleIds: string[] = [];
      let servers: ServerChild[];
      let db: DbProbe | undefined;
      if (engine.kind === 'lowdb') {
        if (size > 0) {
          const f = await fixture(size, dataDir());
          Object.assign(note, { seededWith: f.via, seedMs: f.seedMs, fixtureFromCache: f.cached });
          sampleIds = f.sampleIds;
        }
        servers = [await startServer('tweetstore', SERVER_MAIN, { ...common, TWEETSTORE_DATA_DIR: dataDir() })];
      } else {
        const f = await engine.fixture.copy(target.replaceAll('-', '_'));
        database = f.name;
        Object.assign(note, { seededWith: f.via, seedMs: f.seedMs, database: f.name, copyMs: Math.round(f.copyMs), redisPrefix });
        log(`      database ${f.name} copied from the seeded one in ${(f.copyMs / 1000).toFixed(1)} s; Redis prefix ${redisPrefix}`);
        sampleIds = f.sampleIds;
        // one after another: the first migrates (nothing to do on a copy), the others find it done
        servers = [];
        for (let i = 0; i < engine.instances; i++) {
          servers.push(
            await startServer(`${target}#${i + 1}`, insertOnly ? here('./targets/tweetstore-insert-only.ts') : SERVER_MAIN, {
              ...common,
              // media on disk, a folder per instance: no row uploads media
              TWEETSTORE_DATA_DIR: dataDir(i + 1),
              TWEETSTORE_STORE: 'postgres',
              TWEETSTORE_DATABASE_URL: dbUrl(f.name),
              TWEETSTORE_REDIS_URL: REDIS_URL,
              TWEETSTORE_REDIS_PREFIX: redisPrefix,
              TWEETSTORE_INSTANCE_ID: `bench-${i + 1}`,
            }),
          );
        }
        db = new DbProbe(f.name);
      }
      const server = servers[0]!;
      note.startToListeningMs = servers.map((s) => Math.round(s.startMs));
      for (const s of servers) reportWarnings(s, note, 'at start');
      if (size > 0 && engine.kind === 'lowdb') startMsAt.set(size, server.startMs);
      const api = (client = createClient({ url: server.url }));
      // before anything else asks: an index still being built after the restart makes the first search wait
      if (size > 0 && engine.kind === 'lowdb') searchStarts.push(await searchStart(api, server, size));
      const search = await engineSearchFacts(api, stage.rows);
      log(`      ${servers.length > 1 ? `${servers.length} instances` : target} up in ${servers.map((s) => (s.startMs / 1000).toFixed(1)).join(' + ')} s; registering ${BENCH_USERS} bench users through auth.register`);
      const setupStart = performance.now();
      const users: BenchUser[] = [];
      const rand = prng(SEED + size);
      // ~60 ms of scrypt each on the server's thread pool: the longest part of a stage's set-up
      await inBatches(
        Array.from({ length: BENCH_USERS }, (_, i) => i),
        8,
        async (i) => {
          const { token } = await api.auth.register.mutate({ username: `bench${i}`, password: 'bench-password-1' });
          users[i] = { token, own: [] };
        },
      );
      const signedUp = performance.now();
      const authed = users.map((u) => createClient({ url: server.url, token: u.token }));
      const texts = users.map((_, i) => Array.from({ length: OWN_TWEETS }, (_, k) => postText(rand, i * 1000 + k)));
      try {
        // a user's creates in one tick travel as one httpBatchLink request, and the journal commits them together
        await Promise.all(users.map(async (u, i) => u.own.push(...(await Promise.all(texts[i]!.map((content) => authed[i]!.tweet.create.mutate({ content })))).map((t) => t.id))));
      } finally {
        await Promise.all(authed.map((c) => closeClient(c)));
      }
      const registered = performance.now();
      // the fixture's spread sample (seed.ts) and the bench users' own tweets
      const pool = sampleIds.concat(users.flatMap((u) => u.own));
      log(`      bench users registered in ${((signedUp - setupStart) / 1000).toFixed(1)} s, ${OWN_TWEETS} tweets each written in ${((registered - signedUp) / 1000).toFixed(1)} s; pool of ${pool.length.toLocaleString('en-US')} tweet ids`);
      note.benchUsers = users.length;
      note.poolTweets = pool.length;
      return {
        server,
        servers,
        ...(db ? { db } : {}),
        users,
        pool,
        created: 0,
        stored: async () => (await api.system.stats.query()).store.tweets,
        search,
      };
    },
    async stop(ctx) {
      if (client) await closeClient(client);
      client = null;
      const note = stageNotes.at(-1)!;
      for (const server of serversOf(ctx)) {
        const stats = await server.probeRead();
        if (stats) note.finalRssBytes = Math.max(Number(note.finalRssBytes ?? 0), stats.rssBytes);
        reportWarnings(server, note, 'while measured');
        await server.stop();
      }
      await ctx.db?.close();
      if (engine.kind === 'postgres') {
        if (database) await engine.fixture.drop(database);
        note.redisKeysRemoved = await dropRedisPrefix(redisPrefix);
      }
      for (let i = 0; i <= (engine.kind === 'postgres' ? engine.instances : 0); i++) await rm(dataDir(i), { recursive: true, force: true });
    },
  };
  return stage;
}

// ---------------------------------------------------------------------------------------------- search (issue 15)
/** Search rows, one per query kind, 1 client: `workload(q)` sends the kind's query. */
function searchRows(target: string, size: number, transport: 'ws' | 'sql', workload: (q: string) => RowPlan['workload'], slow = false): RowPlan[] {
  return SEARCH_KINDS.map((kind) => ({
    target,
    scenario: searchScenario(kind),
    transport,
    size,
    load: transport === 'sql' ? { kind: 'closed-sql', clients: 1 } : ONE_CLIENT,
    wsPath: '/trpc',
    ...(slow ? { slow } : {}),
    workload: workload(SEARCH_QUERIES[kind]),
  }));
}

/** The embedded engine's stages at their start, for issue 15's index and restart targets. */
const searchStarts: SearchStart[] = [];
/** A search row's matches are counted by paging through them, up to this many. */
const MATCH_COUNT_CAP = 1_000;

/** The server just started: how soon it answers a search, and what its stats say the search index holds. */
async function searchStart(api: TweetstoreClient, server: ServerChild, size: number): Promise<SearchStart> {
  const asked = performance.now();
  await api.tweet.search.query({ q: SEARCH_QUERIES['one-word'], limit: SEARCH_LIMIT });
  const firstSearchMs = server.startMs + (performance.now() - asked);
  const index = indexFigures((await api.system.stats.query()).store.details);
  const figures = Object.entries(index.details).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ');
  log(`      first search answered ${(firstSearchMs / 1000).toFixed(1)} s after spawn; the engine's search figures: ${figures || 'none'}`);
  return { size, startMs: server.startMs, firstSearchMs, indexBytes: index.bytes, details: index.details };
}

/** Each search row's query as the engine answers it before the rows: its first page, and its matches (to the cap). */
async function engineSearchFacts(api: TweetstoreClient, rows: RowPlan[]): Promise<Map<string, SearchFacts>> {
  const facts = new Map<string, SearchFacts>();
  for (const row of rows) {
    const kind = searchKindOf(row.scenario);
    if (kind === null) continue;
    const q = SEARCH_QUERIES[kind];
    const first = await api.tweet.search.query({ q, limit: SEARCH_LIMIT });
    let matches = 0;
    for (let cursor: string | null = null; matches < MATCH_COUNT_CAP; ) {
      const page = await api.tweet.search.query({ q, limit: 100, cursor });
      matches += page.items.length;
      if ((cursor = page.nextCursor) === null) break;
    }
    facts.set(row.scenario, { q, firstPage: first.items.map((t) => t.id), matches, counted: MATCH_COUNT_CAP });
  }
  if (facts.size) log(`      matches: ${[...facts].map(([scenario, f]) => `${scenario} ${f.matches! >= MATCH_COUNT_CAP ? '≥ ' : ''}${f.matches!.toLocaleString('en-US')}`).join(', ')}`);
  return facts;
}

/**
 * The linear-scan baseline at a fixture size: a server holding the fixture's published texts (read through the
 * store's port from a copy of the same folder the engine's stage starts from), answering each query by scanning.
 */
function linearScanStage(size: number): Stage {
  const dir = () => path.join(tmpRoot, `linear-scan-${size}`);
  const textsFile = () => path.join(tmpRoot, `linear-scan-${size}.jsonl`);
  // a page can take seconds (a phrase reads tens of thousands of texts): no warm-up, a longer window
  const rows = searchRows('linear-scan', size, 'ws', (q) => () => ({ kind: 'read', path: 'search', input: { q, limit: SEARCH_LIMIT }, users: [] }), true);
  const stage: Stage = {
    name: `linear scan (no index) at ${fmtSize(size)} tweets`,
    rows,
    async start() {
      const note: Record<string, unknown> = { stage: `linear-scan-${size}` };
      stageNotes.push(note);
      await fixture(size, dir());
      const read = performance.now();
      const reader = spawnHelper(here('./scan-texts.ts'), { BENCH_SCAN_DIR: dir(), BENCH_SCAN_OUT: textsFile() });
      const code = await new Promise<number | null>((resolve) => reader.once('exit', resolve));
      if (code !== 0) throw new Error(`scan-texts.ts exited with ${code}`);
      await rm(dir(), { recursive: true, force: true });
      const readMs = performance.now() - read;
      note.textsReadMs = Math.round(readMs);
      const server = await startServer('linear-scan', here('./targets/trpc-baseline.ts'), { BENCH_TARGET: 'scan', BENCH_SCAN_TEXTS: textsFile() });
      note.startToListeningMs = Math.round(server.startMs);
      const scan = createTRPCClient<ScanRouter>({ links: [httpLink({ url: `${server.url}/trpc`, transformer: superjson })] });
      const search = new Map<string, SearchFacts>();
      let held = 0;
      for (const row of stage.rows) {
        const kind = searchKindOf(row.scenario)!;
        const asked = performance.now();
        const answer = await scan.search.query({ q: SEARCH_QUERIES[kind], limit: SEARCH_LIMIT });
        held = answer.of;
        search.set(row.scenario, { q: SEARCH_QUERIES[kind], firstPage: answer.items.map((t) => t.id), matches: null, scanned: answer.scanned, firstPageMs: performance.now() - asked });
      }
      log(
        `      texts read through the store's port in ${(readMs / 1000).toFixed(1)} s; scan server up in ${(server.startMs / 1000).toFixed(1)} s holding ${held.toLocaleString('en-US')} published texts; texts read for a first page: ${[...search].map(([scenario, f]) => `${scenario} ${f.scanned!.toLocaleString('en-US')} (${(f.firstPageMs! / 1000).toFixed(1)} s)`).join(', ')}`,
      );
      return { server, stored: async () => held, users: [], pool: [], created: 0, search };
    },
    async stop(ctx) {
      await ctx.server?.stop();
      await rm(textsFile(), { force: true });
    },
  };
  return stage;
}

/**
 * pg-fts: the PostgreSQL rows' tweets (a copy of their seeded database) with a GIN index on to_tsvector('simple',
 * content), queried by the generator itself through postgres.js (pg-fts.ts): no server in front.
 */
function pgFtsStage(fixture: PgFixture): Stage {
  const size = fixture.size;
  let database: string | null = null;
  const stage: Stage = {
    name: `PostgreSQL full-text search (GIN) at ${fmtSize(size)} tweets`,
    rows: searchRows('pg-fts', size, 'sql', (q) => () => ({ kind: 'fts', q })),
    async start() {
      const note: Record<string, unknown> = { stage: `pg-fts-${size}` };
      stageNotes.push(note);
      const f = await fixture.copy('fts');
      database = f.name;
      const sql = postgres(dbUrl(f.name), { max: 1, onnotice: () => {} });
      const search = new Map<string, SearchFacts>();
      try {
        const started = performance.now();
        await createFtsIndex(sql);
        const indexMs = performance.now() - started;
        const bytes = (await sql<{ bytes: string }[]>`select pg_relation_size('bench_fts_content')::text as bytes`)[0]!.bytes;
        Object.assign(note, { database: f.name, copyMs: Math.round(f.copyMs), ginIndexMs: Math.round(indexMs), ginIndexBytes: Number(bytes) });
        for (const row of stage.rows) {
          const q = SEARCH_QUERIES[searchKindOf(row.scenario)!];
          search.set(row.scenario, { q, firstPage: (await ftsPage(sql, q)).map((t) => t.id), matches: await ftsCount(sql, q) });
        }
        log(`      database ${f.name} copied in ${(f.copyMs / 1000).toFixed(1)} s; GIN index on to_tsvector('simple', content) built in ${(indexMs / 1000).toFixed(1)} s (${Math.round(Number(bytes) / 1048576)} MB); matches: ${[...search].map(([scenario, m]) => `${scenario} ${m.matches!.toLocaleString('en-US')}`).join(', ')}`);
      } finally {
        await sql.end();
      }
      return { server: null, servers: [], db: new DbProbe(f.name), stored: async () => size, users: [], pool: [], created: 0, search };
    },
    async stop(ctx) {
      await ctx.db?.close();
      if (database) await fixture.drop(database);
    },
  };
  return stage;
}

/** The one-INSERT-per-create baseline (trpc-baseline.ts, BENCH_TARGET=pg) on a copy of the PostgreSQL rows. */
function pgBaselineStage(fixture: PgFixture): Stage {
  const size = fixture.size;
  const w = (op: 'create' | 'get') => (): Workload => ({ kind: 'pg-baseline', op, maxId: size });
  const row = (op: 'create' | 'get', transport: 'http' | 'ws'): RowPlan => ({ target: 'pg-baseline', scenario: op, transport, size, load: transport === 'http' ? httpLoad() : wsLoad(), wsPath: '/trpc', workload: w(op) });
  let database: string | null = null;
  return {
    name: `one durable INSERT per create on PostgreSQL at ${fmtSize(size)} rows`,
    rows: [row('get', 'http'), row('get', 'ws'), row('create', 'http'), row('create', 'ws')],
    async start() {
      const note: Record<string, unknown> = { stage: `pg-baseline-${size}` };
      stageNotes.push(note);
      const f = await fixture.copy('baseline');
      database = f.name;
      Object.assign(note, { database: f.name, copyMs: Math.round(f.copyMs) });
      // its table is filled from the engine's tweets at its start
      const server = await startServer('pg-baseline', here('./targets/trpc-baseline.ts'), { BENCH_TARGET: 'pg', BENCH_DATABASE_URL: dbUrl(f.name) });
      log(`      database ${f.name} copied in ${(f.copyMs / 1000).toFixed(1)} s; baseline up (its table filled from the tweets) in ${(server.startMs / 1000).toFixed(1)} s`);
      const ctx: StageCtx = { server, db: new DbProbe(f.name), stored: async () => size + ctx.created, users: [], pool: [], created: 0 };
      return ctx;
    },
    async stop(ctx) {
      await ctx.server?.stop();
      await ctx.db?.close();
      if (database) await fixture.drop(database);
    },
  };
}

/** The PostgreSQL rows, after the others: the baselines (one INSERT per create, full-text search), then the engine with 1 and with 2 instances. */
function postgresStages(fixture: PgFixture): Stage[] {
  return [
    pgBaselineStage(fixture),
    pgFtsStage(fixture),
    tweetstoreStage(fixture.size, { kind: 'postgres', instances: 1, fixture, insertOnly: true }),
    tweetstoreStage(fixture.size, { kind: 'postgres', instances: 1, fixture }),
    tweetstoreStage(fixture.size, { kind: 'postgres', instances: 2, fixture }),
  ];
}

/** The tweetstore server on PostgreSQL whose create is one INSERT (targets/tweetstore-insert-only.ts). */
const INSERT_ONLY = 'pg-insert-only';

/** What --only matches to run the store-level comparison (pg-store.ts). */
const STORE_LEVEL_LABEL = 'pg-store create';
const STORE_LEVEL_ROUNDS = quick ? 3 : 5;

/** pg-store.ts on a copy of the PostgreSQL rows, in a child process: the engine at its port against one INSERT per create. */
async function runStoreLevel(fixture: PgFixture): Promise<StoreLevel> {
  log(`  ▸ ${STORE_LEVEL_LABEL}: the engine at its port against one durable INSERT per create, ${STORE_LEVEL_ROUNDS} alternating rounds of ${durationMs / 1000} s at 1, 8 and 64 callers (~${Math.ceil((STORE_LEVEL_ROUNDS * 6 * durationMs) / 1000)} s)`);
  const f = await fixture.copy('store');
  try {
    const child = spawnHelper(here('./pg-store.ts'), { BENCH_DATABASE_URL: dbUrl(f.name), BENCH_DURATION_MS: String(durationMs), BENCH_ROUNDS: String(STORE_LEVEL_ROUNDS) });
    const results = await new Promise<StoreLevelResult[]>((resolve, reject) => {
      let done: StoreLevelResult[] | null = null;
      child.on('message', (raw: unknown) => {
        const m = raw as { type: string; callers?: number; kind?: string; round?: number; rounds?: number; opsPerSec?: number; results?: StoreLevelResult[]; message?: string };
        if (m.type === 'progress') log(`      ${m.callers} callers, ${m.kind} round ${m.round}/${m.rounds}: ${Math.round(m.opsPerSec!).toLocaleString('en-US')} creates/s`);
        else if (m.type === 'done') done = m.results!;
        else if (m.type === 'error') reject(new Error(`pg-store.ts failed: ${m.message}`));
      });
      child.once('exit', (code) => (done ? resolve(done) : reject(new Error(`pg-store.ts exited with ${code}`))));
    });
    return { size: fixture.size, rounds: STORE_LEVEL_ROUNDS, roundMs: durationMs, results };
  } finally {
    await fixture.drop(f.name);
  }
}

// ---------------------------------------------------------------------------------------------- generator
function genSpec(row: RowPlan, ctx: StageCtx, ms: number, seed: number): GenSpec {
  const workload = row.workload(ctx);
  const l = row.load;
  if (l.kind === 'closed-sql') {
    if (workload.kind !== 'fts' || !ctx.db) throw new Error(`${label(row)}: a SQL row needs a pg-fts workload and a database`);
    return { transport: 'sql', url: dbUrl(ctx.db.database), clients: l.clients, durationMs: ms, q: workload.q };
  }
  if (!ctx.server) throw new Error(`${label(row)}: no server to send calls to`);
  const url = ctx.server.url;
  // several instances: each connection (socket) to one of them, in turn
  const urls = ctx.servers && ctx.servers.length > 1 ? { urls: ctx.servers.map((s) => s.url) } : {};
  switch (l.kind) {
    case 'closed-http':
      return { transport: 'http', url, ...urls, connections: l.connections, durationMs: ms, workload, seed };
    case 'open-http':
      return { transport: 'http', url, connections: l.connections, rate: l.rate, pacer: l.pacer, durationMs: ms, workload, seed };
    case 'closed-ws':
      return { transport: 'ws', url, ...urls, path: row.wsPath, sockets: l.sockets, inFlight: l.inFlight, durationMs: ms, workload, seed };
    case 'open-ws':
      return { transport: 'ws', url, path: row.wsPath, sockets: l.sockets, inFlight: 1, rate: l.rate, durationMs: ms, workload, seed };
    case 'fanout':
      throw new Error('a fan-out row runs its own steps (runFanoutRow)');
  }
}

// ---------------------------------------------------------------------------------------------- rows
interface Window {
  loopMaxMs: number | null;
  rssMaxBytes: number | null;
  /** the servers' CPU time (user + system) over the window, all instances together */
  cpuMs: number | null;
  instances: number;
  /** the PostgreSQL rows' database over the window */
  db: DbWindow | null;
}

/** The processes under test of a stage: its instances, its one server, or none (pg-fts). */
const serversOf = (ctx: StageCtx): ServerChild[] => ctx.servers ?? (ctx.server ? [ctx.server] : []);

/**
 * Runs `work` as a measured window: the servers' CPU time, their largest event-loop delay (probe) and largest RSS
 * (of several instances: CPU summed, the others the largest of any), and the database's when there is one.
 */
async function measured<T>(ctx: StageCtx, work: () => Promise<T>): Promise<{ value: T } & Window> {
  const servers = serversOf(ctx);
  await Promise.all(servers.map((s) => s.probeReset()));
  const dbEnd = ctx.db ? await ctx.db.start() : null;
  const cpuBefore = servers.map((s) => cpuMsOf(s.pid));
  const rss = () => Math.max(0, ...servers.map((s) => rssOf(s.pid) ?? 0));
  let rssMax = rss();
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rss())), 250);
  let value: T;
  try {
    value = await work();
  } finally {
    clearInterval(sampler);
  }
  const cpuAfter = servers.map((s) => cpuMsOf(s.pid));
  const db = dbEnd ? await dbEnd() : null;
  const probes = await Promise.all(servers.map((s) => s.probeRead()));
  rssMax = Math.max(rssMax, rss(), ...probes.map((p) => p?.rssBytes ?? 0));
  // no server (pg-fts: the generator queries the database itself): nothing of a server to read
  const read = servers.length > 0;
  const cpuMs = read && cpuBefore.every((c, i) => c !== null && cpuAfter[i] !== null) ? cpuAfter.reduce<number>((sum, c, i) => sum + c! - cpuBefore[i]!, 0) : null;
  const loopMaxMs = read && probes.every((p) => p !== null) ? Math.max(...probes.map((p) => p!.maxMs)) : null;
  return { value, loopMaxMs, rssMaxBytes: rssMax || null, cpuMs, instances: servers.length, db };
}

function rowResult(n: number, row: RowPlan, load: LoadShape, stored: number | null, r: LoadResult, w: Window): RowResult {
  return {
    n,
    target: row.target,
    scenario: row.scenario,
    transport: row.transport,
    load: loadLabel(load),
    size: row.size,
    stored,
    opsPerSec: r.opsPerSec,
    p50Ms: r.p50Ms,
    p95Ms: r.p95Ms,
    p99Ms: r.p99Ms,
    maxMs: r.maxMs,
    errors: r.errors,
    errorSamples: r.errorSamples,
    loopMaxMs: w.loopMaxMs,
    rssMaxBytes: w.rssMaxBytes,
    serverCpuUsPerOp: w.cpuMs !== null && r.ok > 0 ? Math.round((w.cpuMs * 1000) / r.ok) : null,
    ...(w.db
      ? { instances: w.instances, dbCpuUsPerOp: r.ok > 0 ? Math.round((w.db.cpuMs * 1000) / r.ok) : null, dbXactsPerOp: r.ok > 0 ? Math.round((100 * w.db.xacts) / r.ok) / 100 : null }
      : {}),
    ratio: null,
    durationMs: r.durationMs,
    ...(r.scheduled !== undefined ? { scheduled: r.scheduled, sendLagMaxMs: r.sendLagMaxMs } : {}),
  };
}

function logResult(r: RowResult, what: string) {
  if (process.stderr.isTTY) process.stderr.write('\x1b[2K');
  log(
    `  [${String(r.n).padStart(2)}] ${what}: ${fmtOps(r.opsPerSec)} ops/s, p99 ${r.p99Ms.toFixed(2)} ms, ${r.errors} errors${r.instances === 0 ? '' : `, loop max ${r.loopMaxMs === null ? '?' : r.loopMaxMs.toFixed(0)} ms, server CPU ${r.serverCpuUsPerOp ?? '?'} µs/op`}${r.instances && r.instances > 1 ? ` (${r.instances} instances together)` : ''}${r.dbCpuUsPerOp !== undefined ? `, database CPU ${r.dbCpuUsPerOp ?? '?'} µs/op and ${r.dbXactsPerOp ?? '?'} transactions/op` : ''}${r.errorSamples.length ? `  (${r.errorSamples[0]!.slice(0, 120)})` : ''}`,
  );
}

/**
 * The server's log lines at warn and above (it runs with LOG_LEVEL=warn), shown and kept in the stage's note: a
 * checkpoint set aside at start once made a 1M restart replay the whole journal, and nobody saw the line.
 */
function reportWarnings(server: ServerChild, note: Record<string, unknown>, when: string): void {
  const seen = (note.serverWarnings as string[] | undefined) ?? [];
  const lines = server
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string };
        return typeof entry.level === 'number' && entry.level >= 40 ? [`${entry.level >= 50 ? 'error' : 'warn'}: ${entry.msg ?? line}`] : [];
      } catch {
        return [];
      }
    });
  // the output kept is its last 20 kB: lines seen before are known by their text
  const fresh = lines.filter((line) => !seen.includes(line));
  for (const line of fresh) log(`      server ${when}: ${line.slice(0, 300)}`);
  if (fresh.length > 0) note.serverWarnings = [...seen, ...fresh];
}

/** Roughly how long a row takes (a fan-out row: subscriptions, warm-up and about four steps). */
function estimateMs(row: RowPlan): number {
  if (row.load.kind === 'fanout') return 2_000 + warmupFor(row) + 4 * (FANOUT_STEP_MS + 1_000);
  return warmupFor(row) + (row.slow ? Math.max(durationMs, SLOW_MIN_MS) : durationMs) + 650;
}

/**
 * A row's measured window: --duration; a slow row's at least SLOW_MIN_MS, and at least SLOW_CALLS calls as long as
 * its first page took at the stage's start (a linear scan for a phrase reads for seconds).
 */
const SLOW_CALLS = 3.5;
const windowFor = (row: RowPlan, ctx: StageCtx) => (row.slow ? Math.max(durationMs, SLOW_MIN_MS, Math.ceil(SLOW_CALLS * (ctx.search?.get(row.scenario)?.firstPageMs ?? 0))) : durationMs);

const isOpenLoop = (l: LoadShape) => l.kind === 'open-http' || l.kind === 'open-ws' || l.kind === 'fanout';
/** Warm-up before a row's window: open-loop rows get a longer one at their own rate (see openWarmupMs). */
const warmupFor = (row: RowPlan) => (row.slow ? 0 : isOpenLoop(row.load) ? openWarmupMs : warmupMs);

async function runRow(row: RowPlan, ctx: StageCtx, gen: Generator, n: number, stored: number | null): Promise<RowResult> {
  const seed = SEED * 1000 + n;
  const isCreate = row.scenario === 'create';
  const warmMs = warmupFor(row);
  let warmup: RowResult['warmup'];
  if (warmMs > 0) {
    const w = await gen.run(genSpec(row, ctx, warmMs, seed + 500));
    if (isCreate) ctx.created += w.ok;
    warmup = { ms: warmMs, opsPerSec: w.opsPerSec, p99Ms: w.p99Ms };
    // let the server finish what the warm-up left in flight before the window opens
    await new Promise((r) => setTimeout(r, 250));
  }
  const m = await measured(ctx, () => gen.run(genSpec(row, ctx, windowFor(row, ctx), seed)));
  if (isCreate) ctx.created += m.value.ok;
  const search = ctx.search?.get(row.scenario);
  const result: RowResult = { ...rowResult(n, row, row.load, stored, m.value, m), ...(warmup ? { warmup } : {}), ...(search ? { search } : {}) };
  logResult(result, isOpenLoop(row.load) && warmup ? `${label(row)} (after ${warmMs / 1000} s warm-up: ${Math.round(warmup.opsPerSec)} ops/s, p99 ${warmup.p99Ms.toFixed(1)} ms)` : label(row));
  return result;
}

/** The fan-out row: open the subscriptions, warm up at the first rate, then one result per rate until one fails. */
async function runFanoutRow(row: RowPlan, ctx: StageCtx, gen: Generator, results: RowResult[]): Promise<void> {
  const urls = serversOf(ctx).map((s) => s.url);
  const { fanout, ms } = await Fanout.open(FANOUT, urls, ctx.users);
  log(`      ${FANOUT.subscribers.toLocaleString('en-US')} subscriptions open in ${(ms / 1000).toFixed(1)} s over ${urls.length} instance(s) (${FANOUT.processes} subscriber process(es), decode: ${FANOUT.decode})`);
  try {
    const warm = warmupFor(row);
    if (warm > 0) ctx.created += (await fanout.step(gen, FANOUT.rates[0]!, warm)).stats.createsAcked;
    const tryRate = async (rate: number) => {
      const stored = await ctx.stored();
      const m = await measured(ctx, () => fanout.step(gen, rate, FANOUT_STEP_MS));
      const { latency, stats, errorSamples } = m.value;
      ctx.created += stats.createsAcked;
      const result: RowResult = { ...rowResult(results.length + 1, row, { kind: 'fanout', subscribers: stats.subscribers, rate }, stored, latency, m), errorSamples, fanout: stats };
      results.push(result);
      const usage = stats.generatorCpuPct.map((c, p) => `${c}% CPU, ${stats.generatorUsPerDelivery[p]} µs/delivery`).join('; ');
      logResult(result, `${label(row)} at ${rate} creates/s (${stats.holds ? 'holds' : 'fails'}; subscriber process${stats.processes > 1 ? 'es' : ''}: ${usage})`);
      return stats.holds;
    };
    let held: number | null = null;
    let failed: number | null = null;
    for (const rate of FANOUT.rates) {
      if (cancelling) return;
      if (!(await tryRate(rate))) {
        failed = rate;
        break;
      }
      held = rate;
    }
    // full mode: one more step halfway between the last rate that held and the first that failed
    if (!quick && !cancelling && held !== null && failed !== null) await tryRate(Math.round((held + failed) / 2));
  } finally {
    await fanout.close();
  }
}

function fanoutSummary(results: RowResult[]) {
  const steps = results.flatMap((r) => (r.fanout ? [r.fanout] : []));
  if (!steps.length) return null;
  return { subscribers: FANOUT.subscribers, processes: FANOUT.processes, decode: FANOUT.decode, p99LimitMs: FANOUT.p99LimitMs, highestRateThatHolds: highestHolding(steps), steps };
}

// ---------------------------------------------------------------------------------------------- run
function machine() {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: REPO, encoding: 'utf8' }).trim();
    if (dirty) commit += ' + uncommitted changes';
  } catch {}
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    commit,
    loadAvgAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

function commandLine(): string {
  return process.env.npm_lifecycle_event === 'bench' ? `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}` : `tsx packages/bench/src/main.ts ${argv.join(' ')}`.trim();
}

let cancelling = false;
let generator: Generator | null = null;

async function cleanup() {
  generator?.stop();
  await killAll(5_000);
  for (const fixture of pgFixtures) await fixture.dropAll().catch((err: unknown) => log(`could not drop the run's databases: ${(err as Error).message}`));
  if (tmpRoot) await rm(tmpRoot, { recursive: true, force: true });
  for (const dir of tempDirsOutsideRoot) await rm(dir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (cancelling) return;
    cancelling = true;
    log(`\n${signal}: stopping the servers and the load generator, removing temporary folders…`);
    const hard = setTimeout(() => process.exit(130), 15_000);
    hard.unref();
    void cleanup().finally(() => {
      log('stopped; nothing was written.');
      process.exit(130);
    });
  });
}

async function main() {
  const started = new Date();
  const info = machine();
  const stages: Stage[] = [statelessStage('raw'), statelessStage('noop-trpc')];
  for (const size of SIZES) {
    stages.push(tweetstoreStage(size));
    if (BASELINE_SIZES.includes(size)) stages.push(linearScanStage(size), jsonServerStage(size), lowdbStage(size));
  }
  const pgFixture = new PgFixture(PG_SIZE);
  pgFixtures.add(pgFixture);
  stages.push(...postgresStages(pgFixture));
  for (const stage of stages) stage.rows = stage.rows.filter((r) => !only || only.test(label(r)));
  const active = stages.filter((s) => s.rows.length);
  const total = active.reduce((n, s) => n + s.rows.length, 0);
  const storeLevelWanted = !only || only.test(STORE_LEVEL_LABEL);
  if (!total && !storeLevelWanted) {
    console.error(`no row matches --only=${option('only')}`);
    process.exit(2);
  }
  tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'tweetstore-bench-'));
  const plannedRows = active.flatMap((s) => s.rows);
  const loadMs = plannedRows.reduce((ms, r) => ms + estimateMs(r), 0);
  log(`tweetstore bench (${mode}): ${total} rows × (${warmupMs / 1000} s warm-up + ${durationMs / 1000} s measured; open-loop rows ${openWarmupMs / 1000} s warm-up) ≈ ${Math.ceil(loadMs / 1000)} s of load, plus server starts and fixtures.`);
  log(`Ctrl-C stops cleanly (servers, load generator, temp folder ${tmpRoot}).`);
  generator = new Generator();
  const results: RowResult[] = [];
  let planned = 0;
  for (const stage of active) {
    if (cancelling) return;
    log(`  ▸ ${stage.name}: starting`);
    const ctx = await stage.start();
    try {
      for (const row of stage.rows) {
        if (cancelling) return;
        planned++;
        const left = Math.ceil(plannedRows.slice(planned - 1).reduce((ms, r) => ms + estimateMs(r), 0) / 1000);
        const stored = await ctx.stored();
        const running = `  [${String(planned).padStart(2)}/${total}] ${label(row)}${stored === null ? '' : ` (stored ${stored.toLocaleString('en-US')})`} … ~${left} s of rows left`;
        if (process.stderr.isTTY) process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s ${running}\r`);
        else log(running);
        if (row.load.kind === 'fanout') await runFanoutRow(row, ctx, generator, results);
        else results.push(await runRow(row, ctx, generator, results.length + 1, stored));
      }
    } finally {
      if (!cancelling) await stage.stop(ctx);
    }
  }

  const storeLevel = storeLevelWanted && !cancelling ? await runStoreLevel(pgFixture) : null;
  if (cancelling) return;

  // ratios to the no-op tRPC mutation over the same transport
  for (const r of results) {
    if (r.fanout) continue; // deliveries per second: nothing to compare with a no-op call
    if (isSearchOrTrends(r.scenario)) continue; // 1 client: its ops/s is its latency, not a throughput to set beside 32x2
    const noop = results.find((x) => x.target === 'noop-trpc' && x.transport === r.transport);
    r.ratio = noop && noop.opsPerSec > 0 ? r.opsPerSec / noop.opsPerSec : null;
  }
  const targetChecks = checks(results, REF_SIZE, BIG_SIZE === null ? null : { size: BIG_SIZE, edits: editsFor(BIG_SIZE) }, startMsAt);
  const pgChecks = [...(storeLevel ? storeLevelChecks(storeLevel) : []), ...postgresChecks(results)];
  const searched = results.some((r) => isSearchOrTrends(r.scenario)) || searchStarts.length > 0;
  const issue15 = searched ? searchChecks(results, searchStarts, REF_SIZE, BIG_SIZE) : [];
  const finished = new Date();
  const command = commandLine();
  const header = [
    `$ ${command}`,
    `tweetstore bench, ${mode} mode, ${started.toISOString()} (${Math.round((finished.getTime() - started.getTime()) / 1000)} s)`,
    `machine: ${info.cpu}, ${info.cores} cores, ${info.memGiB} GiB, ${info.os}, Node ${info.node}; commit ${info.commit}`,
    `rows: ${warmupMs / 1000} s warm-up + ${durationMs / 1000} s measured; open-loop and fan-out rows: ${openWarmupMs / 1000} s warm-up at their own rate first; json-server/naive lowdb writes and linear-scan: no warm-up, ${SLOW_MIN_MS / 1000} s (linear-scan: at least ${SLOW_CALLS}× its first page's time)`,
    `      each server its own process, load from one separate generator process (fan-out subscribers: ${FANOUT.processes} more), 127.0.0.1`,
    `      tweetstore runs with TWEETSTORE_RATE_LIMITS=off: one address and a few accounts send far more than API.md's limits allow`,
    `load: cN = closed loop, N HTTP connections (autocannon); SxK = closed loop, S WebSockets x K calls in flight (tRPC WS JSON-RPC);`,
    `      N conn = closed loop, N PostgreSQL connections from the generator, one query in flight each (pg-fts, transport sql);`,
    `      open R/s = fixed arrival rate, latency from the scheduled time ((ac) = autocannon overallRate, bursty per second);`,
    `      N subs, R/s = fan-out: N WebSockets subscribed to tweet.onChange while creates arrive at R/s for ${FANOUT_STEP_MS / 1000} s; ops/s = deliveries/s,`,
    `      latency = receive - when the create was due, errors = missing + duplicate deliveries + failed creates`,
    `loop max = the server's largest event-loop delay in the window; RSS = its largest VmRSS; × noop = ops/s ÷ no-op tRPC ops/s, same transport`,
  ];
  const loadEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
  header.push(
    `load average (1/5/15 min) at start ${info.loadAvgAtStart.join(' / ')}, at end ${loadEnd.join(' / ')}${
      Math.max(info.loadAvgAtStart[0]!, loadEnd[0]!) > 1.5 ? '  (other processes were using the CPU: every figure is lower than on an idle machine)' : ''
    }`,
  );
  const pgBlock = postgresBlock(results);
  const srchBlock = searchBlock(results);
  const printed = [
    ...header,
    '',
    table(results),
    ...(pgBlock.length ? ['', ...pgBlock] : []),
    ...(storeLevel ? ['', ...storeLevelBlock(storeLevel)] : []),
    ...(srchBlock.length ? ['', ...srchBlock] : []),
    '',
    'issue 4 targets:',
    ...targetChecks.map((c) => `  ${c.status.padEnd(4)}  ${c.name}: ${c.detail}`),
    ...(pgChecks.length ? ['', 'issue 14 targets:', ...pgChecks.map((c) => `  ${c.status.padEnd(4)}  ${c.name}: ${c.detail}`)] : []),
    ...(issue15.length ? ['', `issue 15 targets${BIG_SIZE === null ? ` (quick mode: the 1M figures at ${fmtSize(REF_SIZE)}, as info)` : ''}:`, ...issue15.map((c) => `  ${c.status.padEnd(4)}  ${c.name}: ${c.detail}`)] : []),
  ];
  const errorsSeen = results.filter((r) => r.errorSamples.length);
  if (errorsSeen.length) printed.push('', 'errors (first of each row):', ...errorsSeen.map((r) => `  #${r.n}: ${r.errorSamples[0]}`));
  console.log(printed.join('\n'));

  await mkdir(RESULTS, { recursive: true });
  const json = {
    tool: 'tweetstore-bench',
    version: 1,
    command,
    mode,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    machine: { ...info, loadAvgAtEnd: loadEnd },
    settings: { durationMs, warmupMs, openWarmupMs, fanout: { ...FANOUT, stepMs: FANOUT_STEP_MS }, sizes: SIZES, baselineSizes: BASELINE_SIZES, refSize: REF_SIZE, postgresSize: PG_SIZE, load: LOAD, benchUsers: BENCH_USERS, ownTweetsPerUser: OWN_TWEETS, seed: SEED, seeder, fixtureCache: useCache, only: option('only') ?? null },
    stages: stageNotes,
    rows: results,
    storeLevel,
    checks: [...targetChecks, ...pgChecks, ...issue15],
    searchStarts,
    fanout: fanoutSummary(results),
  };
  const file = path.join(RESULTS, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(json, null, 2) + '\n');
  await writeFile(path.join(RESULTS, 'latest.json'), JSON.stringify(json, null, 2) + '\n');
  log(`written: ${file} and latest.json beside it`);
}

try {
  await main();
  await cleanup();
  if (!cancelling) process.exit(0);
} catch (err) {
  if (!cancelling) {
    log(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanup();
    process.exit(1);
  }
}
