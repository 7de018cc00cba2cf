// The limiter port: what API.md's "Limits" need from whatever holds their counts. The composition root chooses the
// backing store (memory.ts for one process; a shared store such as Redis, for every instance at once, in the
// scale-out), and procedures only ever see a Limits (limits.ts), never the store.

/** At most `points` in any window of length `windowMs` (API.md: "N per T"). */
export interface RateRule {
  points: number;
  windowMs: number;
}

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

export interface RateLimiter {
  readonly rule: RateRule;
  /** Takes `cost` points for `key` when that keeps every window within the rule; otherwise takes nothing. */
  take(key: string, cost?: number): Promise<Verdict>;
  /** Gives back points taken before (a sign-in that turned out right). */
  giveBack(key: string, cost?: number): Promise<void>;
  /** Whether `key` has taken anything in the last window. */
  touched(key: string): Promise<boolean>;
}

/** Remembers keys for a while: true the first time a key is seen within `windowMs`. */
export interface Once {
  first(key: string): Promise<boolean>;
}

/** At most `max` holders per key at once (uploads in flight); `enter` gives the release, or null when full. */
export interface Gate {
  readonly max: number;
  enter(key: string): Promise<(() => void) | null>;
}

export interface LimiterStore {
  rate(name: string, rule: RateRule): RateLimiter;
  once(name: string, windowMs: number): Once;
  gate(name: string, max: number): Gate;
}
