import { loginInput, registerInput } from '@tweetstore/core';
import { TRPCError } from '@trpc/server';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../auth/passwords.ts';
import { hashSessionToken, resolveSession, startSession } from '../auth/sessions.ts';
import { authedProcedure, publicProcedure, router } from '../trpc.ts';

export const authRouter = router({
  register: publicProcedure.input(registerInput).mutation(async ({ ctx, input }) => {
    const user = await ctx.store.registerUser({
      username: input.username,
      displayName: input.displayName ?? input.username,
      passwordHash: await hashPassword(input.password),
    });
    return startSession(ctx, user);
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    await ctx.loginLimiter.check(input.username, ctx.clientAddress);
    const credentials = await ctx.store.findCredentials(input.username);
    if (!credentials) {
      await burnPasswordCheck(input.password);
    } else if (await verifyPassword(input.password, credentials.passwordHash)) {
      await ctx.loginLimiter.recordSuccess(input.username);
      return startSession(ctx, credentials.user);
    }
    await ctx.loginLimiter.recordFailure(input.username, ctx.clientAddress);
    // One message for unknown user and wrong password: a login must not reveal which usernames exist.
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong username or password' });
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    await ctx.store.closeSession(hashSessionToken(ctx.token));
    ctx.cookies?.clear();
    return { ok: true as const };
  }),

  me: publicProcedure.query(async ({ ctx }) => (ctx.token ? resolveSession(ctx, ctx.token) : null)),
});
