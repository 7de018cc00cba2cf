import type { Tweet } from '../trpc.ts';

/** Which tweets a timeline lists: everyone's (home), one author's, or the replies to one tweet. */
export interface TimelineFilter {
  authorId?: string;
  replyToId?: string;
}

export const PAGE_SIZE = 20;

/** The tweet.list input of a timeline, without the cursor (the infinite query adds it). One function, so every
 * reader and writer of a timeline's cache derives the same tRPC key. */
export function timelineInput(filter: TimelineFilter): { limit: number; authorId?: string; replyToId?: string } {
  return { limit: PAGE_SIZE, ...(filter.authorId && { authorId: filter.authorId }), ...(filter.replyToId && { replyToId: filter.replyToId }) };
}

/** The timelines a tweet appears in. */
export function timelinesOf(tweet: Tweet): TimelineFilter[] {
  const filters: TimelineFilter[] = [{}, { authorId: tweet.author.id }];
  if (tweet.replyToId) filters.push({ replyToId: tweet.replyToId });
  return filters;
}

export function belongsTo(tweet: Tweet, filter: TimelineFilter): boolean {
  return (!filter.authorId || tweet.author.id === filter.authorId) && (!filter.replyToId || tweet.replyToId === filter.replyToId);
}
