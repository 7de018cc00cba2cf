// The WebSocket guard (src/ws-guard.ts) against the real server process, driven by a raw socket that sends exactly
// the frames a hostile client would: bad messages get clear, typed errors per call; batches, subscriptions per
// socket and unsent output are bounded; a stop never loses to its subscription's start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeClient, createClient } from '@tweetstore/client';
import { logLines, startServerProcess, tempDataDir, type ServerProcess } from './harness.ts';

interface Reply {
  id: number | string | null;
  result?: { type: string; data?: unknown };
  error?: { json: { message: string; data: { code: string; retryAfterMs?: number } } };
}

/** A raw tRPC WebSocket: send frames, read replies by id. */
class RawSocket {
  readonly replies: Reply[] = [];
  #waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === 'PING' || text === 'PONG') return;
      this.replies.push(JSON.parse(text) as Reply);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }
  static async open(url: string, token?: string): Promise<RawSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/trpc`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new RawSocket(ws);
  }
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  /** Waits until `count` replies match (failing after 20 s with how many did). */
  async until(match: (r: Reply) => boolean, count = 1): Promise<Reply[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = this.replies.filter(match);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`expected ${count} matching replies, got ${found.length} in 20 s`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 1_000);
      });
    }
  }
  close(): void {
    this.ws.close();
  }
}

const call = (id: number, method: string, path: string, json?: unknown) => ({ id, jsonrpc: '2.0', method, params: { path, input: json === undefined ? undefined : { json } } });
const errorOf = (r: Reply) => r.error?.json;

describe('the WebSocket guard', () => {
  let server: ServerProcess;
  let remove: () => Promise<void>;
  let token: string;
  let headSeq: () => Promise<number>;

  beforeAll(async () => {
    const data = await tempDataDir();
    remove = data.remove;
    server = await startServerProcess(data.dir, { TWEETSTORE_MAX_SOCKET_BACKLOG_MB: '1', LOG_LEVEL: 'debug' });
    const api = createClient({ url: server.url });
    token = (await api.auth.register.mutate({ username: 'guarded', password: 'guarded-password' })).token;
    await closeClient(api);
    headSeq = async () => ((await (await fetch(`${server.url}/readyz`)).json()) as { headSeq: number }).headSeq;
  });
  afterAll(async () => {
    expect(await server.kill('SIGTERM')).toBe(0);
    await remove();
  });

  it('answers a call without an input, or a malformed message, with a typed error naming the problem, per call', async () => {
    const socket = await RawSocket.open(server.url);
    socket.send(call(1, 'query', 'tweet.get'));
    socket.send([call(2, 'query', 'system.health'), { id: 3, method: 'query' }, { id: 4, method: 'launch', params: { path: 'x' } }, 'not an object', { method: 'query', params: { path: 'system.health' } }]);
    const replies = await socket.until(() => true, 6);
    const byId = new Map(replies.map((r) => [r.id, r]));
    expect(errorOf(byId.get(1)!)).toMatchObject({ data: { code: 'BAD_REQUEST' } });
    expect(byId.get(2)!.result).toMatchObject({ type: 'data' });
    expect(errorOf(byId.get(3)!)).toMatchObject({ data: { code: 'PARSE_ERROR' }, message: expect.stringContaining('params.path') });
    expect(errorOf(byId.get(4)!)).toMatchObject({ data: { code: 'PARSE_ERROR' }, message: expect.stringContaining('method') });
    expect(replies.filter((r) => r.id === null).map((r) => errorOf(r)!.data.code)).toEqual(['PARSE_ERROR', 'PARSE_ERROR']);
    for (const r of replies) expect(errorOf(r)?.message ?? '').not.toMatch(/destructure|Cannot read|undefined \(reading|internal error/);
    socket.close();
  });

  it('refuses superjson annotations that build anything but plain JSON (a bigint of 100,000 digits) with BAD_REQUEST', async () => {
    const socket = await RawSocket.open(server.url);
    socket.send({ id: 1, method: 'query', params: { path: 'tweet.get', input: { json: { id: '1'.repeat(100_000) }, meta: { values: { id: ['bigint'] }, v: 1 } } } });
    socket.send({ id: 2, method: 'query', params: { path: 'tweet.get', input: { json: { id: {} }, meta: { values: { 'id.__proto__': ['undefined'] }, v: 1 } } } });
    const replies = await socket.until(() => true, 2);
    for (const r of replies) expect(errorOf(r)).toMatchObject({ data: { code: expect.stringMatching(/BAD_REQUEST|PARSE_ERROR/) } });
    expect(errorOf(replies[0]!)!.message).toMatch(/plain JSON/);
    socket.close();
  });

  it('refuses a batch of more than 50 calls whole, and a message nested too deep before parsing it', async () => {
    const socket = await RawSocket.open(server.url, token);
    const before = await headSeq();
    socket.send(Array.from({ length: 51 }, (_, i) => call(i + 1, 'mutation', 'tweet.create', { content: `batched ${i}` })));
    socket.send(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const [tooMany, tooDeep] = await socket.until((r) => r.id === null, 2);
    expect(errorOf(tooMany!)).toMatchObject({ data: { code: 'BAD_REQUEST' }, message: expect.stringContaining('at most 50 calls') });
    expect(errorOf(tooDeep!)).toMatchObject({ data: { code: 'BAD_REQUEST' }, message: expect.stringContaining('nested deeper') });
    expect(socket.replies.filter((r) => r.result)).toEqual([]);
    expect(await headSeq()).toBe(before);
    // 50 are fine
    socket.send(Array.from({ length: 50 }, (_, i) => call(100 + i, 'query', 'system.health')));
    expect(await socket.until((r) => r.result?.type === 'data', 50)).toHaveLength(50);
    socket.close();
  });

  it('holds at most 100 subscriptions per socket: the 101st gets TOO_MANY_REQUESTS with retryAfterMs, until one stops', async () => {
    const socket = await RawSocket.open(server.url);
    for (let i = 1; i <= 101; i++) socket.send(call(i, 'subscription', 'tweet.onChange', {}));
    await socket.until((r) => r.result?.type === 'started', 100);
    const [refused] = await socket.until((r) => r.id === 101);
    expect(errorOf(refused!)).toMatchObject({ data: { code: 'TOO_MANY_REQUESTS', retryAfterMs: expect.any(Number) } });
    socket.send({ id: 7, method: 'subscription.stop' });
    await socket.until((r) => r.id === 7 && r.result?.type === 'stopped');
    socket.send(call(102, 'subscription', 'tweet.onChange', {}));
    await socket.until((r) => r.id === 102 && r.result?.type === 'started');
    // a call may not take a live subscription's id (its answer would end the subscription's count)
    socket.send(call(102, 'query', 'system.health'));
    expect(errorOf((await socket.until((r) => r.id === 102 && r.error !== undefined))[0]!)).toMatchObject({ data: { code: 'BAD_REQUEST' } });
    socket.close();
  });

  it('never lets a subscription outlive a stop sent right behind its start (2,000 pairs back to back)', async () => {
    const socket = await RawSocket.open(server.url);
    const api = createClient({ url: server.url, token });
    const stats = () => api.system.stats.query();
    // the sockets of earlier tests are closed by now, but the server may still be ending their subscriptions
    await expect.poll(async () => (await stats()).connections.subscriptions).toBe(0);
    for (let i = 1; i <= 2_000; i++) {
      socket.send(call(i, 'subscription', i % 2 ? 'tweet.onChange' : 'system.onStats', {}));
      socket.send({ id: i, method: 'subscription.stop' });
    }
    await socket.until((r) => r.result?.type === 'stopped', 2_000);
    expect((await stats()).connections.subscriptions).toBe(0);
    // and none of them hears a new tweet
    await api.tweet.create.mutate({ content: 'nobody should hear this' });
    socket.send(call(9_999, 'query', 'system.health'));
    await socket.until((r) => r.id === 9_999);
    // (an onStats subscription sends its first snapshot as it starts; no tweet event may reach any of them)
    expect(socket.replies.filter((r) => r.result?.type === 'data' && typeof r.id === 'number' && r.id % 2 === 1 && r.id !== 9_999)).toEqual([]);
    socket.close();
    await closeClient(api);
  });

  it('closes a socket that stops reading once 1 MiB is queued for it, and gives its subscriptions back', async () => {
    const api = createClient({ url: server.url, token });
    const socket = await RawSocket.open(server.url);
    await expect.poll(async () => (await api.system.stats.query()).connections.subscriptions).toBe(0);
    for (let i = 1; i <= 100; i++) socket.send(call(i, 'subscription', 'tweet.onChange', {}));
    await socket.until((r) => r.result?.type === 'started', 100);
    const before = 100;
    const raw = (socket.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause(); // from now on this client reads nothing
    // long tweets (a URL weighs 23 whatever its length): ~100 KB of events per create for 100 subscriptions
    const url = `https://example.com/${'a'.repeat(900)}`;
    let sent = 0;
    const subscriptions = async () => (await api.system.stats.query()).connections.subscriptions;
    while (sent < 2_000 && (sent % 10 !== 0 || (await subscriptions()) === before)) {
      await api.tweet.create.mutate({ content: `${url} ${sent}` });
      sent++;
    }
    const closed = new Promise<void>((resolve) => socket.ws.once('close', () => resolve()));
    raw.resume();
    await closed;
    expect(sent).toBeLessThan(2_000);
    await expect.poll(async () => (await api.system.stats.query()).connections.subscriptions).toBe(0);
    expect(logLines(server.output()).some((l) => /fell behind/.test(l.msg))).toBe(true);
    await closeClient(api);
  });

  it('answers 3,000 frames sent in one go, each once and in order (a few are started per turn)', async () => {
    const socket = await RawSocket.open(server.url);
    for (let i = 1; i <= 3_000; i++) socket.send(call(i, 'query', 'system.health'));
    const replies = await socket.until((r) => r.result?.type === 'data', 3_000);
    expect(replies.map((r) => r.id)).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
    socket.close();
  });

  it('treats an oversized frame as the client’s fault: the socket is closed with 1009, and nothing is logged as an error', async () => {
    const socket = await RawSocket.open(server.url);
    const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ id: 1, method: 'query', params: { path: 'system.health', input: { json: 'x'.repeat(2 * 1024 * 1024) } } }));
    expect(await closed).toBe(1009);
    expect(logLines(server.output(), 50)).toEqual([]);
  });
});
