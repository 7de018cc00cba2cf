// A subscription's DirectLane writes its items straight to its WebSocket. Against tRPC's real ws adapter and a raw
// WebSocket client: the bytes are those the adapter writes for a yielded item, each subscription of a batch gets
// its own JSON-RPC id, a stopped one writes nothing more, and a lane the adapter did not start is never used.
import { EventEmitter, on } from 'node:events';
import { initTRPC, tracked } from '@trpc/server';
import { applyWSSHandler, jsonEncoder } from '@trpc/server/adapters/ws';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { DirectLanes, immutableOutput, transformer, type WireSocket } from '../src/wire.ts';

const t = initTRPC.context<{ socket: WireSocket | null }>().create({ transformer });
const lanes = new DirectLanes();
const items = new EventEmitter();
const testRouter = t.router({
  /** Yields (or, with `direct`, sends on its lane) `count` items at once, then one per 'item' event. */
  items: t.procedure.input(z.object({ direct: z.boolean(), count: z.number(), name: z.string() })).subscription(async function* ({ ctx, input, signal }) {
    const lane = input.direct ? lanes.claim(ctx.socket, signal) : null;
    let n = 0;
    const item = (text: string) => {
      n++;
      // a shared, immutable value and a per-subscriber one, as onChange's events are
      return immutableOutput({ text, at: new Date(Date.UTC(2026, 0, n)), tags: ['a', 'b'], paired: lane?.paired ?? false });
    };
    for (let i = 0; i < input.count; i++) {
      const data = item(`${input.name} ${i}`);
      if (!lane?.send(`e${n}`, data)) yield tracked(`e${n}`, data);
    }
    for await (const [text] of on(items, 'item', { signal })) {
      const data = item(text as string);
      if (!lane?.send(`e${n}`, data)) yield tracked(`e${n}`, data);
    }
  }),
});

let wss: WebSocketServer;
let url: string;
beforeAll(async () => {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  applyWSSHandler({ wss, router: testRouter, experimental_encoder: { encode: lanes.encode, decode: jsonEncoder.decode }, createContext: ({ res }) => ({ socket: res }) });
  url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const client of wss.clients) client.terminate();
  await new Promise((resolve) => wss.close(resolve));
});

/** A raw client: what it sends, and every text frame it receives, per JSON-RPC id. */
async function rawClient() {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const frames = new Map<number, string[]>();
  ws.on('message', (data) => {
    const text = String(data);
    const id = (JSON.parse(text) as { id: number }).id;
    frames.set(id, [...(frames.get(id) ?? []), text]);
  });
  const subscribe = (id: number, input: object, jsonrpc?: '2.0') => ({ id, ...(jsonrpc ? { jsonrpc } : {}), method: 'subscription', params: { path: 'items', input: superjson.serialize(input) } });
  return {
    frames,
    send: (message: unknown) => ws.send(JSON.stringify(message)),
    subscribe,
    /** Waits until subscription `id` has received `count` frames. */
    received: (id: number, count: number) => expect.poll(() => frames.get(id)?.length ?? 0).toBeGreaterThanOrEqual(count),
    close: () => ws.close(),
  };
}

const dataOf = (frame: string) => superjson.deserialize((JSON.parse(frame) as { result: { data: never } }).result.data) as { id: string; data: { text: string; paired: boolean } };

describe('DirectLane', () => {
  it('writes an item as exactly the frame the ws adapter writes for the same item yielded', async () => {
    const client = await rawClient();
    try {
      // one batch: the adapter starts both in the same message, with and without a lane
      client.send([client.subscribe(1, { direct: false, count: 3, name: 'x' }, '2.0'), client.subscribe(2, { direct: true, count: 3, name: 'x' }, '2.0')]);
      await client.received(1, 4); // started + 3 items
      await client.received(2, 4);
      items.emit('item', 'live');
      await client.received(1, 5);
      await client.received(2, 5);
      const yielded = client.frames.get(1)!;
      const sent = client.frames.get(2)!;
      expect(yielded[0]).toBe('{"id":1,"jsonrpc":"2.0","result":{"type":"started"}}');
      expect(sent.slice(1).map((f) => f.replace('{"id":2,', '{"id":1,').replace('"paired":true', '"paired":false'))).toEqual(yielded.slice(1));
      // the first item is made before the adapter has answered `started` (no await before it): it is yielded, and
      // the ones sent on the lane after it still come after it
      expect(sent.slice(1).map((f) => dataOf(f).data.paired)).toEqual([false, true, true, true]);
      expect(sent.slice(1).map((f) => dataOf(f).id)).toEqual(['e1', 'e2', 'e3', 'e4']);
      expect(dataOf(sent[4]!)).toMatchObject({ id: 'e4', data: { text: 'live', paired: true } });
    } finally {
      client.close();
    }
  });

  it('gives each subscription of a batch its own id, and a stopped one writes nothing more', async () => {
    const client = await rawClient();
    try {
      client.send([1, 2, 3].map((id) => client.subscribe(id, { direct: true, count: 1, name: 'same' })));
      for (const id of [1, 2, 3]) await client.received(id, 2);
      client.send({ id: 2, method: 'subscription.stop' });
      await client.received(2, 3);
      expect(JSON.parse(client.frames.get(2)![2]!)).toEqual({ id: 2, result: { type: 'stopped' } });
      items.emit('item', 'after the stop');
      await client.received(1, 3);
      await client.received(3, 3);
      for (const id of [1, 3]) expect(client.frames.get(id)!.map((f) => JSON.parse(f).id)).toEqual([id, id, id]);
      expect(dataOf(client.frames.get(3)![2]!).data).toMatchObject({ text: 'after the stop', paired: true });
      // anything written for subscription 2 would have come before the others' items, on the same socket
      expect(client.frames.get(2)).toHaveLength(3);
    } finally {
      client.close();
    }
  });

  it('is never used when no started message is encoded in the run that claimed it', async () => {
    const written: string[] = [];
    const socket: WireSocket = { send: (data) => void written.push(data) };
    const lane = lanes.claim(socket, new AbortController().signal)!;
    await Promise.resolve(); // the claiming run has ended
    lanes.encode({ id: 9, result: { type: 'started' } }); // another subscription's
    expect(lane.paired).toBe(false);
    expect(lane.send('e1', immutableOutput({ text: 'x' }))).toBe(false);
    expect(written).toEqual([]);
    // a run in which the first message encoded is not a started one does not pair either
    const other = lanes.claim(socket, new AbortController().signal)!;
    lanes.encode({ id: 10, result: { type: 'data', data: { json: 1 } } });
    lanes.encode({ id: 11, result: { type: 'started' } });
    expect(other.paired).toBe(false);
    expect(lanes.claim(null, new AbortController().signal)).toBeNull();
  });

  it('is paired only by the encoder of the lanes it was claimed from (each server has its own)', () => {
    const socket: WireSocket = { send() {} };
    const lane = lanes.claim(socket, new AbortController().signal)!;
    new DirectLanes().encode({ id: 5, result: { type: 'started' } }); // another server's adapter
    expect(lane.paired).toBe(false);
    lanes.encode({ id: 5, result: { type: 'started' } });
    expect(lane.paired).toBe(true);
  });

  it('writes nothing once its subscription is aborted', () => {
    const written: string[] = [];
    const controller = new AbortController();
    const lane = lanes.claim({ send: (data) => void written.push(data) }, controller.signal)!;
    lanes.encode({ id: 4, result: { type: 'started' } });
    expect(lane.send('e1', immutableOutput({ text: 'one' }))).toBe(true);
    controller.abort();
    expect(lane.send('e2', immutableOutput({ text: 'two' }))).toBe(true);
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0]!)).toMatchObject({ id: 4, result: { type: 'data', id: 'e1', data: { json: { id: 'e1', data: { text: 'one' } } } } });
  });
});
