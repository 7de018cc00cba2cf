import { measureElement, useWindowVirtualizer, windowScroll } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { LiveEngagement } from '../tweet/LiveEngagement.tsx';
import { TweetCard } from '../tweet/TweetCard.tsx';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { useDocumentTop } from '../ui/useDocumentTop.ts';
import type { TimelineFilter } from './filters.ts';
import { NewPostsBar } from './NewPostsBar.tsx';
import { TweetSkeletons } from './TweetSkeleton.tsx';
import { useTimeline } from './useTimeline.ts';
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

export interface TimelineProps {
  /** The accessible name of the timeline section ("Timeline", "Posts by @ada"). */
  label: string;
  filter: TimelineFilter;
  empty: ReactNode;
  showReplyContext?: boolean;
}

/**
 * A virtualised, infinitely scrolling timeline in the page's own scroll (rows measured as they render, so tweets
 * of any height scroll smoothly by the thousand). The next page loads as its end comes into view.
 */
export function Timeline({ label, filter, empty, showReplyContext = true }: TimelineProps) {
  const list = useRef<HTMLDivElement>(null);
  const listTop = useDocumentTop(list);
  const { query, items, newPosts, showNewPosts } = useTimeline(filter, { readerAtTop: () => window.scrollY <= listTop });
  const [focusId, setFocusId] = useState<string | null>(null);

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
  useEffect(() => {
    if (items.length > 0 && lastRendered >= items.length - 1 && hasNextPage && !isFetchingNextPage && !isFetchNextPageError) {
      void fetchNextPage();
    }
  }, [lastRendered, items.length, hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage]);

  // After "N new posts": bring the top of the timeline into view and put focus on the newest post.
  useEffect(() => {
    if (!focusId) return;
    const article = list.current?.querySelector<HTMLElement>(`[data-tweet-id="${focusId}"]`);
    if (article) {
      article.focus({ preventScroll: true });
      setFocusId(null);
    }
  });
  const onShowNewPosts = () => {
    const shown = showNewPosts();
    window.scrollTo({ top: Math.max(0, listTop - 80) });
    setFocusId(shown[0]?.id ?? null);
  };

  return (
    <section aria-label={label} className="timeline">
      <NewPostsBar count={newPosts.length} onShow={onShowNewPosts} />
      {query.isPending ? (
        <TweetSkeletons />
      ) : query.isError && !query.data ? (
        <div className="timeline-message">
          <ErrorMessage error={query.error} retry={() => void query.refetch()} />
        </div>
      ) : items.length === 0 ? (
        <div className="empty">{empty}</div>
      ) : null}
      <div ref={list} role="feed" aria-busy={query.isFetching} className="timeline-rows" style={{ height: virtualizer.getTotalSize() }}>
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
