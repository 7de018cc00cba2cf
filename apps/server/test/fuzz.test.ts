// No input a client can send makes the server answer 5xx or fall over: random JSON to every procedure, over HTTP
// and over a raw WebSocket.
import fc from 'fast-check';
import { appRouter } from '@tweetstore/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { envelope } from './hostile/arbitraries.ts';
import { closeClient, createClient } from '@tweetstore/client';
import { startServerProcess, tempDataDir, type ServerProcess } from './harness.ts';

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>).map(([path, p]) => ({
  path,
  type: p._def.type,
}));

// (At run time _def.procedures is flat: "tweet.create" -> procedure.)
describe('fuzzing every procedure', () => {
  let server: ServerProcess;
  let remove: () => Promise<void>;
  let token: string;

  beforeAll(async () => {
    const data = await tempDataDir();
    remove = data.remove;
    server = await startServerProcess(data.dir);
    const api = createClient({ url: server.url });
    token = (await api.auth.register.mutate({ username: 'fuzzer', password: 'fuzzer-password' })).token;
    await closeClient(api);
  });
  afterAll(async () => {
    expect(await server.kill('SIGTERM')).toBe(0);
    await remove();
  });

  it('knows the procedures it fuzzes', () => {
    expect(procedures.map((p) => p.path)).toEqual(expect.arrayContaining(['tweet.create', 'tweet.list', 'tweet.onChange', 'auth.login', 'system.stats']));
  });

  it('answers random input to every query and mutation over HTTP with 2xx or 4xx, never 5xx', async () => {
    const statuses = new Map<number, number>();
    const calls = procedures.filter((p) => p.type !== 'subscription');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...calls), envelope, fc.boolean(), async ({ path, type }, value, signedIn) => {
        const encoded = JSON.stringify(value);
        const headers: Record<string, string> = signedIn ? { authorization: `Bearer ${token}` } : {};
        const response =
          type === 'query'
            ? await fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(encoded)}`, { headers })
            : await fetch(`${server.url}/trpc/${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: encoded });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const body = await response.text();
        expect(response.status, `${path} ${encoded} -> ${body.slice(0, 300)}`).toBeLessThan(500);
      }),
      { numRuns: 600 },
    );
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('answers random input to every procedure over WebSocket with a typed error or a result, and an error changes nothing', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/trpc`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const headSeq = async () => ((await (await fetch(`${server.url}/readyz`)).json()) as { headSeq: number }).headSeq;
    let id = 0;
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...procedures), envelope, async ({ path, type }, input) => {
        const callId = ++id;
        const before = await headSeq();
        ws.send(JSON.stringify({ id: callId, jsonrpc: '2.0', method: type, params: { path, input } }));
        const reply = await new Promise<{ result?: { type: string }; error?: { json: { message: string; data: { code: string; httpStatus: number } } } }>((resolve) => {
          const onMessage = (data: WebSocket.RawData) => {
            const text = data.toString();
            if (text === 'PING') return void ws.send('PONG');
            const message = JSON.parse(text) as { id: number | null; result?: { type: string } };
            // a message refused whole (before it is parsed) is answered without an id
            if (message.id !== callId && message.id !== null) return;
            ws.off('message', onMessage);
            resolve(message);
          };
          ws.on('message', onMessage);
        });
        if (type === 'subscription' && reply.result?.type === 'started') ws.send(JSON.stringify({ id: callId, method: 'subscription.stop' }));
        const error = reply.error?.json;
        if (error) {
          codes.set(error.data.code, (codes.get(error.data.code) ?? 0) + 1);
          expect(error.data.httpStatus, `${path} ${JSON.stringify(input).slice(0, 200)} -> ${error.message}`).toBeLessThan(500);
          expect(error.message).not.toMatch(/destructure|Cannot read|is not a function|internal error/);
          expect(await headSeq()).toBe(before);
        }
      }),
      { numRuns: 400 },
    );
    expect(codes.get('BAD_REQUEST')).toBeGreaterThan(0);
    ws.close();
  });

  it('survives garbage, oversized and random messages on a raw WebSocket', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/trpc`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const replies: string[] = [];
    ws.on('message', (m) => replies.push(m.toString()));
    ws.send('not json at all');
    ws.send(JSON.stringify({ id: 1, method: 'nope', params: {} }));
    ws.send(JSON.stringify({ id: 2, method: 'subscription', params: { path: 'tweet.onChange', input: { json: { lastEventId: 42 } } } }));
    ws.send(JSON.stringify({ id: 3, method: 'query', params: { path: 'tweet.get', input: { json: { id: '\uD800' } } } }));
    ws.send(JSON.stringify({ id: 4, method: 'subscription', params: { path: 'tweet.onEngagement', input: { json: { ids: [] } } } }));
    await new Promise((r) => setTimeout(r, 500));
    expect(replies.join('\n')).toContain('"code":-32600'); // BAD_REQUEST for invalid subscription input
    expect(replies.join('\n')).not.toContain('INTERNAL_SERVER_ERROR');
    // A message over TWEETSTORE_MAX_BODY_BYTES closes that socket (1009), and nothing else.
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const api = createClient({ url: server.url });
    expect((await api.system.health.query()).ok).toBe(true);
    await closeClient(api);
  });
});
