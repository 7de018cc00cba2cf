// The limiter port in Redis: every instance counts against the same limits (API.md: "Defaults, shared by all
// instances"), each limit a Lua script of one command (rate.ts, once.ts, gate.ts). Slots and generations follow the
// limits' clock (`now`), as in the memory store; Redis's expiry, in real time, only clears what no window reads any
// more.
import type { Redis } from 'ioredis';
import type { LimiterStore } from '@tweetstore/api';
import { connectRedis } from '../redis/connect.ts';
import { redisGate, type LeasedGate } from './gate.ts';
import { redisOnce } from './once.ts';
import { redisRate } from './rate.ts';

export type RedisLimiterStoreOptions = ({ url: string } | { client: Redis }) & {
  /** Put before every key, so deployments (or test runs) can share one Redis; default `tweetstore:limits:`. */
  prefix?: string;
  /** The limits' clock; default the wall clock. */
  now?: () => number;
  /** How long a gate's place outlives an instance that stopped renewing it (crashed); default 30 s. */
  gateLeaseMs?: number;
};

export interface RedisLimiterStore extends LimiterStore {
  /** Gives back the gates' places still held, and closes the connection if this store opened it. */
  close(): Promise<void>;
}

export async function openRedisLimiterStore(options: RedisLimiterStoreOptions): Promise<RedisLimiterStore> {
  const client = 'client' in options ? options.client : await connectRedis({ url: options.url });
  const prefix = options.prefix ?? 'tweetstore:limits:';
  const now = options.now ?? Date.now;
  const gates: LeasedGate[] = [];
  return {
    rate: (name, rule) => redisRate(client, `${prefix}rate:${name}:`, rule, now),
    once: (name, windowMs) => redisOnce(client, `${prefix}once:${name}:`, windowMs, now),
    gate(name, max) {
      const gate = redisGate(client, `${prefix}gate:${name}:`, max, options.gateLeaseMs ?? 30_000);
      gates.push(gate);
      return gate;
    },
    async close() {
      await Promise.all(gates.map((gate) => gate.close()));
      if (!('client' in options)) await client.quit();
    },
  };
}
