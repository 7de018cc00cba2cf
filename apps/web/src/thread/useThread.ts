import { useMemo } from 'react';
import { storeTweet } from '../tweet/cache.ts';
import { trpc, type Tweet } from '../trpc.ts';
import { useAfterWait } from '../ui/ErrorMessage.tsx';
import { withoutThreadTweet, withReply } from './pages.ts';

/** Direct replies per page ("Show more replies" asks for the next). */
export const REPLIES_PAGE = 20;

/**
 * The conversation around a tweet (tweet.thread): its ancestors root first, the tweet, and its direct replies oldest
 * first, a page at a time. Kept live: changes to what it shows apply at once, new replies join the end once it is
 * loaded, and a post that leaves (archived) leaves the thread.
 */
export function useThread(id: string) {
  const utils = trpc.useUtils();
  const input = { id, limit: REPLIES_PAGE };
  const query = trpc.tweet.thread.useInfiniteQuery(input, { getNextPageParam: (page) => page.replies.nextCursor });
  const replies = useMemo(() => query.data?.pages.flatMap((page) => page.replies.items) ?? [], [query.data]);

  /** A reply written here, or heard of: in its place at the end of the loaded replies. */
  const addReply = (reply: Tweet) => utils.tweet.thread.setInfiniteData(input, (data) => data && withReply(data, reply));

  const changes = trpc.tweet.onChange.useSubscription(
    {},
    {
      onData: ({ data: change }) => {
        if (change.type === 'reset' || (change.id === id && !change.tweet)) {
          // Missed changes, or the tweet itself left this reader: read the thread again.
          void utils.tweet.thread.invalidate(input);
        } else if (!change.tweet) {
          utils.tweet.thread.setInfiniteData(input, (data) => data && withoutThreadTweet(data, change.id));
        } else {
          storeTweet(utils, change.tweet);
          if (change.tweet.replyToId === id) addReply(change.tweet);
        }
      },
    },
  );
  // Refused (too many requests): start again after the server's wait, and read the thread again.
  useAfterWait(changes.error, () => {
    changes.reset();
    void utils.tweet.thread.invalidate(input);
  });

  const first = query.data?.pages[0];
  return { query, ancestors: first?.ancestors ?? [], tweet: first?.tweet, replies, addReply };
}
