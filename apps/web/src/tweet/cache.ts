// Writing what the server says about a tweet into the query cache. A card reads its tweet from tweet.get({id})
// (seeded from the timeline page it came in), and timelines keep their own copies, so a change goes to both; every
// key is derived by tRPC from the procedure and its input.
import type { QueryClient } from '@tanstack/react-query';
import { getMutationKey } from '@trpc/react-query';
import { belongsTo, timelineInput, timelinesOf, type TimelineFilter } from '../timeline/filters.ts';
import { replaced, withoutTweet, withTweet } from '../timeline/pages.ts';
import { trpc, type Engagement, type Tweet } from '../trpc.ts';

export type Utils = ReturnType<typeof trpc.useUtils>;

/** The tweet as the server now returns it, wherever it is loaded: replaced in the loaded timelines it belongs to, and
 * taken out of those it has left (archived, restored, a hashtag edited away). With `insert`, it is also added to the
 * loaded timelines it belongs to. A copy never goes back to an older version than the one held. */
export function storeTweet(utils: Utils, tweet: Tweet, { insert = false } = {}): void {
  utils.tweet.get.setData({ id: tweet.id }, (held) => (held && held.version > tweet.version ? held : tweet));
  for (const filter of timelinesOf(tweet)) {
    const stays = belongsTo(tweet, filter);
    utils.tweet.list.setInfiniteData(
      timelineInput(filter),
      (data) => data && (!stays ? withoutTweet(data, tweet.id) : insert ? withTweet(data, tweet) : replaced(data, tweet)),
    );
  }
}

/**
 * Someone else's tweet left the timelines (archived): readers learn only its id. Drop it from them, and from `shown`
 * (the timeline that heard it, which may hold it without a card of it rendered yet); its own query is read again
 * when next used (and answers that it is gone).
 */
export function dropTweet(utils: Utils, id: string, shown: TimelineFilter): void {
  const known = utils.tweet.get.getData({ id });
  void utils.tweet.get.invalidate({ id }, { refetchType: 'none' });
  for (const filter of [shown, ...(known ? timelinesOf(known) : [])]) {
    utils.tweet.list.setInfiniteData(timelineInput(filter), (data) => data && withoutTweet(data, id));
  }
}

const engageKey = getMutationKey(trpc.tweet.engage);

/** Whether this user's like/retweet of the tweet is still on its way (its optimistic value must stand). */
export function isEngaging(queryClient: QueryClient, id: string): boolean {
  return queryClient.isMutating({ mutationKey: engageKey, predicate: (m) => (m.state.variables as { id?: string } | undefined)?.id === id }) > 0;
}

/** A live engagement update, unless the user's own like/retweet of it is in flight: that one settles by refetching. */
export function storeEngagement(utils: Utils, queryClient: QueryClient, id: string, engagement: Engagement): void {
  if (isEngaging(queryClient, id)) return;
  utils.tweet.get.setData({ id }, (tweet) => tweet && { ...tweet, engagement });
}
