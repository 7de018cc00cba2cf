// The fan-out scenario's accounting: against the real server, every subscriber is credited with every create it
// was sent (so a change of the wire format cannot make the row count nothing); against a WebSocket server that
// drops and repeats deliveries on purpose, the missing and duplicate ones are counted per subscriber.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createClient } from '@tweetstore/client';
import { Fanout, type FanoutSettings } from '../src/fanout.ts';
import { Generator } from '../src/generator.ts';
import { Recorder } from '../src/loadgen/stats.ts';
import { Subscribers } from '../src/loadgen/subscribers.ts';
import { fanoutMarker, type BenchUser } from '../src/loadgen/workload.ts';
import { epochNow } from '../src/loadgen/ws.ts';
import { killAll, startServer, type ServerChild } from '../src/proc.ts';

const SERVER_MAIN = fileURLToPath(new URL('../../../apps/server/src/main.ts', import.meta.url));

describe('fan-out against the real server', { timeout: 60_000 }, () => {
  let dir: string;
  let server: ServerChild;
  let users: BenchUser[];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tweetstore-bench-fanout-'));
    server = await startServer('tweetstore', SERVER_MAIN, { PORT: '0', TWEETSTORE_HOST: '127.0.0.1', TWEETSTORE_DATA_DIR: dir, LOG_LEVEL: 'warn' });
    const api = createClient({ url: server.url });
    users = await Promise.all([0, 1].map(async (i) => ({ token: (await api.auth.register.mutate({ username: `fan${i}`, password: 'bench-password-1' })).token, own: [] })));
  });
  afterAll(async () => {
    await killAll();
    await rm(dir, { recursive: true, force: true });
  });

  for (const decode of ['scan', 'superjson'] as const) {
    it(`credits every subscriber with every acknowledged create, once (decode: ${decode})`, async () => {
      const settings: FanoutSettings = { subscribers: 12, processes: 2, decode, rates: [20], targetRate: 20, p99LimitMs: 100, settleMs: 10_000, creatorSockets: 2 };
      const creator = new Generator();
      const { fanout } = await Fanout.open(settings, [server.url], users);
      try {
        const { stats, latency } = await fanout.step(creator, 20, 1_000);
        expect(stats.creates).toBe(20);
        expect(stats.createsAcked).toBe(20);
        expect(stats).toMatchObject({ subscribers: 12, expected: 240, delivered: 240, missing: 0, duplicates: 0, subscribersMissing: 0 });
        expect(latency.ok).toBe(240);
        expect(latency.errors).toBe(0);
        expect(stats.generatorCpuPct).toHaveLength(2);
      } finally {
        await fanout.close();
        await creator.close();
      }
    });
  }
});

describe('fan-out accounting', () => {
  /** A stand-in for the server that answers each subscription with `started` and then sends what the test says. */
  async function fakeServer() {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    const clients: WebSocket[] = [];
    const pongs: string[] = [];
    wss.on('connection', (ws) => {
      ws.on('message', (data) => {
        const text = String(data);
        if (text === 'PONG') return void pongs.push(text);
        const msg = JSON.parse(text) as { id?: number; method?: string };
        if (msg.method === 'subscription') {
          clients.push(ws);
          ws.send(JSON.stringify({ id: msg.id, result: { type: 'started' } }));
        }
      });
    });
    const url = `http://127.0.0.1:${(wss.address() as { port: number }).port}`;
    return { url, clients, pongs, close: () => new Promise((r) => wss.close(r)) };
  }

  /** A delivery as the tRPC ws adapter sends a tracked onChange event (superjson-serialised data). */
  const delivery = (step: number, i: number, type = 'created') => {
    const event = { id: `${i}@store`, data: { type, tweet: { content: `hello ${fanoutMarker(step, i)}`, createdAt: new Date() } } };
    return JSON.stringify({ id: 1, result: { type: 'data', data: superjson.serialize(event), id: event.id } });
  };

  for (const decode of ['scan', 'superjson'] as const) {
    it(`counts a missing and a duplicate delivery per subscriber, and ignores other steps and events (decode: ${decode})`, async () => {
      const server = await fakeServer();
      const subs = new Subscribers({ url: server.url, tokens: ['a', 'b', 'c'], decode });
      try {
        expect((await subs.open()).opened).toBe(3);
        subs.begin({ step: 7, rate: 100, t0EpochMs: epochNow(), capacity: 10 });
        const [first, second, third] = server.clients;
        for (let i = 0; i < 10; i++) {
          if (i !== 3) first!.send(delivery(7, i)); // subscriber 0 misses create 3
          second!.send(delivery(7, i));
          if (i === 5) second!.send(delivery(7, i)); // subscriber 1 gets create 5 twice
          third!.send(delivery(7, i));
        }
        third!.send(delivery(6, 0)); // an earlier step's straggler
        third!.send(delivery(7, 1, 'edited')); // not a create
        third!.send('PING');
        const result = await subs.settle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 500);
        expect(result).toMatchObject({ subscribers: 3, delivered: 29, missing: 1, duplicates: 1, subscribersMissing: 1, unacknowledged: 0 });
        expect(result.errors).toEqual([]);
        const merged = Recorder.merged([result.histogram]);
        expect(merged.ok).toBe(29);
        merged.destroy();
        expect(server.pongs).toEqual(['PONG']);
      } finally {
        subs.close();
        await server.close();
      }
    });
  }
});
