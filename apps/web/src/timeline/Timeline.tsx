import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useDocumentTop } from '../ui/useDocumentTop.ts';
import type { TimelineFilter } from './filters.ts';
import { NewPostsBar } from './NewPostsBar.tsx';
import { TweetFeed } from './TweetFeed.tsx';
import { useTimeline } from './useTimeline.ts';

export interface TimelineProps {
  /** The accessible name of the timeline section ("Timeline", "Posts by @ada"). */
  label: string;
  filter: TimelineFilter;
  empty: ReactNode;
  /** What a filter the server refuses is called (TweetFeed). */
  refused?: string;
  showReplyContext?: boolean;
}

/** A live timeline (tweet.list): changes apply where they are, new posts wait behind "N new posts". */
export function Timeline({ label, filter, empty, refused, showReplyContext = true }: TimelineProps) {
  const list = useRef<HTMLDivElement>(null);
  const listTop = useDocumentTop(list);
  const { query, items, newPosts, showNewPosts } = useTimeline(filter, { readerAtTop: () => window.scrollY <= listTop });
  const [focusId, setFocusId] = useState<string | null>(null);

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
    <TweetFeed
      label={label}
      query={query}
      items={items}
      empty={empty}
      refused={refused}
      listRef={list}
      listTop={listTop}
      header={<NewPostsBar count={newPosts.length} onShow={onShowNewPosts} />}
      showReplyContext={showReplyContext}
    />
  );
}
