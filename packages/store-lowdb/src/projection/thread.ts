// The ids of a thread, from the projection as it is: the walk up to the root reads only what the timelines read of a
// tweet (no record, no details file), so a thread of a thousand levels is a thousand binary searches.
import { visibleTo, type ThreadQuery } from '@tweetstore/store';
import type { Timelines } from './timelines.ts';
import type { TweetIndex } from './tweet-index.ts';

export interface ThreadIds {
  /** root first */
  ancestors: string[];
  /** oldest first: one more than the query's limit if there are more */
  replies: string[];
}

/** null when the tweet is unknown or the viewer may not see it. */
export function threadIds(tweets: TweetIndex, timelines: Timelines, q: ThreadQuery): ThreadIds | null {
  const ordinal = tweets.ordinalOf(q.id);
  const tweet = ordinal < 0 ? undefined : tweets.entryAt(ordinal);
  if (!tweet || !visibleTo(tweet, q.viewerId)) return null;
  const ancestors: string[] = [];
  for (let parentId = tweet.replyToId; parentId !== null; ) {
    const parent = tweets.entryAt(tweets.ordinalOf(parentId))!;
    if (visibleTo(parent, q.viewerId)) ancestors.push(parent.id);
    parentId = parent.replyToId;
  }
  return { ancestors: ancestors.reverse(), replies: timelines.replies(tweet.id, q.viewerId, q.afterId, q.limit) };
}
