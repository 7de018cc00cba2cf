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
