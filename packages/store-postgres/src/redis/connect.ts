// One Redis connection for an instance's shared state (limits now; counters and wake-ups with the PostgreSQL engine).
// Redis only speeds things up here, so a call never waits for it long: while the connection is down, commands fail at
// once instead of queueing (ioredis keeps reconnecting meanwhile), and one that gets no answer fails after a second.
import { Redis } from 'ioredis';
import { redacted } from '../redacted.ts';

export interface RedisOptions {
  /** `TWEETSTORE_REDIS_URL`, e.g. `redis://127.0.0.1:6379/0`. */
  url: string;
  /** How long one command may wait for its answer; default 1,000 ms. */
  commandTimeoutMs?: number;
}

/** Connected and ready, or rejected with a message that names the URL. */
export async function connectRedis(options: RedisOptions): Promise<Redis> {
  const client = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    connectTimeout: 5_000,
    // the commands of one event-loop turn go out in one write
    enableAutoPipelining: true,
  });
  // reconnection errors are ioredis's to retry; a command issued meanwhile fails with its own error
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis at ${redacted(options.url)} cannot be reached: ${(error as Error).message}`, { cause: error });
  }
  return client;
}
