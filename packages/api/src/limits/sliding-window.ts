// "N per T" as API.md means it: at most N in ANY window of length T. rate-limiter-flexible's limiters count in
// fixed windows (a key's window starts at its first point and resets when it ends), which lets 2N through around a
// reset; here they are the atomic, expiring counters of a sliding window instead. The window is cut into SLOTS
// slots; a take adds its cost to the current slot first (atomically, in whatever store backs the counters), then
// reads the slots that overlap the last T, and gives its cost back if the total is over. Counting every slot that
// overlaps the window only ever counts more than the window holds, so the bound is strict. A later take always sees
// an earlier one's points, so concurrent takes near the limit may both be refused, never both let through; in memory
// the increment and the reads are issued in one synchronous run (each rate-limiter-flexible memory call does its
// work when called), so there a take is exact. The Redis store (packages/store-postgres/src/limits/rate.ts) keeps the
// same slots and the same wait rule in one Lua script per take, exact across instances: rate-limiter-flexible's Redis
// limiter would take 11 round trips' worth of writes a take (measured there: ~0.7 ms of CPU against ~30 µs).
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimiter, RateRule, Verdict } from './port.ts';

export const SLOTS = 10;

/**
 * `counters` must keep each key at least (SLOTS + 1) slots: see `counterSeconds`. `now` decides the slots (tests pass a
 * manual clock); the counters' own expiry only frees slots no window reads any more.
 */
export function slidingWindow(counters: RateLimiterAbstract, rule: RateRule, now: () => number = Date.now): RateLimiter {
  const slotMs = slotLength(rule);
  const slotKey = (key: string, slot: number) => `${key}\u0000${slot}`;
  /** The counts of the SLOTS slots before `slot`, oldest first. */
  const older = (key: string, slot: number) => Array.from({ length: SLOTS }, (_, i) => counters.get(slotKey(key, slot - SLOTS + i)).then((res) => res?.consumedPoints ?? 0));
  return {
    rule,
    async take(key, cost = 1): Promise<Verdict> {
      if (cost > rule.points) return { ok: false, retryAfterMs: rule.windowMs };
      const at = now();
      const slot = Math.floor(at / slotMs);
      const [mine, ...before] = await Promise.all([counters.penalty(slotKey(key, slot), cost).then((res) => res.consumedPoints), ...older(key, slot)]);
      const total = before.reduce((a, b) => a + b, mine);
      if (total <= rule.points) return { ok: true };
      await counters.reward(slotKey(key, slot), cost);
      // the current slot's own points (this take's given back) leave last
      const slots = [...before.map((points, i) => [slot - SLOTS + i, points] as const), [slot, mine - cost] as const];
      return { ok: false, retryAfterMs: retryAfterMs(slots, total, rule, slotMs, at) };
    },
    async giveBack(key, cost = 1) {
      const slot = Math.floor(now() / slotMs);
      // from the newest slot holding points back, so a give-back never makes a slot negative
      for (let s = slot; s >= slot - SLOTS && cost > 0; s--) {
        const held = (await counters.get(slotKey(key, s)))?.consumedPoints ?? 0;
        const back = Math.min(held, cost);
        if (back > 0) await counters.reward(slotKey(key, s), back);
        cost -= back;
      }
    },
    async touched(key) {
      const slot = Math.floor(now() / slotMs);
      const counts = await Promise.all([counters.get(slotKey(key, slot)).then((res) => res?.consumedPoints ?? 0), ...older(key, slot)]);
      return counts.some((n) => n > 0);
    },
  };
}

/**
 * How long a refused take of a window holding `total` points (its cost included) waits: slot s stops counting once the
 * window no longer overlaps it, at (s + SLOTS + 1) slots, so oldest first, the first slot whose leaving brings the
 * total within the rule. `slots`: [slot, points], oldest first. The Redis store answers with the same rule.
 */
export function retryAfterMs(slots: Iterable<readonly [number, number]>, total: number, rule: RateRule, slotMs: number, at: number): number {
  for (const [s, points] of slots) {
    total -= points;
    if (total <= rule.points) return Math.max(1, (s + SLOTS + 1) * slotMs - at);
  }
  return rule.windowMs;
}

export function slotLength(rule: RateRule): number {
  return Math.max(1, Math.ceil(rule.windowMs / SLOTS));
}

/** How long the backing counters must keep a slot's count, in seconds (rate-limiter-flexible's unit). */
export function counterSeconds(rule: RateRule): number {
  return (slotLength(rule) * (SLOTS + 1)) / 1000;
}
