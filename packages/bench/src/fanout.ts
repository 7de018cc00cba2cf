// The fan-out scenario of issue 4: N WebSocket subscribers on `tweet.onChange` (hosted by their own generator
// processes, see loadgen/subscribers.ts) while a separate open-loop caller (the main generator) creates tweets at a
// fixed rate. One step = one rate: every subscriber must receive every acknowledged create exactly once, with p99
// delivery latency (receive time - when the create was due) within the limit. The orchestrator steps the rate up
// until a step fails, and reports the highest rate that held.
import { Generator } from './generator.ts';
import { Recorder, type LoadResult } from './loadgen/stats.ts';
import type { StepResult } from './loadgen/subscribers.ts';
import type { BenchUser } from './loadgen/workload.ts';
import { epochNow } from './loadgen/ws.ts';

export interface FanoutSettings {
  subscribers: number;
  /** generator processes hosting the subscribers (the creator runs in the main generator) */
  processes: number;
  decode: 'scan' | 'superjson';
  /** the create rates tried, in order, until one fails */
  rates: number[];
  /** the rate the issue's target names */
  targetRate: number;
  p99LimitMs: number;
  /** after the creates, how long a subscriber may still take to receive them before they count as missing */
  settleMs: number;
  creatorSockets: number;
}

/** What a fan-out row adds to its RowResult. */
export interface FanoutStats {
  rate: number;
  subscribers: number;
  processes: number;
  decode: 'scan' | 'superjson';
  /** creates scheduled / acknowledged / failed, and the creates' own p99 (ms, from when each was due) */
  creates: number;
  createsAcked: number;
  createErrors: number;
  createP99Ms: number;
  sendLagMaxMs: number;
  /** acknowledged creates x subscribers */
  expected: number;
  delivered: number;
  missing: number;
  duplicates: number;
  subscribersMissing: number;
  /** every subscriber got every acknowledged create exactly once, every create succeeded, p99 within the limit */
  holds: boolean;
  /** per subscriber process: CPU (% of one core) and largest event-loop delay (ms) over the step */
  generatorCpuPct: number[];
  generatorLoopMaxMs: number[];
  /** per subscriber process: its CPU time per delivery, µs (1e6 / this = deliveries/s one core can take) */
  generatorUsPerDelivery: number[];
}

export interface StepOutcome {
  latency: LoadResult;
  stats: FanoutStats;
  errorSamples: string[];
}

export class Fanout {
  private readonly hosts: Generator[];
  private nextStep = 1;

  private constructor(
    private readonly settings: FanoutSettings,
    private readonly url: string,
    private readonly users: BenchUser[],
  ) {
    this.hosts = Array.from({ length: settings.processes }, () => new Generator());
  }

  /** Spawn the subscriber processes and open every subscription (subscriber k signs in as bench user k mod users). */
  /** `urls`: the instances the subscribers are spread over (subscriber k on urls[k % n]); creates go to the first. */
  static async open(settings: FanoutSettings, urls: string[], users: BenchUser[]): Promise<{ fanout: Fanout; ms: number }> {
    const url = urls[0]!;
    const started = performance.now();
    const fanout = new Fanout(settings, url, users);
    try {
      const tokens = Array.from({ length: settings.subscribers }, (_, k) => users[k % users.length]!.token);
      const per = Math.ceil(tokens.length / fanout.hosts.length);
      const opened = await Promise.all(fanout.hosts.map((h, p) => h.subscribe({ url, urls, tokens: tokens.slice(p * per, (p + 1) * per), decode: settings.decode })));
      const total = opened.reduce((n, o) => n + o.opened, 0);
      if (total !== settings.subscribers) throw new Error(`opened ${total} of ${settings.subscribers} subscriptions`);
    } catch (err) {
      await fanout.close();
      throw err;
    }
    return { fanout, ms: performance.now() - started };
  }

  /** Create at `rate` for `durationMs` from `creator` and count what every subscriber received. */
  async step(creator: Generator, rate: number, durationMs: number): Promise<StepOutcome> {
    const s = this.settings;
    const step = this.nextStep++;
    // far enough ahead for every process to hear of the step and the creator to open its sockets
    const t0EpochMs = epochNow() + 500;
    const capacity = Math.ceil((rate * durationMs) / 1000) + 1;
    await Promise.all(this.hosts.map((h) => h.beginStep({ step, rate, t0EpochMs, capacity })));
    const created = await creator.run({
      transport: 'ws',
      url: this.url,
      path: '/trpc',
      sockets: s.creatorSockets,
      inFlight: 1,
      rate,
      durationMs,
      workload: { kind: 'fanout', step, users: this.users },
      seed: 7_000 + step,
      startAtEpochMs: t0EpochMs,
      drainMs: s.settleMs,
      reportAcked: true,
    });
    const acked = created.acked ?? [];
    const parts: StepResult[] = await Promise.all(this.hosts.map((h) => h.settleStep(acked, s.settleMs)));
    const rec = Recorder.merged(parts.map((p) => p.histogram));
    const latency = rec.result(durationMs);
    rec.destroy();
    const sum = (f: (p: StepResult) => number) => parts.reduce((n, p) => n + f(p), 0);
    const subscribers = sum((p) => p.subscribers);
    const stats: FanoutStats = {
      rate,
      subscribers,
      processes: this.hosts.length,
      decode: s.decode,
      creates: created.scheduled ?? 0,
      createsAcked: acked.length,
      createErrors: created.errors,
      createP99Ms: created.p99Ms,
      sendLagMaxMs: created.sendLagMaxMs ?? 0,
      expected: acked.length * subscribers,
      delivered: latency.ok,
      missing: sum((p) => p.missing),
      duplicates: sum((p) => p.duplicates),
      subscribersMissing: sum((p) => p.subscribersMissing),
      holds: false,
      generatorCpuPct: parts.map((p) => Math.round(p.cpuPct)),
      generatorLoopMaxMs: parts.map((p) => Math.round(p.loopMaxMs)),
      generatorUsPerDelivery: parts.map((p) => Math.round(p.cpuUsPerDelivery * 10) / 10),
    };
    const socketErrors = parts.flatMap((p) => p.errors);
    stats.holds =
      stats.creates > 0 &&
      stats.createsAcked === stats.creates &&
      stats.missing === 0 &&
      stats.duplicates === 0 &&
      socketErrors.length === 0 &&
      latency.p99Ms <= s.p99LimitMs;
    const errorSamples = [
      ...(stats.missing ? [`${stats.missing} deliveries missing at ${stats.subscribersMissing} subscribers (${s.settleMs / 1000} s after the last create)`] : []),
      ...(stats.duplicates ? [`${stats.duplicates} duplicate deliveries`] : []),
      ...(stats.createsAcked < stats.creates ? [`${stats.creates - stats.createsAcked} of ${stats.creates} creates not acknowledged${created.errorSamples[0] ? `: ${created.errorSamples[0]}` : ''}`] : []),
      ...socketErrors,
    ].slice(0, 3);
    // the row's figures: deliveries per second of the step, delivery latency, every missing or duplicate delivery an error
    latency.errors = stats.missing + stats.duplicates + socketErrors.length + (stats.creates - stats.createsAcked);
    return { latency, stats, errorSamples };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.hosts.map((h) => h.unsubscribe()));
    await Promise.allSettled(this.hosts.map((h) => h.close()));
  }
}
