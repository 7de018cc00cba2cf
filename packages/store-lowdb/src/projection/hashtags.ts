// Hashtags by use (search/rules.ts): each tag's uses (published tweets whose current version carries it) and decayed
// velocity, who last added to that velocity when (each author once per TAG_AUTHOR_WINDOW_MS), and the tags ranked
// by velocity (velocity-ranking.ts), so trends are answered without a pass over every tag. Tags are named by ordinal
// (order of first use) in checkpoints.
import { addToLevel, type DecayedRate } from '@tweetstore/core';
import { bumpTag, countsForVelocity, TAG_AUTHOR_WINDOW_MS, TAG_MIN_RATE, tagVelocity, TRENDING_TAGS, type HashtagTrend } from '@tweetstore/store';
import { VelocityRanking } from './velocity-ranking.ts';

/** A tag as a checkpoint holds it (who added to its velocity lately: countedSince). */
export interface TagState {
  tag: string;
  uses: number;
  rate: DecayedRate | undefined;
}

/** Fastest first; of equal velocity the more used, then the tag. */
export const byTrend = (a: HashtagTrend, b: HashtagTrend) => b.velocity - a.velocity || b.uses - a.uses || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);

export class HashtagStats {
  readonly #ordinals = new Map<string, number>();
  readonly #tags: string[] = [];
  readonly #uses: number[] = [];
  readonly #rates: (DecayedRate | undefined)[] = [];
  /** `<tag ordinal> <author id>` -> when that author last added to the tag's velocity, oldest first. */
  readonly #counted = new Map<string, number>();
  readonly #ranking = new VelocityRanking(
    { level: (o) => addToLevel(-Infinity, this.#rates[o]), eligible: (o) => this.#uses[o]! > 0, id: (o) => this.#tags[o]! },
    { ranked: TRENDING_TAGS, minRate: TAG_MIN_RATE },
  );

  /** `changed`: told the ordinal of each tag whose state changes (a checkpoint writes its chunk again). */
  constructor(private readonly changed: (ordinal: number) => void = () => {}) {}

  get size(): number {
    return this.#tags.length;
  }

  /** Published tweets that carry the tag now: `delta` more (or fewer). */
  addUses(tag: string, delta: number): void {
    const o = this.#ordinal(tag);
    const before = this.#uses[o]!;
    // never below 0, which only a fault could make: an event that throws while it applies would stop every replay
    this.#uses[o] = Math.max(0, before + delta);
    if (before === 0 && delta > 0) this.#ranking.add(o); // in use again: ranked again
    this.changed(o);
  }

  /** A use of the tag by the author at `at`: it adds to the tag's velocity unless the author added to it lately. */
  countUse(tag: string, authorId: string, at: number): void {
    const o = this.#ordinal(tag);
    for (const [key, last] of this.#counted) {
      if (!countsForVelocity(last, at)) break;
      this.#counted.delete(key); // an author counts again after the window whether remembered or not
    }
    const key = `${o} ${authorId}`;
    if (!countsForVelocity(this.#counted.get(key), at)) return;
    this.#counted.delete(key);
    this.#counted.set(key, at);
    this.#rates[o] = bumpTag(this.#rates[o], at);
    this.#ranking.add(o);
    this.changed(o);
  }

  /**
   * The trending tags at `now` (in use, at TAG_MIN_RATE or more), at most `limit` (≤ TRENDING_TAGS), fastest
   * first; null when the ranking must scan its candidates first (scanSome).
   */
  trending(limit: number, now: number): HashtagTrend[] | null {
    const top = this.#ranking.top(limit, now);
    if (top === null) return null;
    return top
      .map((o) => ({ tag: this.#tags[o]!, uses: this.#uses[o]!, velocity: tagVelocity(this.#rates[o], now) }))
      .filter((t) => t.velocity >= TAG_MIN_RATE)
      .sort(byTrend);
  }

  /** Goes on with the ranking's pass over its candidates (`budget` of them); true once done. */
  scanSome(budget: number, now: number): boolean {
    return this.#ranking.scanSome(budget, now);
  }

  /** The tag of that ordinal as it is now. */
  state(ordinal: number): TagState {
    const rate = this.#rates[ordinal];
    return { tag: this.#tags[ordinal]!, uses: this.#uses[ordinal]!, rate: rate && { ...rate } };
  }

  /** Who added to the velocity of each tag since `since`, by tag ordinal (for a checkpoint). */
  countedSince(since: number): Map<number, [string, number][]> {
    const byTag = new Map<number, [string, number][]>();
    for (const [key, at] of this.#counted) {
      if (at <= since) continue;
      const space = key.indexOf(' ');
      const o = Number(key.slice(0, space));
      let list = byTag.get(o);
      if (!list) byTag.set(o, (list = []));
      list.push([key.slice(space + 1), at]);
    }
    return byTag;
  }

  /** Restores the next tag (by ordinal) as a checkpoint held it; `now`: a tag still moving is ranked. */
  restore(s: TagState, now: number): void {
    if (this.#ordinals.has(s.tag)) throw new Error(`hashtag ${s.tag} twice`);
    const o = this.#ordinal(s.tag);
    this.#uses[o] = s.uses;
    this.#rates[o] = s.rate;
    if (s.rate && tagVelocity(s.rate, now) >= TAG_MIN_RATE) this.#ranking.add(o);
  }

  /** Restores who added to velocity when, for every tag restored (any order: they are sorted by time here). */
  restoreCounted(entries: [ordinal: number, userId: string, at: number][]): void {
    for (const [o, userId, at] of entries.sort((a, b) => a[2] - b[2])) {
      if (!(o >= 0 && o < this.size)) throw new Error(`no hashtag #${o} for who used it`);
      this.#counted.set(`${o} ${userId}`, at);
    }
  }

  #ordinal(tag: string): number {
    let o = this.#ordinals.get(tag);
    if (o === undefined) {
      o = this.#tags.length;
      this.#ordinals.set(tag, o);
      this.#tags.push(tag);
      this.#uses.push(0);
      this.#rates.push(undefined);
    }
    return o;
  }
}
