import { useRef, type MouseEvent } from 'react';
import { trpc, type Tweet } from '../trpc.ts';
import { applyAction } from './engagement.ts';

/**
 * Like or retweet, optimistically (TanStack's guide): cancel the tweet's fetches, snapshot it, write the expected
 * result, roll back to the snapshot on error, and refetch it once settled. One toggle at a time per button, and the
 * second click of a double click is ignored, so a double click is one like, never a like and an unlike.
 */
export function useEngagementToggle(tweet: Tweet, kind: 'like' | 'retweet') {
  const utils = trpc.useUtils();
  const inFlight = useRef(false);
  const engage = trpc.tweet.engage.useMutation({
    onMutate: async ({ id, action }) => {
      await utils.tweet.get.cancel({ id });
      const previous = utils.tweet.get.getData({ id });
      if (action !== 'view') utils.tweet.get.setData({ id }, (t) => t && { ...t, engagement: applyAction(t.engagement, action) });
      return { previous };
    },
    onError: (_error, { id }, context) => {
      if (context?.previous) utils.tweet.get.setData({ id }, context.previous);
    },
    onSuccess: (engagement, { id }) => {
      utils.tweet.get.setData({ id }, (t) => t && { ...t, engagement });
    },
    onSettled: (_data, _error, { id }) => {
      inFlight.current = false;
      // Not awaited: an error must show at once, not after the refetch (and its retries) are done.
      void utils.tweet.get.invalidate({ id });
    },
  });

  const active = kind === 'like' ? tweet.engagement.likedByCurrentUser : tweet.engagement.retweetedByCurrentUser;
  const toggle = (event?: MouseEvent) => {
    if (inFlight.current || (event && event.detail > 1)) return;
    inFlight.current = true;
    const action = kind === 'like' ? (active ? 'unlike' : 'like') : active ? 'unretweet' : 'retweet';
    engage.mutate({ id: tweet.id, action });
  };
  return { active, toggle, pending: engage.isPending, error: engage.error, dismissError: engage.reset };
}
