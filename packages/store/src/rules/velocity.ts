// The velocity ranking's rules, the same for every engine (topByVelocity): a tweet's score is the sum of its decayed
// per-minute rates; only published tweets at HOT_MIN_RATE or more are ranked, at most RANKED of them, fastest first
// (ties: the larger id first). core's velocity level orders tweets as their scores do at every time, so an engine can
// keep it as an index.
import { addToLevel, ratePerMinute, type DecayedRate, type EngagementCounts } from '@tweetstore/core';

/** How many tweets topByVelocity answers at most. */
export const RANKED = 100;
/** Below this many events per minute a tweet is no longer ranked. */
export const HOT_MIN_RATE = 1e-3;

export type TweetVelocity = Partial<Record<keyof EngagementCounts, DecayedRate>> | null;

const kinds: readonly (keyof EngagementCounts)[] = ['likes', 'retweets', 'replies', 'views'];

/** The sum of the rates at `now`, in events per minute. */
export function velocityScore(v: TweetVelocity, now: number): number {
  let sum = 0;
  if (v === null) return 0;
  for (const kind of kinds) sum += ratePerMinute(v[kind], now);
  return sum;
}

/** core's velocity level of the rates, added in one order (-Infinity for none). */
export function velocityLevelOf(v: TweetVelocity): number {
  if (v === null) return -Infinity;
  let level = -Infinity;
  for (const kind of kinds) level = addToLevel(level, v[kind]);
  return level;
}

/** Fastest first; of equal scores, the larger id first. */
export function byVelocityScore(a: { tweetId: string; score: number }, b: { tweetId: string; score: number }): number {
  return b.score - a.score || (a.tweetId < b.tweetId ? 1 : -1);
}
