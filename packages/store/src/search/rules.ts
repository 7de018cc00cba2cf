// The rules of search ranking and hashtag trends every engine keeps alike.
// - Search sees the current version of published tweets only (never a draft or an archived tweet, not even its
//   author's); an edit, revert, archive, restore or publish changes what matches at once. `latest` is newest first by
//   creation (ids sort by it), paged by beforeId; `top` is topScore over the newest TOP_WINDOW matches, paged by offset
//   (the next page's offset while more remain, else none). Relevance is each engine's own measure, 0..1.
// - A hashtag's uses are the published tweets whose current version carries it: archiving a tweet or an edit that
//   drops the tag takes its use away, restoring gives it back. A use adds to the tag's velocity (bumpTag) when the
//   tag comes onto a published tweet (created published, a draft published, an edit or revert that adds it), and only
//   if countsForVelocity(when that author last added to that tag, the event's time); a restore adds none.
// - trendingHashtags: tags with uses > 0 and velocity >= TAG_MIN_RATE, fastest first (ties: more uses, then the tag),
//   at most min(limit, TRENDING_TAGS).
// - All of it is a function of the events and their times: a replay, or a restart from a checkpoint, answers the same.
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
