// At most `max` holders of a key at once across every instance (uploads in flight). A place is a lease, not a bare
// count: each holder is a member of a sorted set scored by when its lease ends, on Redis's clock. The instance
// holding it renews the lease while it holds; a crashed instance stops renewing, and its places come back when their
// leases end. (With one counter and one expiry, any instance still renewing would keep a dead one's places taken.)
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Gate } from '@tweetstore/api';
import { redisScript } from '../redis/script.ts';

/** Lua: `now` in ms on Redis's clock, and the key kept until its last lease ends. */
const LEASES = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function keepUntilLastLease()
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', KEYS[1], last[2]) end
end`;

// ARGV: max, lease ms, holder
const ENTER = `${LEASES}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
keepUntilLastLease()
return 1`;

// ARGV: lease ms, holders; a lease that has ended stays ended (XX: its place may be someone else's by now)
const RENEW = `${LEASES}
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
keepUntilLastLease()
return 0`;

export interface LeasedGate extends Gate {
  /** Stops renewing, and gives back every place still held. */
  close(): Promise<void>;
}

export function redisGate(client: Redis, prefix: string, max: number, leaseMs: number): LeasedGate {
  const enter = redisScript(client, 'tweetstoreGateEnter', 1, ENTER);
  const renew = redisScript(client, 'tweetstoreGateRenew', 1, RENEW);
  // {...}: the key's Redis Cluster slot, for the day the limits run on one
  const keyOf = (key: string) => `${prefix}{${key}}`;
  /** Holders of this instance, by Redis key. */
  const held = new Map<string, Set<string>>();
  let renewing: NodeJS.Timeout | null = null;

  const renewAll = () => {
    for (const [redisKey, holders] of held) {
      // a renewal that fails leaves the lease to end: the place comes back, as for a crashed instance
      renew([redisKey], [leaseMs, ...holders]).catch(() => {});
    }
  };
  const release = (redisKey: string, holder: string) => {
    const holders = held.get(redisKey);
    if (!holders?.delete(holder)) return;
    if (holders.size === 0) held.delete(redisKey);
    if (held.size === 0 && renewing) {
      clearInterval(renewing);
      renewing = null;
    }
    // if Redis cannot be told, the lease ends by itself
    client.zrem(redisKey, holder).catch(() => {});
  };

  return {
    max,
    async enter(key) {
      const redisKey = keyOf(key);
      const holder = randomUUID();
      if ((await enter([redisKey], [max, leaseMs, holder])) !== 1) return null;
      held.set(redisKey, (held.get(redisKey) ?? new Set()).add(holder));
      // renewed three times a lease, so one late renewal does not lose the place; unref: it never keeps a process up
      renewing ??= setInterval(renewAll, leaseMs / 3).unref();
      return () => release(redisKey, holder);
    },
    async close() {
      if (renewing) clearInterval(renewing);
      renewing = null;
      const pending = [...held].map(([redisKey, holders]) => client.zrem(redisKey, ...holders));
      held.clear();
      await Promise.all(pending);
    },
  };
}
