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
