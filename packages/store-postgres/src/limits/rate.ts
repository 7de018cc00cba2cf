// "N per T" (at most N in ANY window of length T) shared by every instance: the API's sliding window
// (@tweetstore/api sliding-window.ts: SLOTS slots of the limits' clock, every slot that overlaps the window counted)
// as one Lua script per take, so a take is one command and exact however many instances take at once. A key's slots
// are one Redis hash, slot number -> points. Slots newer than the taker's are counted too, so an instance whose clock
// is behind another's still sees the other's points. rate-limiter-flexible's RateLimiterRedis behind the API's own
// sliding window was measured first: 11 commands in 11 writes a take (its reads are MULTI/EXEC each, which ioredis
// does not pipeline), 0.7 ms of this process's CPU a take against 0.04 ms here (docs/scale-out.md).
import type { Redis } from 'ioredis';
import { SLOTS, counterSeconds, retryAfterMs, slotLength, type RateLimiter, type RateRule, type Verdict } from '@tweetstore/api';
import { redisScript } from '../redis/script.ts';

// KEYS: the key's slots; ARGV: current slot, cost, points, SLOTS, how long Redis keeps the slots (ms).
// Returns 1 when taken, else the slots (field, value, ...) for the wait.
const TAKE = `
local slot, cost, oldest = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[1]) - tonumber(ARGV[4])
local fields = redis.call('HGETALL', KEYS[1])
local total = cost
for i = 1, #fields, 2 do
  if tonumber(fields[i]) < oldest then redis.call('HDEL', KEYS[1], fields[i]) else total = total + tonumber(fields[i + 1]) end
end
if total > tonumber(ARGV[3]) then return fields end
redis.call('HINCRBY', KEYS[1], slot, cost)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

// KEYS: the key's slots; ARGV: current slot, cost, SLOTS. From the newest slot holding points back, so no slot
// goes below nothing.
const GIVE_BACK = `
local cost, oldest = tonumber(ARGV[2]), tonumber(ARGV[1]) - tonumber(ARGV[3])
local fields = redis.call('HGETALL', KEYS[1])
local slots = {}
for i = 1, #fields, 2 do
  if tonumber(fields[i]) >= oldest then table.insert(slots, { tonumber(fields[i]), tonumber(fields[i + 1]) }) end
end
table.sort(slots, function(a, b) return a[1] > b[1] end)
for _, held in ipairs(slots) do
  if cost <= 0 then break end
  local back = math.min(held[2], cost)
  if back == held[2] then redis.call('HDEL', KEYS[1], held[1]) else redis.call('HINCRBY', KEYS[1], held[1], -back) end
  cost = cost - back
end
return 0`;

export function redisRate(client: Redis, prefix: string, rule: RateRule, now: () => number): RateLimiter {
  const take = redisScript(client, 'tweetstoreRateTake', 1, TAKE);
  const giveBack = redisScript(client, 'tweetstoreRateGiveBack', 1, GIVE_BACK);
  const slotMs = slotLength(rule);
  const keepMs = counterSeconds(rule) * 1000;
  /** The slots a window ending in `slot` counts, and their points. */
  const counted = (fields: string[], slot: number) => {
    const slots = new Map<number, number>();
    for (let i = 0; i < fields.length; i += 2) if (Number(fields[i]) >= slot - SLOTS) slots.set(Number(fields[i]), Number(fields[i + 1]));
    return slots;
  };
  return {
    rule,
    async take(key, cost = 1): Promise<Verdict> {
      if (cost > rule.points) return { ok: false, retryAfterMs: rule.windowMs };
      const at = now();
      const slot = Math.floor(at / slotMs);
      const taken = await take([prefix + key], [slot, cost, rule.points, SLOTS, keepMs]);
      if (taken === 1) return { ok: true };
      // Slot s stops counting once the window no longer overlaps it, at (s + SLOTS + 1) slots: oldest first, find
      // the one whose leaving frees enough
      const slots = [...counted(taken as string[], slot)].sort(([a], [b]) => a - b);
      const total = slots.reduce((sum, [, points]) => sum + points, cost);
      return { ok: false, retryAfterMs: retryAfterMs(slots, total, rule, slotMs, at) };
    },
    async giveBack(key, cost = 1) {
      await giveBack([prefix + key], [Math.floor(now() / slotMs), cost, SLOTS]);
    },
    async touched(key) {
      const slot = Math.floor(now() / slotMs);
      return Object.entries(await client.hgetall(prefix + key)).some(([s, points]) => Number(s) >= slot - SLOTS && Number(points) > 0);
    },
  };
}
