// The rules of search ranking and hashtag trends every engine keeps alike.
import { bumpRate, ratePerMinute, tagKey, type DecayedRate } from '@tweetstore/core';

/**
 * `top` ranks the newest TOP_WINDOW matches of a query (a search ranks what is current; a word in a million tweets
 * would otherwise score them all), and pages through them by offset: at most TOP_WINDOW results.
 */
export const TOP_WINDOW = 1_000;

/** What `top` weighs besides relevance. */
export interface RankSignals {
  likes: number;
  retweets: number;
  replies: number;
  /** engagement velocity, events per minute (velocityScore) */
  velocity: number;
}

/**
 * A match's `top` score: its relevance (the engine's own measure, 0..1: how much of the text the terms are) lifted by
 * engagement (log-scaled, so a thousand likes do not bury every other match) and velocity. Written out the same in
 * SQL by the PostgreSQL engine. Of equal scores, the newer tweet first.
 */
export function topScore(relevance: number, s: RankSignals): number {
  return relevance * (1 + Math.log1p(s.likes + 2 * s.retweets + 2 * s.replies)) + Math.log1p(s.velocity);
}

/** The larger score first; of equal scores the larger (newer) id. */
export function byTopScore(a: { id: string; score: number }, b: { id: string; score: number }): number {
  return b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** An author adds to a hashtag's velocity at most once in this long (one account cannot make a trend alone). */
export const TAG_AUTHOR_WINDOW_MS = 3_600_000;

/** How many hashtags trends.hashtags answers at most. */
export const TRENDING_TAGS = 50;

/** Below this many uses per minute a hashtag is not trending. */
export const TAG_MIN_RATE = 1e-3;

/**
 * Whether a use of a tag by an author at `at` adds to the tag's velocity, given when that author last added to it
 * (undefined: never, or longer ago than anyone remembers).
 */
export function countsForVelocity(lastCountedAt: number | undefined, at: number): boolean {
  return lastCountedAt === undefined || at - lastCountedAt >= TAG_AUTHOR_WINDOW_MS;
}

/** A hashtag's decayed uses with one more counted use at `at`. */
export const bumpTag = (rate: DecayedRate | undefined, at: number): DecayedRate => bumpRate(rate, at);

/** A hashtag's velocity (uses per minute) at `now`. */
export const tagVelocity = (rate: DecayedRate | undefined, now: number): number => ratePerMinute(rate, now);

/** The hashtags of a tweet's version, as keys, each once. */
export function tagKeys(hashtags: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const h of hashtags) keys.add(tagKey(h));
  return [...keys];
}
