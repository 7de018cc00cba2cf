// What is moving now (API.md, `trends`): hashtags by their decayed uses, tweets by their engagement velocity. Both
// come from figures each engine keeps as events arrive (no scans), and hold the Visibility rules: only published
// tweets count, and an archived tweet leaves both at once.
import { trendsInput, type Tweet } from '@tweetstore/core';
import { viewerIdOf } from '../auth/sessions.ts';
import { publicProcedure, router } from '../trpc.ts';

export const trendsRouter = router({
  hashtags: publicProcedure.input(trendsInput).query(async ({ ctx, input }) => ({ items: await ctx.store.trendingHashtags(input.limit) })),

  tweets: publicProcedure.input(trendsInput).query(async ({ ctx, input }) => {
    const viewerId = await viewerIdOf(ctx);
    const ranked = await ctx.store.topByVelocity(input.limit);
    const tweets = await Promise.all(ranked.map((entry) => ctx.store.getTweet(entry.tweetId, viewerId)));
    // ranked tweets are published; one archived since the ranking was read is not shown
    return { items: tweets.filter((t): t is Tweet => t !== null && t.state === 'published') };
  }),
});
