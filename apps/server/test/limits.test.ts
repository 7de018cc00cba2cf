// API.md's limits on the real server, over real HTTP (and WebSocket): each one reached and answered 429 /
// TOO_MANY_REQUESTS with retryAfterMs and a Retry-After header; client addresses from X-Forwarded-For only when the
// socket is a trusted proxy. Each scenario comes from its own forwarded address, so per-address limits stay apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServerProcess, tempDataDir, type ServerProcess } from './harness.ts';
import { call, reach, register as registerOn, sj } from './http-calls.ts';

describe('limits behind a trusted proxy', () => {
  let server: ServerProcess;
  let remove: () => Promise<void>;
  const register = (username: string, from: string) => registerOn(server, username, from);

  beforeAll(async () => {
    const data = await tempDataDir();
    remove = data.remove;
    server = await startServerProcess(data.dir, {
      TWEETSTORE_TRUSTED_PROXIES: '127.0.0.1, ::1',
      TWEETSTORE_LIMIT_CALLS: '30/1m',
      TWEETSTORE_LIMIT_REGISTER: '3/1h',
      TWEETSTORE_LIMIT_WRITES: '3/1m',
      TWEETSTORE_LIMIT_ENGAGE: '4/1m',
      TWEETSTORE_LIMIT_LOGIN_FAILURES: '2/15m',
    });
  });
  afterAll(async () => {
    expect(await server.kill('SIGTERM')).toBe(0);
    await remove();
  });

  it('limits sign-ups per forwarded client address', async () => {
    await reach(3, (i) => call(server, 'auth.register', { username: `signup${i}`, password: 'limits-password' }, { from: '203.0.113.1' }));
    // the client is the hop the trusted proxy saw: addresses it forged to the left of it change nothing
    expect((await call(server, 'auth.register', { username: 'signup8', password: 'limits-password' }, { from: '198.51.100.9, 203.0.113.1' })).status).toBe(429);
    await register('signup9', '203.0.113.9');
  });

  it('limits every call per client address, whatever the procedure', async () => {
    await reach(30, (i) => call(server, i % 2 ? 'system.health' : 'tweet.list', {}, { from: '203.0.113.2', method: 'GET' }));
    expect((await call(server, 'system.health', {}, { from: '203.0.113.3', method: 'GET' })).status).toBe(200);
  });

  it('limits writes and engagement per account, over HTTP and over WebSocket', async () => {
    const token = await register('writer', '203.0.113.4');
    await reach(3, (i) => call(server, 'tweet.create', { content: `post ${i}` }, { token, from: '203.0.113.4' }));
    const fan = await register('fan', '203.0.113.5');
    const tweets = (JSON.parse((await call(server, 'tweet.list', {}, { method: 'GET', from: '203.0.113.5' })).body) as { result: { data: { json: { items: { id: string }[] } } } }).result.data.json.items;
    await reach(4, (i) => call(server, 'tweet.engage', { id: tweets[0]!.id, action: i % 2 ? 'unlike' : 'like' }, { token: fan, from: '203.0.113.5' }));
    // the same account over WebSocket is the same account: refused there too, with retryAfterMs
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/trpc`, { headers: { authorization: `Bearer ${fan}`, 'x-forwarded-for': '203.0.113.5' } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ id: 1, method: 'mutation', params: { path: 'tweet.engage', input: sj({ id: tweets[0]!.id, action: 'like' }) } }));
    const reply = JSON.parse(String(await new Promise((resolve) => socket.once('message', resolve)))) as { error: { json: { data: { code: string; retryAfterMs: number } } } };
    expect(reply.error.json.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterMs: expect.any(Number) });
    socket.close();
  });

  it('limits failed sign-ins per username, counted before the password is checked', async () => {
    await register('guarded', '203.0.113.6');
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => call(server, 'auth.login', { username: 'guarded', password: `guess-${i}` }, { from: '203.0.113.7' })));
    expect(guesses.filter((a) => a.status === 401)).toHaveLength(2);
    const refused = guesses.filter((a) => a.status === 429);
    expect(refused).toHaveLength(10);
    for (const a of refused) expect(a.retryAfter).toBe(String(Math.ceil(a.retryAfterMs! / 1000)));
    // the owner, at the address they signed up from (never guessing), still gets in
    expect((await call(server, 'auth.login', { username: 'guarded', password: 'limits-password' }, { from: '203.0.113.6' })).status).toBe(200);
  });
});

describe('limits without a trusted proxy', () => {
  let server: ServerProcess;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    const data = await tempDataDir();
    remove = data.remove;
    server = await startServerProcess(data.dir, { TWEETSTORE_LIMIT_REGISTER: '2/1h' });
  });
  afterAll(async () => {
    expect(await server.kill('SIGTERM')).toBe(0);
    await remove();
  });

  it("believes nobody's X-Forwarded-For: every forged address is the socket's", async () => {
    await reach(2, (i) => call(server, 'auth.register', { username: `forger${i}`, password: 'limits-password' }, { from: `198.51.100.${i + 1}` }));
  });
});
