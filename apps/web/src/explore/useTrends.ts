import { useEffect, useRef } from 'react';
import { trpc } from '../trpc.ts';
import { useAfterWait } from '../ui/ErrorMessage.tsx';

/** Trends move with time as well as with events (velocities decay, and a like anywhere can lift a post: no stream
 * carries every like), so both lists are read again this often while the page is shown. */
export const TRENDS_REFRESH_MS = 10_000;
/** Changes to tweets (a post with a hashtag, an edit, an archive) come in bursts: one reading after each burst. */
const AFTER_CHANGES_MS = 1_000;

export const TRENDING_TAGS = 10;
export const TRENDING_POSTS = 10;

/**
 * The trending hashtags and posts, kept live: read again a moment after tweet changes (tweet.onChange, which is how
 * a hashtag gains or loses uses and a post leaves), and every TRENDS_REFRESH_MS for what no event announces. The
 * lists shown stay in place while they are read again, so nothing flickers.
 */
export function useTrends() {
  const utils = trpc.useUtils();
  const options = { refetchInterval: TRENDS_REFRESH_MS, staleTime: 0 };
  const hashtags = trpc.trends.hashtags.useQuery({ limit: TRENDING_TAGS }, options);
  const tweets = trpc.trends.tweets.useQuery({ limit: TRENDING_POSTS }, options);

  const scheduled = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(scheduled.current ?? undefined), []);
  const readAgain = () => {
    if (scheduled.current) return;
    scheduled.current = setTimeout(() => {
      scheduled.current = null;
      void utils.trends.invalidate();
    }, AFTER_CHANGES_MS);
  };
  const changes = trpc.tweet.onChange.useSubscription({}, { onData: readAgain });
  // Refused (too many requests): start again after the server's wait, and read again what was missed.
  useAfterWait(changes.error, () => {
    changes.reset();
    readAgain();
  });
  return { hashtags, tweets };
}
