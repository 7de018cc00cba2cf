import { trpc, type Tweet } from '../trpc.ts';
import { announce } from '../ui/Announcer.tsx';
import { storeTweet } from './cache.ts';

export type Transition = 'publish' | 'archive' | 'restore';

/**
 * Publish, archive and restore a tweet (its author only). The tweet the server returns goes where it now belongs at
 * once: archived, it leaves the timelines and joins its author's archived list; restored or published, it comes back
 * to the loaded timelines in its place.
 */
export function useTransitions(id: string) {
  const utils = trpc.useUtils();
  // the card may leave the page with the change (an archived post leaves the timeline): the page says what happened
  const options = (said: string) => ({
    onSuccess: (tweet: Tweet) => {
      storeTweet(utils, tweet, { insert: true });
      announce(said);
    },
  });
  const mutations: Record<Transition, ReturnType<typeof trpc.tweet.publish.useMutation>> = {
    publish: trpc.tweet.publish.useMutation(options('Post published.')),
    archive: trpc.tweet.archive.useMutation(options('Post archived. Find it under Archived on your profile.')),
    restore: trpc.tweet.restore.useMutation(options('Post restored.')),
  };
  const failed = (Object.keys(mutations) as Transition[]).find((to) => mutations[to].error);
  return {
    run: (to: Transition) => mutations[to].mutate({ id }),
    pending: Object.values(mutations).some((m) => m.isPending),
    /** The last refused transition, its error, and how to forget it. */
    failure: failed ? ([failed, mutations[failed].error, mutations[failed].reset] as const) : null,
  };
}
