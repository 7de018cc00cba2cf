import { usernameSchema } from '@tweetstore/core';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.ts';

export const userRouter = router({
  /** A user's public profile by username (case-insensitive), for author pages. */
  get: publicProcedure.input(z.object({ username: usernameSchema })).query(async ({ ctx, input }) => {
    const found = await ctx.store.findCredentials(input.username);
    if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: `user @${input.username} not found` });
    return found.user;
  }),
});
