import { useMemo } from 'react';
import { trpc } from '../trpc.ts';
import { PAGE_SIZE } from '../timeline/filters.ts';
import { withoutTweet } from '../timeline/pages.ts';
import { useAfterWait } from '../ui/ErrorMessage.tsx';
import type { SearchSort } from './searchUrl.ts';

/**
 * The posts matching `q` (tweet.search), a page at a time. Each result's card keeps itself current (edits, counts);
 * a result archived meanwhile leaves the list at once, as it leaves timelines.
 */
export function useSearchResults(q: string, sort: SearchSort) {
  const utils = trpc.useUtils();
  const input = { q, sort, limit: PAGE_SIZE };
  const query = trpc.tweet.search.useInfiniteQuery(input, { getNextPageParam: (page) => page.nextCursor });
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);

  const changes = trpc.tweet.onChange.useSubscription(
    {},
    {
      onData: ({ data: change }) => {
        if (change.type === 'archived') utils.tweet.search.setInfiniteData(input, (data) => data && withoutTweet(data, change.id));
      },
    },
  );
  // Refused (too many requests): tRPC does not ask again by itself, so start again after the server's wait.
  useAfterWait(changes.error, changes.reset);
  return { query, items };
}
