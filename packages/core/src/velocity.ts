// Engagement velocity: an exponentially decayed event count per kind, read as events per minute.
// With decay rate λ = ln2 / halfLife, a steady stream of r events/ms keeps the count at r/λ, so rate = count·λ.

export const VELOCITY_HALF_LIFE_MS = 300_000;

/** Decayed event count as of `at` (epoch ms). */
export interface DecayedRate {
  value: number;
  at: number;
}

const MS_PER_MINUTE = 60_000;

/** Adds `n` events at `at`. An event older than the rate's time is decayed to it, so arrival order does not matter. */
export function bumpRate(rate: DecayedRate | undefined, at: number, n = 1, halfLifeMs = VELOCITY_HALF_LIFE_MS): DecayedRate {
  checkHalfLife(halfLifeMs);
  if (!rate) return { value: n, at };
  if (at >= rate.at) return { value: rate.value * decay(at - rate.at, halfLifeMs) + n, at };
  return { value: rate.value + n * decay(rate.at - at, halfLifeMs), at: rate.at };
}

/** Events per minute at `now`: a steady stream of r events/min converges to r. */
export function ratePerMinute(rate: DecayedRate | undefined, now: number, halfLifeMs = VELOCITY_HALF_LIFE_MS): number {
  checkHalfLife(halfLifeMs);
  if (!rate) return 0;
  const count = rate.value * decay(Math.max(0, now - rate.at), halfLifeMs);
  return (count * Math.LN2 * MS_PER_MINUTE) / halfLifeMs;
}

function decay(elapsedMs: number, halfLifeMs: number): number {
  return 2 ** (-elapsedMs / halfLifeMs);
}

function checkHalfLife(halfLifeMs: number): void {
  if (!(halfLifeMs > 0 && Number.isFinite(halfLifeMs))) throw new RangeError(`half-life must be a positive number of ms, got ${halfLifeMs}`);
}

/**
 * A time-free rank of rates: log2 of their summed counts decayed back to time 0. Decay shrinks every count by the
 * same factor, so two sets of rates compare at any `now` as their levels compare, and a level only changes when an
 * event is added (it then rises). -Infinity for no rates. (A rate dated after `now` is counted as if decayed from
 * its date, where ratePerMinute holds it at its value.)
 */
export function velocityLevel(rates: readonly (DecayedRate | undefined)[], halfLifeMs = VELOCITY_HALF_LIFE_MS): number {
  checkHalfLife(halfLifeMs);
  let level = -Infinity;
  for (const rate of rates) level = addToLevel(level, rate, halfLifeMs);
  return level;
}

/** `level` with one more rate in it (see velocityLevel); no checks, for loops over many. */
export function addToLevel(level: number, rate: DecayedRate | undefined, halfLifeMs = VELOCITY_HALF_LIFE_MS): number {
  if (!rate || !(rate.value > 0)) return level;
  const e = Math.log2(rate.value) + rate.at / halfLifeMs;
  if (level === -Infinity) return e;
  // log2(2^level + 2^e), computed from the larger one so that neither overflows
  return level > e ? level + Math.log2(1 + 2 ** (e - level)) : e + Math.log2(1 + 2 ** (level - e));
}

/** The level at which rates add up to `perMinute` events per minute at `now` (see velocityLevel). */
export function levelOfRate(perMinute: number, now: number, halfLifeMs = VELOCITY_HALF_LIFE_MS): number {
  checkHalfLife(halfLifeMs);
  return Math.log2((perMinute * halfLifeMs) / (Math.LN2 * MS_PER_MINUTE)) + now / halfLifeMs;
}
