import { tagKey } from '@tweetstore/core';
import type { Tweet } from '../trpc.ts';

/** Which tweets a timeline lists: everyone's (home), one author's, the replies to one tweet, the tweets carrying a
 * hashtag (a tagKey), or the author's own archived tweets (`archived`, with `authorId`). */
export interface TimelineFilter {
  authorId?: string;
  replyToId?: string;
  hashtag?: string;
  archived?: true;
}

export const PAGE_SIZE = 20;
/** An author's archived tweets come out of all their tweets (tweet.list has no state filter): larger pages, fewer
 * round trips past the published ones. */
const ARCHIVED_PAGE_SIZE = 100;

/** The tweet.list input of a timeline, without the cursor (the infinite query adds it). One function, so every
 * reader and writer of a timeline's cache derives the same tRPC key. */
export function timelineInput(filter: TimelineFilter): { limit: number; authorId?: string; replyToId?: string; hashtag?: string; includeArchived?: boolean } {
  return {
    limit: filter.archived ? ARCHIVED_PAGE_SIZE : PAGE_SIZE,
    ...(filter.authorId && { authorId: filter.authorId }),
    ...(filter.replyToId && { replyToId: filter.replyToId }),
    ...(filter.hashtag && { hashtag: filter.hashtag }),
    ...(filter.archived && { includeArchived: true }),
  };
}

/** The timelines a tweet may appear in (or have just left). */
export function timelinesOf(tweet: Tweet): TimelineFilter[] {
  const filters: TimelineFilter[] = [{}, { authorId: tweet.author.id }, { authorId: tweet.author.id, archived: true }];
  if (tweet.replyToId) filters.push({ replyToId: tweet.replyToId });
  for (const tag of new Set(tweet.hashtags.map(tagKey))) filters.push({ hashtag: tag });
  return filters;
}

/** Whether the timeline lists the tweet as it is now (API.md: archived tweets leave timelines; a hashtag lists
 * published tweets whose current version carries it). */
export function belongsTo(tweet: Tweet, filter: TimelineFilter): boolean {
  return (
    (!filter.authorId || tweet.author.id === filter.authorId) &&
    (!filter.replyToId || tweet.replyToId === filter.replyToId) &&
    (!filter.hashtag || (tweet.state === 'published' && tweet.hashtags.some((tag) => tagKey(tag) === filter.hashtag))) &&
    (filter.archived ? tweet.state === 'archived' : tweet.state !== 'archived')
  );
}
