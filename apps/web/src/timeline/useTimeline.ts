import type { TweetChange } from '@tweetstore/api';
import { useMemo, useState } from 'react';
import { useSession } from '../session.ts';
import { dropTweet, storeTweet } from '../tweet/cache.ts';
import { trpc, type Tweet } from '../trpc.ts';
import { useAfterWait } from '../ui/ErrorMessage.tsx';
import { belongsTo, timelineInput, type TimelineFilter } from './filters.ts';
import { hasTweet } from './pages.ts';

export interface TimelineOptions {
  /** Whether the reader is at the top, where a tweet of their own can appear without moving what they read. */
  readerAtTop: () => boolean;
}

/**
 * A timeline's tweets, newest first, a page at a time (cursor pagination), kept live: changes to tweets it shows
 * apply at once; tweets new to it wait behind "N new posts" (`waiting`) until the reader asks for them, so nothing
 * moves under the reader. The reader's own new tweets go straight in when they are at the top.
 */
export function useTimeline(filter: TimelineFilter, { readerAtTop }: TimelineOptions) {
  const utils = trpc.useUtils();
  const { user } = useSession();
  const input = timelineInput(filter);
  const query = trpc.tweet.list.useInfiniteQuery(input, { getNextPageParam: (page) => page.nextCursor });
  // A page may hold tweets the timeline does not show: an author's archived ones come among all their tweets.
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.items.filter((t) => belongsTo(t, filter))) ?? [], [query.data, filter.authorId, filter.replyToId, filter.hashtag, filter.archived]);
  const [waiting, setWaiting] = useState<ReadonlyMap<string, Tweet>>(new Map());

  const apply = (change: TweetChange) => {
    if (change.type === 'reset') {
      // The server could not replay what was missed: reload what is shown.
      setWaiting(new Map());
      void utils.tweet.invalidate();
      return;
    }
    if (!change.tweet) {
      // Someone else's tweet was archived: only its id is known.
      dropTweet(utils, change.id, filter);
      setWaiting((w) => without(w, change.id));
      return;
    }
    const { tweet } = change;
    const belongs = belongsTo(tweet, filter);
    const isNew = belongs && !hasTweet(utils.tweet.list.getInfiniteData(input), tweet.id);
    if (!isNew) {
      // Changed where it is, or gone from this timeline (archived, say), and from the waiting ones too.
      storeTweet(utils, tweet);
      setWaiting((w) => (!w.has(tweet.id) ? w : belongs ? new Map(w).set(tweet.id, tweet) : without(w, tweet.id)));
    } else if (tweet.author.id === user?.id && readerAtTop()) {
      storeTweet(utils, tweet, { insert: true });
    } else {
      setWaiting((w) => new Map(w).set(tweet.id, tweet));
    }
  };
  const changes = trpc.tweet.onChange.useSubscription(filter.authorId ? { authorId: filter.authorId } : {}, {
    onData: ({ data }) => apply(data),
  });
  // tRPC resubscribes after a lost socket, not after the server refused the subscription (too many requests): start
  // it again after the server's wait, and reload what is shown, as the changes made meanwhile were missed.
  useAfterWait(changes.error, () => {
    changes.reset();
    apply({ type: 'reset' });
  });

  // A tweet may also have reached the list by a page load after its event: it is no longer waiting then.
  const newPosts = useMemo(() => [...waiting.values()].filter((t) => !hasTweet(query.data, t.id)), [waiting, query.data]);

  /** Puts the waiting tweets in their place; returns them, newest first. */
  const showNewPosts = (): Tweet[] => {
    const shown = [...newPosts].sort((a, b) => (a.id < b.id ? 1 : -1));
    for (const tweet of shown) storeTweet(utils, tweet, { insert: true });
    setWaiting(new Map());
    return shown;
  };

  return { query, items, newPosts, showNewPosts };
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
}
