// The limits in Redis through real server processes: two instances on one Redis count against the same limits; a
// Redis that does not answer at start stops the start, naming TWEETSTORE_REDIS_URL; and a Redis that dies while the
// server runs costs no call (no 5xx): the limits hold from each instance's memory, said once in the log, and count
// in Redis again once it is back, said once too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLines, startServerProcess, tempDataDir, type ServerProcess } from './harness.ts';
import { call, expectRefused, reach, register } from './http-calls.ts';
import { freePort, ownRedisForTests, REDIS_URL, redisForTests, removeKeys, testPrefix, type OwnRedis } from './redis-server.ts';

type Redis = Awaited<ReturnType<typeof redisForTests>>;

const running: { server: ServerProcess; remove(): Promise<void> }[] = [];
async function start(env: Record<string, string>): Promise<ServerProcess> {
  const data = await tempDataDir();
  const server = await startServerProcess(data.dir, env);
  running.push({ server, remove: data.remove });
  return server;
}
afterAll(async () => {
  for (const { server, remove } of running) {
    if (server.process.exitCode === null && server.process.signalCode === null) expect(await server.kill('SIGTERM'), server.output()).toBe(0);
    await remove();
  }
});

const keysUnder = (redis: Redis, prefix: string) => redis.keys(`${prefix}*`);

describe('limits in Redis, shared by two server processes', () => {
  const prefix = testPrefix();
  let redis: Redis;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    redis = await redisForTests();
    const env = {
      TWEETSTORE_REDIS_URL: REDIS_URL,
      TWEETSTORE_REDIS_PREFIX: prefix,
      TWEETSTORE_LIMIT_CALLS: '12/5m',
      TWEETSTORE_LIMIT_LOGIN_FAILURES: '3/15m',
      // each scenario from an address of its own
      TWEETSTORE_TRUSTED_PROXIES: '127.0.0.1, ::1',
    };
    [a, b] = await Promise.all([start(env), start(env)]);
  });
  afterAll(async () => {
    await removeKeys(redis, prefix);
    expect(await removeKeys(redis, prefix), 'keys left behind').toBe(0);
    await redis.quit();
  });

  it('hits a limit of N calls after N calls spread over both instances, and both refuse after it', async () => {
    // one client address for both: 2 sign-ups and 10 posts are the 12 calls its limit allows
    const from = '203.0.113.10';
    const tokens = [await register(a, 'ada', from), await register(b, 'ada', from)];
    await reach(10, (i) => call([a, b][i % 2]!, 'tweet.create', { content: `post ${i}` }, { token: tokens[i % 2]!, from }));
    expectRefused(await call(a, 'system.health', {}, { method: 'GET', from }));
    expect((await call(a, 'system.health', {}, { method: 'GET', from: '203.0.113.11' })).status).toBe(200);
    expect((await keysUnder(redis, prefix)).some((key) => key.startsWith(`${prefix}limits:rate:calls:`))).toBe(true);
  });

  it('counts failed sign-ins per username across instances', async () => {
    const from = '203.0.113.20';
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call([a, b][i % 2]!, 'auth.login', { username: 'grace', password: `guess-${i}` }, { from }));
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 429]);
  });
});

describe('a Redis that does not answer at start', () => {
  it('stops the start with an error naming TWEETSTORE_REDIS_URL', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const failed = await start({ TWEETSTORE_REDIS_URL: url }).then(
      (server) => `started: ${server.url}`,
      (error: Error) => error.message,
    );
    expect(failed).toContain('server exited (1) before listening');
    expect(failed).toMatch(new RegExp(`TWEETSTORE_REDIS_URL: Redis at redis://127\\.0\\.0\\.1:\\d+/? cannot be reached`));
  });
});

describe('a Redis that dies while the server runs', () => {
  const prefix = testPrefix();
  const own = ownRedisForTests();
  let redis: OwnRedis;
  let server: ServerProcess;
  beforeAll(async () => {
    redis = own.redis;
    server = await start({ TWEETSTORE_REDIS_URL: redis.url, TWEETSTORE_REDIS_PREFIX: prefix, TWEETSTORE_LIMIT_WRITES: '5/5m', LOG_LEVEL: 'info' });
  });

  const post = (token: string, i: number) => call(server, 'tweet.create', { content: `post ${i}` }, { token });
  /** Everything a user does that goes through a limit, answered without a 5xx; the writes stop at the limit. */
  const busyUser = async (username: string) => {
    const token = await register(server, username);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(token, i)));
    const reads = await Promise.all([call(server, 'tweet.list', {}, { method: 'GET', token }), call(server, 'system.health', {}, { method: 'GET' })]);
    for (const answer of [...answers, ...reads]) expect(answer.status, answer.body).toBeLessThan(500);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(5);
    for (const answer of answers.filter((answer) => answer.status !== 200)) expectRefused(answer);
    return token;
  };
  const inMemoryGauge = async () => Number(/^tweetstore_limits_in_memory (\d)$/m.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);
  const switches = () => logLines(server.output()).filter((line) => line.component === 'limits').map((line) => line.msg);

  it('keeps answering and limiting from memory while Redis is down, and counts in Redis again once it is back', async () => {
    const before = await redis.client();
    await busyUser('before');
    expect(await inMemoryGauge()).toBe(0);
    expect((await keysUnder(before, prefix)).some((key) => key.startsWith(`${prefix}limits:rate:writes:`))).toBe(true);
    before.disconnect();

    // killed while calls are in flight
    const token = await register(server, 'during');
    const inFlight = Array.from({ length: 20 }, (_, i) => post(token, i));
    await redis.kill();
    const answers = await Promise.all(inFlight);
    for (const answer of answers) expect(answer.status, answer.body).toBeLessThan(500);
    // whether each was counted in Redis before it died or in memory after, no more than the limit got through
    expect(answers.filter((answer) => answer.status === 200).length).toBeLessThanOrEqual(5);

    await busyUser('outage');
    expect(switches()).toEqual([expect.stringMatching(/^Redis is failing or slow: the limits count in this process's memory/)]);
    expect(await inMemoryGauge()).toBe(1);

    await redis.start();
    const after = await redis.client();
    // back on Redis after its next try (a second after the last failure); a call is what makes it try
    for (let i = 0; !switches().some((msg) => msg.startsWith('Redis answers again')); i++) {
      if (i === 300) throw new Error(`the server did not go back to Redis:\n${server.output()}`);
      expect((await call(server, 'system.health', {}, { method: 'GET' })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await inMemoryGauge()).toBe(0);
    await busyUser('after');
    expect((await keysUnder(after, prefix)).some((key) => key.startsWith(`${prefix}limits:rate:writes:`))).toBe(true);
    expect(switches()).toHaveLength(2);
    expect(logLines(server.output(), 50)).toEqual([]);
    after.disconnect();
  });

  it('stops cleanly (exit 0, the store closed) while Redis is down', async () => {
    await redis.kill();
    expect(await server.kill('SIGTERM'), server.output()).toBe(0);
    expect(logLines(server.output()).map((line) => line.msg)).toContain('stopped: journal flushed and checkpoint written');
  });
});
