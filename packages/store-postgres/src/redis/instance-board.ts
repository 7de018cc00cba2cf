// The instances' board in Redis (see @tweetstore/api's instances.ts): each instance's figures are one key that
// expires when they go stale, and a sorted set names the instances by when they last published, so a reader finds
// them without a SCAN. An instance that stops (or is killed) drops off the board within INSTANCE_STALE_MS.
import type { Redis } from 'ioredis';
import { INSTANCE_STALE_MS, type InstanceBoard, type InstanceFigures } from '@tweetstore/api';

export interface RedisInstanceBoardOptions {
  client: Redis;
  /** This instance's id. */
  self: string;
  /** Put before every key; default `tweetstore:`. */
  prefix?: string;
  /** How long after publishing an instance still counts as running; default INSTANCE_STALE_MS. */
  staleMs?: number;
  /** How long the service's figures are kept before INFO is asked again; default 1,000 ms. */
  sharedTtlMs?: number;
}

/** INFO fields shown as the shared figures, by the name they are shown under. */
const infoFields: Record<string, string> = {
  redisUsedMemoryBytes: 'used_memory',
  redisConnectedClients: 'connected_clients',
  redisCommandsPerSecond: 'instantaneous_ops_per_sec',
  redisUptimeSeconds: 'uptime_in_seconds',
};

export function redisInstanceBoard(options: RedisInstanceBoardOptions): InstanceBoard {
  const { client, self } = options;
  const prefix = `${options.prefix ?? 'tweetstore:'}instances:`;
  const index = `${prefix}index`;
  const keyOf = (id: string) => `${prefix}figures:${id}`;
  const staleMs = options.staleMs ?? INSTANCE_STALE_MS;
  let shared: { at: number; figures: Promise<Record<string, number>> } | undefined;

  return {
    self,
    async publish(figures) {
      await client
        .multi()
        .set(keyOf(figures.id), JSON.stringify(figures), 'PX', staleMs)
        .zadd(index, Date.now(), figures.id)
        .zremrangebyscore(index, '-inf', Date.now() - staleMs)
        .exec();
    },
    async list() {
      const ids = await client.zrangebyscore(index, Date.now() - staleMs, '+inf');
      if (ids.length === 0) return [];
      const values = await client.mget(ids.map(keyOf));
      return values
        .filter((value): value is string => value !== null)
        .map((value) => JSON.parse(value) as InstanceFigures)
        .sort((a, b) => a.id.localeCompare(b.id));
    },
    shared() {
      const now = Date.now();
      if (!shared || now - shared.at >= (options.sharedTtlMs ?? 1_000)) {
        const figures = client.info().then(parseInfo);
        shared = { at: now, figures };
        figures.catch(() => (shared = undefined)); // asked again next time
      }
      return shared.figures;
    },
    async close() {
      await client.multi().del(keyOf(self)).zrem(index, self).exec();
    },
  };
}

function parseInfo(info: string): Record<string, number> {
  const values = new Map<string, string>();
  for (const line of info.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) values.set(line.slice(0, colon), line.slice(colon + 1));
  }
  const figures: Record<string, number> = {};
  for (const [name, field] of Object.entries(infoFields)) {
    const value = Number(values.get(field));
    if (Number.isFinite(value)) figures[name] = value;
  }
  return figures;
}
