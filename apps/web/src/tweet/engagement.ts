import type { Engagement } from '../trpc.ts';

export type ToggleAction = 'like' | 'unlike' | 'retweet' | 'unretweet';

/** What the server will answer to `action`, guessed: engagement is idempotent per user, so liking a tweet already
 * liked changes nothing (and a count never goes to 2 for one person). */
export function applyAction(e: Engagement, action: ToggleAction): Engagement {
  switch (action) {
    case 'like':
      return e.likedByCurrentUser ? e : { ...e, likes: e.likes + 1, likedByCurrentUser: true };
    case 'unlike':
      return e.likedByCurrentUser ? { ...e, likes: Math.max(0, e.likes - 1), likedByCurrentUser: false } : e;
    case 'retweet':
      return e.retweetedByCurrentUser ? e : { ...e, retweets: e.retweets + 1, retweetedByCurrentUser: true };
    case 'unretweet':
      return e.retweetedByCurrentUser ? { ...e, retweets: Math.max(0, e.retweets - 1), retweetedByCurrentUser: false } : e;
  }
}
