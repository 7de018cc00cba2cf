// A search term's tweets: their ordinals in ascending order (creation order), held as small as the list is. Most
// terms of a real vocabulary occur in one or a few tweets, so one ordinal is a number, up to SMALL an array of small
// integers (no typed array: its ~100 B of object would outweigh the list), more a Uint32Array that grows as it fills.
// New tweets come last, so nearly every insertion is an append; an edit that adds a term to an older tweet inserts in
// the middle (a copy of the tail: at 300k postings ~0.1 ms).
export type Postings = number | number[] | OrdinalList;

const SMALL = 16;

export class OrdinalList {
  constructor(
    public ordinals: Uint32Array,
    public n: number,
  ) {}
}

export function postingsSize(p: Postings): number {
  return typeof p === 'number' ? 1 : Array.isArray(p) ? p.length : p.n;
}

export function postingAt(p: Postings, i: number): number {
  return typeof p === 'number' ? p : Array.isArray(p) ? p[i]! : p.ordinals[i]!;
}

/** The index of the first ordinal >= `ordinal` (the size if none). */
export function lowerBound(p: Postings, ordinal: number): number {
  if (typeof p === 'number') return p < ordinal ? 1 : 0;
  const list = Array.isArray(p) ? p : p.ordinals;
  let lo = 0;
  let hi = postingsSize(p);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < ordinal) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function hasPosting(p: Postings, ordinal: number): boolean {
  const i = lowerBound(p, ordinal);
  return i < postingsSize(p) && postingAt(p, i) === ordinal;
}

/** The postings with `ordinal` in them: `p` itself, changed, where its form allows (`undefined`: a new term). */
export function withPosting(p: Postings | undefined, ordinal: number): Postings {
  if (p === undefined) return ordinal;
  const n = postingsSize(p);
  const at = n > 0 && postingAt(p, n - 1) < ordinal ? n : lowerBound(p, ordinal);
  if (at < n && postingAt(p, at) === ordinal) return p;
  if (typeof p === 'number') return at === 0 ? [ordinal, p] : [p, ordinal];
  if (Array.isArray(p)) {
    if (n < SMALL) {
      if (at === n) p.push(ordinal);
      else p.splice(at, 0, ordinal);
      return p;
    }
    const list = new OrdinalList(new Uint32Array(2 * SMALL), n);
    list.ordinals.set(p);
    p = list;
  }
  if (p.n === p.ordinals.length) {
    // double while small, then grow by a quarter: a long list wastes at most a fifth of itself
    const grown = new Uint32Array(p.n < 65_536 ? 2 * p.n : p.n + (p.n >>> 2));
    grown.set(p.ordinals);
    p.ordinals = grown;
  }
  if (at < p.n) p.ordinals.copyWithin(at + 1, at, p.n);
  p.ordinals[at] = ordinal;
  p.n++;
  return p;
}

/**
 * Empty postings with room for `n` ordinals, to be filled in ascending order: the form a list of `n` has (an array
 * to push to, a list to fill(); undefined for one, which is a number).
 */
export function postingsFor(n: number): Postings | undefined {
  if (n <= 1) return undefined;
  if (n <= SMALL) return [];
  return new OrdinalList(new Uint32Array(n + (n >>> 3)), 0); // room for an eighth more before it grows
}

/** A list made by postingsFor, with `ordinals[from..to)` appended (in ascending order, after those there). */
export function fill(list: OrdinalList, ordinals: Uint32Array, from: number, to: number): void {
  const into = list.ordinals;
  let n = list.n;
  for (let k = from; k < to; k++) into[n++] = ordinals[k]!;
  list.n = n;
}

/** The postings without `ordinal`: `p` itself, changed, where its form allows; undefined once none are left. */
export function withoutPosting(p: Postings, ordinal: number): Postings | undefined {
  const n = postingsSize(p);
  const at = lowerBound(p, ordinal);
  if (at === n || postingAt(p, at) !== ordinal) return p;
  if (n === 1) return undefined;
  if (typeof p !== 'number' && !Array.isArray(p)) {
    p.ordinals.copyWithin(at, at + 1, p.n);
    p.n--;
    return p;
  }
  const list = p as number[];
  if (n === 2) return list[1 - at]!;
  list.splice(at, 1);
  return list;
}
