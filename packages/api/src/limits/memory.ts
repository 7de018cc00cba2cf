// The limiter port on this process's memory: one server, one set of counts (lost on restart, which forgives).
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Gate, LimiterStore, Once } from './port.ts';
import { counterSeconds, slidingWindow } from './sliding-window.ts';

/** rate-limiter-flexible's memory counters expire by setTimeout, which cannot wait longer than this. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** `now`: the limits' clock (wall time unless a test passes its own). */
export function memoryLimiterStore(now: () => number = Date.now): LimiterStore {
  return {
    rate(name, rule) {
      const duration = counterSeconds(rule);
      if (duration * 1000 > LONGEST_TIMER_MS) throw new RangeError(`limit ${name}: a window of ${rule.windowMs} ms is longer than the memory store can keep counts`);
      return slidingWindow(new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration }), rule, now);
    },
    once: (_name, windowMs) => memoryOnce(windowMs, now),
    gate: (_name, max) => memoryGate(max),
  };
}

/**
 * Two generations of keys, each at most `windowMs` old when it is dropped: a key is remembered at least `windowMs`
 * and at most twice that, for the memory of a Set (no timer per key: there may be millions of views).
 */
function memoryOnce(windowMs: number, now: () => number): Once {
  let current = new Set<string>();
  let previous = new Set<string>();
  let since = now();
  return {
    async first(key) {
      const at = now();
      if (at - since >= windowMs) {
        previous = at - since >= 2 * windowMs ? new Set() : current;
        current = new Set();
        since = at;
      }
      if (current.has(key) || previous.has(key)) return false;
      current.add(key);
      return true;
    },
  };
}

function memoryGate(max: number): Gate {
  const held = new Map<string, number>();
  return {
    max,
    async enter(key) {
      const n = held.get(key) ?? 0;
      if (n >= max) return null;
      held.set(key, n + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (held.get(key) ?? 1) - 1;
        if (left > 0) held.set(key, left);
        else held.delete(key);
      };
    },
  };
}
