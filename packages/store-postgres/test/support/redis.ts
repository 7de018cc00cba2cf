// The Redis every machine here runs at 127.0.0.1:6379 (keeping nothing on disk). When it does not answer, it is
// started the way the machines start it; when that fails too, the tests fail saying so: they never skip.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/index.ts';

export const REDIS_URL = 'redis://127.0.0.1:6379';

export async function redisForTests(): Promise<Redis> {
  try {
    return await connectRedis({ url: REDIS_URL });
  } catch {
    await promisify(execFile)('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no']).catch((error: Error) => {
      throw new Error(`Redis does not answer at ${REDIS_URL}, and redis-server could not start it (${error.message}): install Debian's redis-server, or start Redis there`);
    });
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectRedis({ url: REDIS_URL });
    } catch (error) {
      if (attempt === 50) throw new Error(`redis-server was started, but Redis still does not answer at ${REDIS_URL}`, { cause: error });
      await sleep(100);
    }
  }
}

/** A key prefix no other test run uses. */
export const runPrefix = () => `tweetstore-test:${randomUUID()}:`;

/** Removes every key under `prefix`; returns how many there were. */
export async function removeKeys(client: Redis, prefix: string): Promise<number> {
  let removed = 0;
  for await (const keys of client.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) removed += await client.unlink(...keys);
  }
  return removed;
}

/** A redis-server of the test's own on a free port (keeping nothing on disk), for a test that kills it. */
export async function redisToKill(): Promise<{ url: string; kill(): Promise<void>; pause(): void; resume(): void }> {
  const { spawn } = await import('node:child_process');
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.once('error', () => {});
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      (await connectRedis({ url })).disconnect();
      break;
    } catch (error) {
      if (attempt === 100 || child.exitCode !== null) throw new Error(`redis-server on port ${port} does not answer: install Debian's redis-server`, { cause: error });
      await sleep(50);
    }
  }
  return {
    url,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    /** SIGSTOP: connections stay open and commands get no answer */
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}
