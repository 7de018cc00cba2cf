// No input a client can send makes the server answer 5xx or fall over: random JSON to every procedure, over HTTP
// and over a raw WebSocket.
import fc from 'fast-check';
import { appRouter } from '@tweetstore/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeClient, createClient } from '@tweetstore/client';
import { startServerProcess, tempDataDir, type ServerProcess } from './harness.ts';

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>).map(([path, p]) => ({
  path,
  type: p._def.type,
}));

// (At run time _def.procedures is flat: "tweet.create" -> procedure.)
// Field names the procedures read, so random values reach past the first layer of validation.
const fields = ['content', 'id', 'ids', 'cursor', 'limit', 'authorId', 'replyToId', 'includeArchived', 'expectedVersion', 'from', 'to', 'toVersion', 'action', 'draft', 'idempotencyKey', 'mediaIds', 'lastEventId', 'username', 'password', 'displayName'];
const input = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom(...fields), fc.jsonValue(), { maxKeys: 5 }),
  fc.dictionary(fc.constantFrom(...fields), fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.constant('01JZZZZZZZZZZZZZZZZZZZZZZZ')), { maxKeys: 5 }),
);

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
      fc.asyncProperty(fc.constantFrom(...calls), input, fc.boolean(), fc.boolean(), async ({ path, type }, value, wrapped, signedIn) => {
        const encoded = JSON.stringify(wrapped ? { json: value } : value);
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
