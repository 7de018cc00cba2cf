// Fan-out subscribers, hosted by a load-generator process: WebSockets each holding one tRPC subscription to
// `tweet.onChange` (signed in, as the web client is), counting every delivery of a fan-out create per subscriber.
// A create's text carries `#fanout<step>_<i>` and call i of a step is due at t0 + i/rate (the creator's open-loop
// schedule, shared as epoch ms), so a delivery's latency = its receive time - when its create was due, and a
// subscriber that gets i twice (a duplicate) or never (missing) is seen without shipping every delivery over IPC.
// `decode`: 'scan' finds the envelope's type and the tag by string search (a few µs a message), 'superjson' decodes
// each message as the tRPC client does (JSON.parse + superjson.deserialize, ~50 µs a 1 KB message here), to show
// what a real client's decoding costs the generator.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import superjson from 'superjson';
import type WebSocket from 'ws';
import { Recorder } from './stats.ts';
import { FANOUT_TAG } from './workload.ts';
import { epochNow, openSocket } from './ws.ts';

export interface SubscribeSpec {
  /** the server's base URL */
  url: string;
  /** several instances' URLs: subscriber k subscribes on urls[k % urls.length] (spread over the instances) */
  urls?: string[];
  /** one session token per subscriber */
  tokens: string[];
  decode: 'scan' | 'superjson';
}

export interface StepSpec {
  step: number;
  rate: number;
  /** when call 0 of the step is due, epoch ms */
  t0EpochMs: number;
  /** calls the step can have at most (rate x duration, rounded up) */
  capacity: number;
}

export interface StepResult {
  subscribers: number;
  /** deliveries of this step's creates (first copies only) */
  delivered: number;
  /** acknowledged creates a subscriber never received (summed over subscribers) */
  missing: number;
  duplicates: number;
  subscribersMissing: number;
  /** deliveries of creates that were never acknowledged (their call failed or was dropped) */
  unacknowledged: number;
  /** encoded HDR histogram of the delivery latencies (Recorder.merged) */
  histogram: string;
  /** this process's CPU time over the step's wall time, % of one core */
  cpuPct: number;
  /** this process's CPU time per delivery received, µs (socket reads, framing, decoding, counting) */
  cpuUsPerDelivery: number;
  /** this process's largest event-loop delay during the step, ms */
  loopMaxMs: number;
  errors: string[];
}

const SUBSCRIBE = (id: number) => JSON.stringify({ id, method: 'subscription', params: { path: 'tweet.onChange', input: superjson.serialize({}) } });
const OPEN_IN_PARALLEL = 100;

export class Subscribers {
  private sockets: WebSocket[] = [];
  private step: (StepSpec & { interval: number; counts: Uint8Array; rec: Recorder; duplicates: number; outside: number; cpu: NodeJS.CpuUsage; wall: number }) | null = null;
  /** while settling: how many (subscriber, acknowledged create) deliveries are still awaited */
  private awaited: { acked: Uint8Array; left: number; done(): void } | null = null;
  private readonly errors: string[] = [];
  private readonly loop = monitorEventLoopDelay({ resolution: 10 });

  constructor(private readonly spec: SubscribeSpec) {
    this.loop.enable();
  }

  /** Open every socket and subscription; resolves once the server has answered each with `started`. */
  async open(): Promise<{ opened: number; ms: number }> {
    const started = performance.now();
    const bases = (this.spec.urls ?? [this.spec.url]).map((url) => `${url.replace(/^http/, 'ws').replace(/\/+$/, '')}/trpc`);
    for (let from = 0; from < this.spec.tokens.length; from += OPEN_IN_PARALLEL) {
      const tokens = this.spec.tokens.slice(from, from + OPEN_IN_PARALLEL);
      this.sockets.push(...(await Promise.all(tokens.map((token, k) => this.subscribe(bases[(from + k) % bases.length]!, token, from + k)))));
    }
    return { opened: this.sockets.length, ms: performance.now() - started };
  }

  private async subscribe(base: string, token: string, k: number): Promise<WebSocket> {
    const ws = await openSocket(base, token);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`subscriber ${k}: no 'started' within 30 s`)), 30_000);
      ws.on('message', (data: Buffer) => {
        const now = epochNow();
        const text = data.toString();
        if (text === 'PING') return void ws.send('PONG');
        if (text.startsWith('{"id":1,"result":{"type":"started"}')) {
          clearTimeout(timer);
          return resolve();
        }
        if (text.startsWith('{"id":1,"error"')) {
          clearTimeout(timer);
          return reject(new Error(`subscriber ${k}: ${text.slice(0, 300)}`));
        }
        this.delivery(k, now, text);
      });
      ws.on('close', () => this.error(`subscriber ${k}: socket closed by the server`));
      ws.on('error', (err) => this.error(`subscriber ${k}: ${err.message}`));
      ws.send(SUBSCRIBE(1));
    });
    return ws;
  }

  private error(what: string) {
    if (this.errors.length < 20) this.errors.push(what);
  }

  /** The call index a message delivers for the current step, or -1. */
  private indexOf(text: string, step: number): number {
    let content: string;
    if (this.spec.decode === 'superjson') {
      const msg = JSON.parse(text) as { result?: { type?: string; data?: Parameters<typeof superjson.deserialize>[0] } };
      if (msg.result?.type !== 'data' || !msg.result.data) return -1;
      const event = superjson.deserialize<{ id: string; data: { type: string; tweet?: { content: string } } }>(msg.result.data);
      if (event.data.type !== 'created' || !event.data.tweet) return -1;
      content = event.data.tweet.content;
    } else {
      if (!text.startsWith('{"id":1,"result":{"type":"data"') || !text.includes('"data":{"type":"created"')) return -1;
      content = text;
    }
    const at = content.indexOf(FANOUT_TAG);
    if (at < 0) return -1;
    let i = at + FANOUT_TAG.length;
    let s = 0;
    let c = content.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      s = s * 10 + c - 48;
      c = content.charCodeAt(++i);
    }
    if (s !== step || c !== 95 /* _ */) return -1;
    let n = 0;
    c = content.charCodeAt(++i);
    if (!(c >= 48 && c <= 57)) return -1;
    while (c >= 48 && c <= 57) {
      n = n * 10 + c - 48;
      c = content.charCodeAt(++i);
    }
    return n;
  }

  private delivery(k: number, now: number, text: string) {
    const step = this.step;
    if (!step) return;
    const i = this.indexOf(text, step.step);
    if (i < 0) return;
    if (i >= step.capacity) return void step.outside++;
    const slot = k * step.capacity + i;
    const seen = step.counts[slot]!;
    if (seen === 0) {
      step.rec.success(now - (step.t0EpochMs + i * step.interval));
      const awaited = this.awaited;
      if (awaited && awaited.acked[i] && --awaited.left === 0) awaited.done();
    } else step.duplicates++;
    if (seen < 255) step.counts[slot] = seen + 1;
  }

  /** Start counting the deliveries of a step's creates. */
  begin(spec: StepSpec): void {
    this.step?.rec.destroy();
    this.awaited = null;
    this.errors.length = 0;
    this.loop.reset();
    this.step = {
      ...spec,
      interval: 1000 / spec.rate,
      counts: new Uint8Array(this.sockets.length * spec.capacity),
      rec: new Recorder(),
      duplicates: 0,
      outside: 0,
      cpu: process.cpuUsage(),
      wall: performance.now(),
    };
  }

  /** Wait until every subscriber has every acknowledged create of the step (or `timeoutMs`), then count. */
  async settle(ackedIndices: number[], timeoutMs: number): Promise<StepResult> {
    const step = this.step;
    if (!step) throw new Error('settle without a step');
    const acked = new Uint8Array(step.capacity);
    for (const i of ackedIndices) if (i < step.capacity) acked[i] = 1;
    let left = 0;
    for (let k = 0; k < this.sockets.length; k++) for (let i = 0; i < step.capacity; i++) if (acked[i] && step.counts[k * step.capacity + i] === 0) left++;
    if (left > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.awaited = { acked, left, done: () => (clearTimeout(timer), resolve()) };
      });
    }
    this.awaited = null;
    this.step = null; // later deliveries of this step are not counted
    const cpu = process.cpuUsage(step.cpu);
    const wallMs = performance.now() - step.wall;
    let missing = 0;
    let subscribersMissing = 0;
    let unacknowledged = 0;
    for (let k = 0; k < this.sockets.length; k++) {
      let own = 0;
      for (let i = 0; i < step.capacity; i++) {
        const seen = step.counts[k * step.capacity + i]!;
        if (acked[i] && seen === 0) own++;
        else if (!acked[i] && seen > 0) unacknowledged++;
      }
      missing += own;
      if (own) subscribersMissing++;
    }
    const result: StepResult = {
      subscribers: this.sockets.length,
      delivered: step.rec.ok,
      missing,
      duplicates: step.duplicates,
      subscribersMissing,
      unacknowledged,
      histogram: step.rec.encoded(),
      cpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      cpuUsPerDelivery: step.rec.ok + step.duplicates > 0 ? (cpu.user + cpu.system) / (step.rec.ok + step.duplicates) : 0,
      loopMaxMs: Math.max(0, this.loop.max / 1e6 - 10),
      errors: [...this.errors, ...(step.outside ? [`${step.outside} deliveries with an index beyond the step's schedule`] : [])],
    };
    step.rec.destroy();
    return result;
  }

  close(): void {
    for (const ws of this.sockets) {
      ws.removeAllListeners('close');
      ws.terminate();
    }
    this.sockets = [];
    this.step?.rec.destroy();
    this.step = null;
    this.loop.disable();
  }
}
