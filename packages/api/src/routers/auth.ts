import { loginInput, registerInput } from '@tweetstore/core';
import { TRPCError } from '@trpc/server';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../auth/passwords.ts';
import { hashSessionToken, resolveSession, startSession } from '../auth/sessions.ts';
import { authedProcedure, publicProcedure, router } from '../trpc.ts';

export const authRouter = router({
  register: publicProcedure.meta({ limit: 'register' }).input(registerInput).mutation(async ({ ctx, input }) => {
    const user = await ctx.store.registerUser({
      username: input.username,
      displayName: input.displayName ?? input.username,
      passwordHash: await hashPassword(input.password),
    });
    await ctx.limits.login.signedUp(user.username, ctx.clientAddress);
    return startSession(ctx, user);
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    // a client still signed in as this user is trusted past an attack on the account (limits/login.ts)
    const current = ctx.token ? await resolveSession(ctx, ctx.token) : null;
    const attempt = await ctx.limits.login.attempt(input.username, ctx.clientAddress, current?.username.toLowerCase() === input.username.toLowerCase());
    const credentials = await ctx.store.findCredentials(input.username);
    if (!credentials) {
      await burnPasswordCheck(input.password);
    } else if (await verifyPassword(input.password, credentials.passwordHash)) {
      await attempt.succeeded();
      return startSession(ctx, credentials.user);
    }
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
