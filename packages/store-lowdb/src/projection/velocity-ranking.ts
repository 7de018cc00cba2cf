// The tweets by engagement velocity, for topByVelocity without a pass over every tweet engaged lately (and the
// hashtags by their velocity, for trendingHashtags, the same way: hashtags.ts).
//
// A tweet's velocity level (core's velocityLevel) does not change with time, only when it is engaged (it then rises):
// decay shrinks every tweet's rate by the same factor. So the RANKED highest levels, once found, stay the highest
// until a tweet is engaged, and then only that tweet can move into them. A query merges the tweets engaged since the
// last one into the ranking; a full pass over the candidates (a scan) is needed only at first, when so many ranked
// tweets stopped being published that the ranking runs out, or when the candidates have doubled since the last scan
// (it drops the cold ones).
// The store runs a scan in slices between event-loop turns: at 100k engaged tweets a pass takes ~30 ms.
import { levelOfRate } from '@tweetstore/core';
import { HOT_MIN_RATE, RANKED, velocityLevelOf } from '@tweetstore/store';
import type { TweetRecord } from './records.ts';

/**
 * What the ranking reads of what it ranks, by ordinal: tweets (a tweet restored and not asked for since has no
 * record), or hashtags.
 */
export interface RankedItems {
  /** Its velocity level (core's velocityLevel): rises when it is engaged, never changes with time. */
  level(ordinal: number): number;
  /** Whether it may be ranked now (a published tweet, a tag in use); one that becomes eligible again is add()ed anew. */
  eligible(ordinal: number): boolean;
  id(ordinal: number): string;
}

export interface RankingLimits {
  /** How many of the highest levels are kept ranked: top() answers up to this many. */
  ranked: number;
  /** Below this many events per minute an item is no longer a candidate. */
  minRate: number;
}

/** How many of the highest levels are kept ranked (topByVelocity answers up to this many), and the rate below which a
 * tweet is no longer a candidate: the rules every engine ranks by. */
export { HOT_MIN_RATE, RANKED };

interface Ranked {
  ordinal: number;
  id: string;
  level: number;
}

const byLevel = (a: Ranked, b: Ranked) => b.level - a.level || (a.id < b.id ? 1 : -1);

export function levelOf(v: TweetRecord['velocity']): number {
  return velocityLevelOf(v);
}

export class VelocityRanking {
  constructor(
    private readonly items: RankedItems,
    private readonly limits: RankingLimits = { ranked: RANKED, minRate: HOT_MIN_RATE },
  ) {}

  /** Tweets engaged lately, by ordinal (some may have gone cold since; a scan drops those). */
  readonly #candidates = new Set<number>();
  /** The `ranked` highest levels among the candidates, highest first; null until a scan has found them. */
  #top: Ranked[] | null = null;
  /** Engaged since the last merge: their levels rose. */
  readonly #engaged = new Set<number>();
  #scan: { next: Iterator<number>; found: Ranked[]; floor: number } | null = null;
  #candidatesAtScan = 0;
  /** Candidates a restore gave (restore), taken into #candidates by the first scan, a slice at a time. */
  readonly #restored: number[] = [];

  /** Candidates (one restored and added since may count twice until the first scan). */
  get candidates(): number {
    return this.#candidates.size + this.#restored.length;
  }

  /**
   * A candidate as the checkpoint being restored has it, before the ranking is first asked: a list to append to, where
   * a Set of a 1M store's ~600k candidates cost its restart ~0.4 s (the first scan reads them anyway).
   */
  restore(ordinal: number): void {
    this.#restored.push(ordinal);
  }

  /** A tweet with velocity: restored, just engaged, or eligible again. */
  add(ordinal: number): void {
    this.#candidates.add(ordinal);
    // before the first scan there is nothing to merge into: the scan reads every candidate
    if (this.#top !== null || this.#scan !== null) this.#engaged.add(ordinal);
  }

  /** Whether top() needs a scan first (see scanSome). */
  needsScan(): boolean {
    return this.#top === null || this.#restored.length > 0 || this.#candidates.size > 2 * this.#candidatesAtScan + 1_000;
  }

  /**
   * Goes on with the scan over `budget` more candidates, dropping those colder than `minRate` at `now`; true once
   * it is done. The tweets engaged meanwhile are merged by the next top().
   */
  scanSome(budget: number, now: number): boolean {
    const restored = this.#restored;
    if (restored.length > 0) {
      const from = Math.max(0, restored.length - budget);
      for (let i = from; i < restored.length; i++) this.#candidates.add(restored[i]!);
      restored.length = from;
      return false;
    }
    if (!this.#scan) {
      this.#engaged.clear(); // the scan reads every candidate's level as it is now; later rises are noted again
      this.#scan = { next: this.#candidates.values(), found: [], floor: levelOfRate(this.limits.minRate, now) };
    }
    const scan = this.#scan;
    for (let i = 0; i < budget; i++) {
      const step = scan.next.next();
      if (step.done) {
        this.#top = scan.found.sort(byLevel).slice(0, this.limits.ranked);
        this.#candidatesAtScan = this.#candidates.size;
        this.#scan = null;
        return true;
      }
      const ordinal = step.value;
      const level = this.items.level(ordinal);
      if (level < scan.floor) this.#candidates.delete(ordinal);
      else if (this.items.eligible(ordinal)) {
        scan.found.push({ ordinal, id: this.items.id(ordinal), level });
        // keep the pass's memory small: cut back to the highest `ranked` now and then
        if (scan.found.length >= 4 * this.limits.ranked) scan.found = scan.found.sort(byLevel).slice(0, this.limits.ranked);
      }
    }
    return false;
  }

  /**
   * The highest-ranked eligible tweets still hot at `now`, at most `limit` (≤ `ranked`), highest first; null when a
   * scan is needed first (the ranking cannot tell which candidate comes next).
   */
  top(limit: number, now: number): number[] | null {
    const { ranked } = this.limits;
    if (limit > ranked) throw new RangeError(`at most ${ranked} are ranked, asked for ${limit}`);
    if (limit <= 0) return [];
    if (this.#top === null || this.#scan !== null || this.needsScan()) return null;
    if (this.#engaged.size > 0) this.#merge();
    const floor = levelOfRate(this.limits.minRate, now);
    const found: number[] = [];
    for (const { ordinal, level } of this.#top) {
      if (level < floor) return found; // the rest, ranked or not, are colder still
      if (this.items.eligible(ordinal) && found.push(ordinal) === limit) return found;
    }
    // every candidate is ranked, or the next one down is unknown: only a scan can tell
    return this.#top.length < ranked ? found : null;
  }

  #merge(): void {
    const top = this.#top!;
    const lowest = top.length < this.limits.ranked ? -Infinity : top.at(-1)!.level;
    const risen = new Map<number, number>();
    for (const ordinal of this.#engaged) {
      if (!this.items.eligible(ordinal)) continue;
      const level = this.items.level(ordinal);
      if (level >= lowest) risen.set(ordinal, level);
    }
    this.#engaged.clear();
    if (risen.size === 0) return;
    const merged = top.filter((r) => !risen.has(r.ordinal));
    for (const [ordinal, level] of risen) merged.push({ ordinal, id: this.items.id(ordinal), level });
    this.#top = merged.sort(byLevel).slice(0, this.limits.ranked);
  }
}
