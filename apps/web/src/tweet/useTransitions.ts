import { trpc, type Tweet } from '../trpc.ts';
import { storeTweet } from './cache.ts';

export type Transition = 'publish' | 'archive' | 'restore';

/**
 * Publish, archive and restore a tweet (its author only). The tweet the server returns goes where it now belongs at
 * once: archived, it leaves the timelines and joins its author's archived list; restored or published, it comes back
 * to the loaded timelines in its place.
 */
export function useTransitions(id: string) {
  const utils = trpc.useUtils();
  const options = { onSuccess: (tweet: Tweet) => storeTweet(utils, tweet, { insert: true }) };
  const mutations: Record<Transition, ReturnType<typeof trpc.tweet.publish.useMutation>> = {
    publish: trpc.tweet.publish.useMutation(options),
    archive: trpc.tweet.archive.useMutation(options),
    restore: trpc.tweet.restore.useMutation(options),
  };
  const failed = (Object.keys(mutations) as Transition[]).find((to) => mutations[to].error);
  return {
    run: (to: Transition) => mutations[to].mutate({ id }),
    pending: Object.values(mutations).some((m) => m.isPending),
    /** The last refused transition, its error, and how to forget it. */
    failure: failed ? ([failed, mutations[failed].error, mutations[failed].reset] as const) : null,
  };
}
