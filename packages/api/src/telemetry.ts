// Request telemetry: Prometheus metrics for /metrics, and the same numbers per second for system.stats/onStats.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Clock, Velocity } from '@tweetstore/core';
import type { StoreStats, TweetStore } from '@tweetstore/store';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { localInstanceBoard, type InstanceBoard, type InstanceFigures } from './instances.ts';

export interface ProcedureStats {
  path: string;
  calls: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface TopTweet {
  id: string;
  score: number;
  velocity: Velocity;
  content: string;
  author: string;
}

export interface Stats {
  at: Date;
  uptimeMs: number;
  /** Calls completed in the last full second. */
  requestsPerSecond: number;
  /** Share of those calls that failed (0..1). */
  errorRate: number;
  latencyMs: { p50: number; p95: number; p99: number };
  procedures: ProcedureStats[];
  memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number };
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  connections: { webSockets: number; subscriptions: number };
  store: StoreFigures;
  topTweets: TopTweet[];
  /** The id of the instance that answered. */
  instance: string;
  /** Every running instance's figures of its last second (this one's among them), by id. */
  instances: InstanceFigures[];
  /** Figures of the services the instances share, by name (Redis's memory, clients, commands/s); empty alone. */
  shared: Record<string, number>;
}

/** One second's figures that need nothing but this process: what the dashboard's charts plot. */
export type SecondStats = Pick<Stats, 'at' | 'requestsPerSecond' | 'errorRate' | 'latencyMs' | 'memory' | 'eventLoopDelayMs' | 'connections'>;

/** How many past seconds `history()` keeps: the minute a dashboard's charts open with. */
export const STATS_HISTORY_SECONDS = 60;

/**
 * The store's stats: every engine's counts and its own details map, whose figures are also sent at the top level,
 * where clients written before the map read the embedded engine's (journalBytes, checkpointBytes, ...).
 */
export type StoreFigures = StoreStats & { readonly [detail: string]: unknown };

function storeFigures(stats: StoreStats): StoreFigures {
  return { ...stats.details, ...stats };
}

export interface Telemetry {
  readonly registry: Registry;
  /** /metrics: the registry's text, with the store's figures read for it. */
  metrics(): Promise<string>;
  recordCall(path: string, type: string, durationMs: number, errorCode: string | null): void;
  /** Count an open subscription; call the returned function when it ends. */
  openSubscription(): () => void;
  snapshot(): Promise<Stats>;
  /** The last STATS_HISTORY_SECONDS seconds' figures, oldest first, so a dashboard opened now has a past to show. */
  history(): SecondStats[];
  close(): void;
}

export interface TelemetryOptions {
  store: TweetStore;
  clock: Clock;
  /** Open WebSocket connections, as the transport knows them. */
  webSockets?: () => number;
  /** Samples kept per second for percentiles (a reservoir beyond that). */
  samplesPerSecond?: number;
  /** Where the instances publish their figures; default a board of this process alone. */
  board?: InstanceBoard;
  /** Told when the board's service fails (figures not published, or not read); it is tried again next time. */
  onPublishError?: (error: unknown) => void;
}

interface Window {
  calls: number;
  errors: number;
  samples: number[];
  perPath: Map<string, { calls: number; errors: number; samples: number[] }>;
}

const emptyWindow = (): Window => ({ calls: 0, errors: 0, samples: [], perPath: new Map() });

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** journalBytes -> journal_bytes; anything a metric name cannot hold becomes _. */
const snakeCase = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const { store, clock } = options;
  const board = options.board ?? localInstanceBoard(`local:${process.pid}`);
  const maxSamples = options.samplesPerSecond ?? 10_000;
  const startedAt = clock.now();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const calls = new Counter({ name: 'tweetstore_calls_total', help: 'tRPC calls by procedure and result code', labelNames: ['path', 'type', 'code'], registers: [registry] });
  const duration = new Histogram({
    name: 'tweetstore_call_duration_seconds',
    help: 'tRPC call duration by procedure',
    labelNames: ['path', 'type'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  let subscriptions = 0;
  new Gauge({ name: 'tweetstore_subscriptions', help: 'open subscriptions', registers: [registry], collect() { this.set(subscriptions); } });
  new Gauge({ name: 'tweetstore_websockets', help: 'open WebSocket connections', registers: [registry], collect() { this.set(options.webSockets?.() ?? 0); } });
  // The store's figures, read once per scrape: the head, the tweets, and each of the engine's details as
  // tweetstore_store_<its name in snake case> (the embedded engine's journalBytes: tweetstore_store_journal_bytes).
  const storeGauges = new Map<string, Gauge>();
  const storeGauge = (name: string, help: string) => {
    let gauge = storeGauges.get(name);
    if (!gauge) storeGauges.set(name, (gauge = new Gauge({ name: `tweetstore_store_${name}`, help, registers: [registry] })));
    return gauge;
  };
  const readStoreFigures = async () => {
    const s = await store.stats();
    storeGauge('head_seq', 'newest durable event seq').set(s.headSeq);
    storeGauge('tweets', 'stored tweets').set(s.tweets);
    for (const [name, value] of Object.entries(s.details)) storeGauge(snakeCase(name), `${s.engine} engine: ${name}`).set(value);
    const { instances, shared } = await readBoard();
    instanceCount.set(instances.length);
    for (const [name, value] of Object.entries(shared)) sharedGauge(snakeCase(name), name).set(value);
  };
  /** What the board shows; while its service fails, this instance's own last figures and nothing shared. */
  let published: InstanceFigures | undefined;
  const readBoard = async (): Promise<{ instances: InstanceFigures[]; shared: Record<string, number> }> => {
    try {
      const [instances, shared] = await Promise.all([board.list(), board.shared()]);
      return { instances, shared };
    } catch (error) {
      options.onPublishError?.(error);
      return { instances: published ? [published] : [], shared: {} };
    }
  };
  // Each instance is scraped for its own figures; these say which instance answered and what all of them share.
  new Gauge({ name: 'tweetstore_instance_info', help: 'this instance (label: its id)', labelNames: ['instance'], registers: [registry] }).set({ instance: board.self }, 1);
  const instanceCount = new Gauge({ name: 'tweetstore_instances', help: 'instances that published figures in the last 10 s', registers: [registry] });
  const sharedGauges = new Map<string, Gauge>();
  const sharedGauge = (name: string, help: string) => {
    let gauge = sharedGauges.get(name);
    if (!gauge) sharedGauges.set(name, (gauge = new Gauge({ name: `tweetstore_shared_${name}`, help: `shared service: ${help}`, registers: [registry] })));
    return gauge;
  };

  // The histogram records each whole sampling interval, so an idle loop reads ~resolution: subtract it.
  const LOOP_RESOLUTION_MS = 10;
  const loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const delayMs = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  loopDelay.enable();
  let current = emptyWindow();
  let last = { window: emptyWindow(), loop: { p50: 0, p99: 0, max: 0 } };
  const recent: SecondStats[] = [];

  /** The figures of the second just ended, as they are at `at`. */
  function secondStats(at: number): SecondStats {
    const { window, loop } = last;
    const all = [...window.samples].sort((a, b) => a - b);
    const memory = process.memoryUsage();
    return {
      at: new Date(at),
      requestsPerSecond: window.calls,
      errorRate: window.calls ? window.errors / window.calls : 0,
      latencyMs: { p50: round(percentile(all, 0.5)), p95: round(percentile(all, 0.95)), p99: round(percentile(all, 0.99)) },
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal },
      eventLoopDelayMs: { p50: round(loop.p50), p99: round(loop.p99), max: round(loop.max) },
      connections: { webSockets: options.webSockets?.() ?? 0, subscriptions },
    };
  }

  function sample(into: number[], ms: number, seen: number) {
    if (into.length < maxSamples) into.push(ms);
    else {
      const slot = Math.floor(Math.random() * seen);
      if (slot < maxSamples) into[slot] = ms;
    }
  }

  const roll = setInterval(() => {
    last = {
      window: current,
      loop: { p50: delayMs(loopDelay.percentile(50)), p99: delayMs(loopDelay.percentile(99)), max: delayMs(loopDelay.max) },
    };
    loopDelay.reset();
    current = emptyWindow();
    recent.push(secondStats(clock.now()));
    if (recent.length > STATS_HISTORY_SECONDS) recent.shift();
    void publish().catch((error: unknown) => options.onPublishError?.(error));
  }, 1000);
  roll.unref();

  /** This instance's figures of the second just ended, on the board for every instance to show. */
  async function publish() {
    const { window, loop } = last;
    const s = await store.stats();
    await board.publish((published = {
      id: board.self,
      startedAt,
      at: clock.now(),
      requestsPerSecond: window.calls,
      errorRate: window.calls ? window.errors / window.calls : 0,
      p99Ms: round(percentile([...window.samples].sort((a, b) => a - b), 0.99)),
      eventLoopDelayP99Ms: round(loop.p99),
      rssBytes: process.memoryUsage.rss(),
      webSockets: options.webSockets?.() ?? 0,
      subscriptions,
      headSeq: await store.events.head(),
      details: s.details,
    }));
  }

  return {
    registry,
    async metrics() {
      await readStoreFigures();
      return registry.metrics();
    },
    recordCall(path, type, durationMs, errorCode) {
      calls.inc({ path, type, code: errorCode ?? 'OK' });
      duration.observe({ path, type }, durationMs / 1000);
      const failed = errorCode !== null;
      current.calls++;
      if (failed) current.errors++;
      sample(current.samples, durationMs, current.calls);
      let p = current.perPath.get(path);
      if (!p) current.perPath.set(path, (p = { calls: 0, errors: 0, samples: [] }));
      p.calls++;
      if (failed) p.errors++;
      sample(p.samples, durationMs, p.calls);
    },
    openSubscription() {
      subscriptions++;
      let open = true;
      return () => {
        if (open) subscriptions--;
        open = false;
      };
    },
    async snapshot() {
      const { window } = last;
      const procedures = [...window.perPath].map(([path, p]) => {
        const sorted = [...p.samples].sort((a, b) => a - b);
        return { path, calls: p.calls, errors: p.errors, p50Ms: round(percentile(sorted, 0.5)), p95Ms: round(percentile(sorted, 0.95)), p99Ms: round(percentile(sorted, 0.99)) };
      });
      const top = await store.topByVelocity(10);
      const topTweets: TopTweet[] = [];
      for (const entry of top) {
        const tweet = await store.getTweet(entry.tweetId, null);
        if (tweet) topTweets.push({ id: tweet.id, score: entry.score, velocity: tweet.engagement.velocity, content: tweet.content, author: tweet.author.username });
      }
      const { instances, shared } = await readBoard();
      const now = clock.now();
      return {
        ...secondStats(now),
        uptimeMs: now - startedAt,
        procedures,
        store: storeFigures(await store.stats()),
        topTweets,
        instance: board.self,
        instances,
        shared,
      };
    },
    history: () => [...recent],
    close() {
      clearInterval(roll);
      loopDelay.disable();
    },
  };
}
