// A small, fast, seedable PRNG (sfc32) and the draws the seeder needs: the same seed gives the same data set.

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** A rank in [0, n) with P(rank) roughly ∝ 1/(rank+1): a few ranks are drawn very often, most rarely. */
  zipf(n: number): number;
}

export function createRandom(seed: number): Random {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next(); // mix the seed in
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    chance: (p) => next() < p,
    // Continuous inverse of the harmonic CDF: exp(u·ln(n+1)) - 1 is log-uniform, i.e. Zipf with s = 1.
    zipf: (n) => Math.min(n - 1, Math.floor(Math.exp(next() * Math.log(n + 1)) - 1)),
  };
}

/** Scatters ranks over [0, n) (a bijection), so the most popular items are not simply the first ones created. */
export function scatter(rank: number, n: number): number {
  return Number((BigInt(rank) * 2_654_435_761n + 97n) % BigInt(n)) ;
}
