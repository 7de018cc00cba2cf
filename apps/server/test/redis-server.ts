// Redis for the server's tests: the machine's own at 127.0.0.1:6379 (started the machines' way when it does not
// answer; the tests fail saying so when that fails too), a key prefix per run, and a redis-server of a test's own on a
// free port, which the test may kill and start again (its outage is nobody else's).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll } from 'vitest';
import { connectRedis } from '@tweetstore/store-postgres';

type Redis = Awaited<ReturnType<typeof connectRedis>>;

export { REDIS_URL, redisForTests, removeKeys } from '../../../packages/store-postgres/test/support/redis.ts';

/** A key prefix no other run (or worker, or test) uses. */
export const testPrefix = () => `tweetstore:test:${process.pid}:${randomBytes(6).toString('hex')}:`;

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface OwnRedis {
  url: string;
  port: number;
  /** Connected to it (fails fast while it is down). */
  client(): Promise<Redis>;
  /** SIGKILL: gone at once, nothing flushed, every connection cut. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** SIGSTOP: connections stay open and commands get no answer, as from a Redis stuck or far too slow. */
  pause(): void;
  /** SIGCONT: it answers again, the commands it held first. */
  resume(): void;
}

/** A redis-server of this test's own, keeping nothing on disk, on a free port of 127.0.0.1. */
export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  const start = async () => {
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = started;
    exited = new Promise((resolve) => started.once('exit', resolve));
    const failed = new Promise<never>((_, reject) => started.once('error', (error) => reject(new Error(`redis-server could not start (${error.message}): install Debian's redis-server`))));
    for (let attempt = 0; ; attempt++) {
      try {
        const probe = await Promise.race([connectRedis({ url }), failed]);
        probe.disconnect();
        return;
      } catch (error) {
        if (attempt === 100 || started.exitCode !== null) throw new Error(`redis-server on port ${port} does not answer`, { cause: error });
        await sleep(50);
      }
    }
  };
  await start();
  return {
    url,
    port,
    client: () => connectRedis({ url }),
    async kill() {
      if (child?.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  };
}

/**
 * A redis-server of the enclosing block's own, with a connection to it, from its beforeAll to its afterAll (killed
 * then: it keeps nothing on disk, so nothing of the tests' is left).
 */
export function ownRedisForTests(): { readonly redis: OwnRedis; readonly client: Redis } {
  const own = {} as { redis: OwnRedis; client: Redis };
  beforeAll(async () => {
    own.redis = await ownRedis();
    own.client = await own.redis.client();
  });
  afterAll(async () => {
    own.redis.resume();
    own.client.disconnect();
    await own.redis.kill();
  });
  return own;
}
