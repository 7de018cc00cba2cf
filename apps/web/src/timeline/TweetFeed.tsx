import { measureElement, useWindowVirtualizer, windowScroll } from '@tanstack/react-virtual';
import { useEffect, type ReactNode, type RefObject } from 'react';
import { LiveEngagement } from '../tweet/LiveEngagement.tsx';
import { TweetCard } from '../tweet/TweetCard.tsx';
import type { Tweet } from '../trpc.ts';
import { errorCode, ErrorMessage, Refusal } from '../ui/ErrorMessage.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { TweetSkeletons } from './TweetSkeleton.tsx';
import './timeline.css';

/** A typical (short) card's height, for rows not measured yet. */
export const ESTIMATED_ROW_PX = 120;
/** Rows rendered beyond the screen on each side. */
const OVERSCAN = 5;

/** The measured height of a row; the estimate where there is no layout to measure (a detached node, jsdom). */
const measureRow: typeof measureElement = (element, entry, instance) => measureElement(element, entry, instance) || ESTIMATED_ROW_PX;

/** Scrolls the window, unless it is already there (the virtualiser "restores" the offset it starts at). */
const scrollWindow: typeof windowScroll = (offset, options, instance) => {
  if (Math.abs(offset + (options.adjustments ?? 0) - window.scrollY) >= 1) windowScroll(offset, options, instance);
};

/** What a feed needs of a paged (infinite) query of tweets: tweet.list's, tweet.search's. */
export interface FeedQuery {
  isPending: boolean;
  isError: boolean;
  isFetching: boolean;
  data: unknown;
  error: unknown;
  dataUpdatedAt: number;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  fetchNextPage(): Promise<unknown>;
  refetch(): Promise<unknown>;
}

export interface TweetFeedProps {
  /** The accessible name of the feed's section ("Timeline", "Posts by @ada", "Search results"). */
  label: string;
  query: FeedQuery;
  items: Tweet[];
  /** Shown when there is nothing (and nothing more to load). */
  empty: ReactNode;
  /** What a query the server refuses as it stands (BAD_REQUEST: a search with nothing to find) is called. */
  refused?: string;
  /** The element the rows go in, and its distance from the top of the document (useDocumentTop). */
  listRef: RefObject<HTMLDivElement | null>;
  listTop: number;
  /** Above the rows (the "N new posts" bar). */
  header?: ReactNode;
  showReplyContext?: boolean;
}

/**
 * A virtualised, infinitely scrolling list of tweets in the page's own scroll (rows measured as they render, so
 * tweets of any height scroll smoothly by the thousand). The next page loads as its end comes into view, or at once
 * while no row is shown and more pages follow (a page may hold nothing this feed shows).
 */
export function TweetFeed({ label, query, items, empty, refused = 'This list cannot be shown', listRef, listTop, header, showReplyContext = true }: TweetFeedProps) {
  const virtualizer = useWindowVirtualizer({
    count: items.length,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: OVERSCAN,
    scrollMargin: listTop,
    getItemKey: (index) => items[index]!.id,
    measureElement: measureRow,
    scrollToFn: scrollWindow,
    // Scroll updates render in React's own batch; flushSync from inside React's commit is a React 19 warning.
    useFlushSync: false,
  });
  const rows = virtualizer.getVirtualItems();

  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage } = query;
  const lastRendered = rows.at(-1)?.index ?? -1;
  const loaded = !query.isPending && !query.isError;
  useEffect(() => {
    if (loaded && lastRendered >= items.length - 1 && hasNextPage && !isFetchingNextPage && !isFetchNextPageError) void fetchNextPage();
  }, [loaded, lastRendered, items.length, hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage]);

  return (
    <section aria-label={label} className="timeline">
      {header}
      {query.isPending ? (
        <TweetSkeletons />
      ) : query.isError && !query.data ? (
        errorCode(query.error) === 'BAD_REQUEST' ? (
          <Refusal title={refused} error={query.error} />
        ) : (
          <div className="timeline-message">
            <ErrorMessage error={query.error} retry={() => void query.refetch()} />
          </div>
        )
      ) : items.length === 0 && !hasNextPage ? (
        <div className="empty">{empty}</div>
      ) : null}
      <div ref={listRef} role="feed" aria-busy={query.isFetching} className="timeline-rows" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map((row) => {
          const tweet = items[row.index]!;
          return (
            <TweetCard
              key={row.key}
              ref={virtualizer.measureElement}
              data-index={row.index}
              aria-posinset={row.index + 1}
              aria-setsize={hasNextPage ? -1 : items.length}
              className="timeline-row"
              style={{ transform: `translateY(${row.start - virtualizer.options.scrollMargin}px)` }}
              tweet={tweet}
              seedUpdatedAt={query.dataUpdatedAt}
              showReplyContext={showReplyContext}
            />
          );
        })}
      </div>
      <div className="timeline-footer">
        {isFetchingNextPage ? (
          <Spinner label="Loading more posts" />
        ) : isFetchNextPageError ? (
          <ErrorMessage error={query.error} retry={() => void fetchNextPage()} />
        ) : items.length > 0 && !hasNextPage ? (
          <p className="muted">You are all caught up.</p>
        ) : null}
      </div>
      <LiveEngagement ids={rows.map((row) => items[row.index]!.id)} />
    </section>
  );
}
