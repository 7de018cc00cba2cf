// initTRPC once. This file exports only the builders procedures may use.
import { getTRPCErrorFromUnknown, initTRPC, TRPCError } from '@trpc/server';
import { DomainError, idSchema, type User } from '@tweetstore/core';
import { z } from 'zod';
import type { AuthedContext, Context } from './context.ts';
import { toTRPCError } from './errors.ts';
import { resolveSession } from './auth/sessions.ts';
import type { RateLimitName } from './limits/limits.ts';
import { transformer } from './wire.ts';

/** What a procedure declares about itself: the rate limit it counts against, besides every call's. */
export interface ProcedureMeta {
  limit?: Exclude<RateLimitName, 'calls'>;
}

/** Field issues of a failed input validation (a Standard Schema error, which is what zod 4 raises through tRPC). */
function validationIssues(cause: unknown): { path: string[]; message: string }[] | undefined {
  if (!cause || typeof cause !== 'object' || !('issues' in cause) || !Array.isArray(cause.issues)) return undefined;
  return (cause.issues as { path?: readonly (PropertyKey | { key: PropertyKey })[]; message: string }[]).map((issue) => ({
    path: (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)),
    message: issue.message,
  }));
}

const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
  // Subscriptions are served over WebSocket only (where each socket's subscriptions and backlog are bounded).
  sse: { enabled: false },
  // superjson on the wire; the output side is our faster writer of the same format (wire.ts)
  transformer,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const issues = validationIssues(cause);
    // tRPC adds the server's stack trace in development mode (NODE_ENV unset, as with `npm start`): never sent
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      data: {
        ...data,
        // Field issues for invalid input: [{path, message}]
        issues,
        // Machine-readable facts of a domain error (e.g. expectedVersion/actualVersion of a CONFLICT).
        details: cause instanceof DomainError ? cause.details : undefined,
        // API.md: TOO_MANY_REQUESTS carries how long to wait.
        retryAfterMs: cause instanceof DomainError && typeof cause.details?.retryAfterMs === 'number' ? cause.details.retryAfterMs : undefined,
      },
      // Never leak a stack trace or internal message of a server fault to a client.
      message:
        shape.data.code === 'INTERNAL_SERVER_ERROR'
          ? 'internal error'
          : issues?.length
            ? `invalid input: ${issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')}`
            : shape.message,
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Records a finished call in telemetry and turns a domain error into its tRPC code. */
function observe<R extends { ok: boolean }>(ctx: Context, path: string, type: string, started: number, result: R): R {
  if (result.ok) {
    ctx.telemetry.recordCall(path, type, performance.now() - started, null);
    return result;
  }
  const { error: raw } = result as unknown as { error: TRPCError };
  const error = toTRPCError(raw) as TRPCError;
  ctx.telemetry.recordCall(path, type, performance.now() - started, error.code);
  if (error !== raw) throw error;
  return result;
}

/** Refusals before a call runs (signed out, over a limit) are counted here, since `observe` sees only calls that ran. */
async function beforeCall<T>(ctx: Context, path: string, type: string, started: number, admit: () => Promise<T>): Promise<T> {
  try {
    return await admit();
  } catch (cause) {
    const error = toTRPCError(getTRPCErrorFromUnknown(cause)) as TRPCError;
    ctx.telemetry.recordCall(path, type, performance.now() - started, error.code);
    throw error;
  }
}

/**
 * Resolves `turns` event-loop turns from now. tRPC starts every call of a batch at once, and each runs until it
 * first waits for I/O, so 50 calls' input checks and decisions would run back to back in one turn (50 creates of
 * 10,000 code units: ~100 ms). Call k of a batch starts k turns later instead: an immediate queued from an immediate
 * runs in the next turn, after I/O has been polled. Lone calls (index 0) start at once: the middlewares skip it.
 */
function afterTurns(turns: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : setImmediate(step, left - 1));
    step(turns);
  });
}

/** API.md's per-address limit on every call (in-process callers have no address); undefined: nothing to wait for. */
function chargeCall(ctx: Context): Promise<void> | undefined {
  return ctx.clientAddress === null ? undefined : ctx.limits.charge('calls', ctx.clientAddress);
}

/** The limits of a call its procedure does not depend on the caller for: every call's, and sign-ups per address. */
function chargePublic(ctx: Context, limit: ProcedureMeta['limit']): Promise<void> | undefined {
  if (ctx.admitted) return undefined;
  const call = chargeCall(ctx);
  if (limit !== 'register' || ctx.clientAddress === null) return call;
  const address = ctx.clientAddress;
  const register = () => ctx.limits.charge('register', address);
  return call ? call.then(register) : register();
}

/** Times every call for telemetry, applies its limits, and turns domain errors into their tRPC codes. */
const observed = t.middleware(async ({ ctx, path, type, meta, batchIndex, next }) => {
  if (batchIndex > 0) await afterTurns(batchIndex);
  const started = performance.now();
  const charged = chargePublic(ctx, meta?.limit);
  if (charged) await beforeCall(ctx, path, type, started, () => charged);
  return observe(ctx, path, type, started, await next());
});

export const publicProcedure = t.procedure.use(observed);

/** The caller's user, or UNAUTHORIZED. (Also asked by the upload endpoint before it reads a body.) */
export async function signedInUser(ctx: Pick<Context, 'store' | 'token'>): Promise<User> {
  const user = ctx.token ? await resolveSession(ctx, ctx.token) : null;
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first: no valid session token' });
  return user;
}

/** Signed-in callers only; narrows ctx.user. The session is checked on every call, so a logout or expiry also
 * ends a long-lived WebSocket's rights at once. One middleware with `observed`'s work: each tRPC middleware
 * level copies the call's options and context (~5-10 µs a level, measured with createCaller). */
export const authedProcedure = t.procedure.use(async ({ ctx, path, type, meta, batchIndex, next }) => {
  if (batchIndex > 0) await afterTurns(batchIndex);
  const started = performance.now();
  const user = await beforeCall(ctx, path, type, started, async () => {
    if (!ctx.admitted) await chargeCall(ctx);
    const user = await signedInUser(ctx);
    if (meta?.limit && !ctx.admitted) await ctx.limits.charge(meta.limit, user.id);
    return user;
  });
  return observe(ctx, path, type, started, await next({ ctx: { user, token: ctx.token! } satisfies Pick<AuthedContext, 'user' | 'token'> }));
});

async function loadVisibleTweet(ctx: Context, id: string, viewerId: string | null) {
  const tweet = await ctx.store.getTweet(id, viewerId);
  // Others' drafts and archived tweets answer exactly like ids that never existed.
  if (!tweet) throw new TRPCError({ code: 'NOT_FOUND', message: `tweet ${id} not found` });
  return tweet;
}

const tweetIdInput = z.object({ id: idSchema });

/** A tweet the caller may see (drafts/archived only for their author), loaded once onto ctx.tweet. */
export const visibleTweetProcedure = publicProcedure.input(tweetIdInput).use(async ({ ctx, input, next }) => {
  const viewer = ctx.token ? await resolveSession(ctx, ctx.token) : null;
  return next({ ctx: { tweet: await loadVisibleTweet(ctx, input.id, viewer?.id ?? null), viewer } });
});

/** A signed-in caller acting on a tweet they can see (engagement). */
export const signedInTweetProcedure = authedProcedure.input(tweetIdInput).use(async ({ ctx, input, next }) =>
  next({ ctx: { tweet: await loadVisibleTweet(ctx, input.id, ctx.user.id) } }),
);

/** A tweet the caller authored: loaded and authorised once, so handlers never repeat the check. */
export const ownTweetProcedure = authedProcedure.input(tweetIdInput).use(async ({ ctx, input, next }) => {
  const tweet = await loadVisibleTweet(ctx, input.id, ctx.user.id);
  if (tweet.author.id !== ctx.user.id) throw new TRPCError({ code: 'FORBIDDEN', message: 'only the author may do that to this tweet' });
  return next({ ctx: { tweet } });
});
