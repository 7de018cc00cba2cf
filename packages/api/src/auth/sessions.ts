// Sessions: 256-bit random bearer tokens, stored only as their sha256, with expiry and logout.
import { createHash, randomBytes } from 'node:crypto';
import type { User } from '@tweetstore/core';
import type { Session } from '@tweetstore/store';
import type { Context } from '../context.ts';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The session a token opened, or null when it is unknown, closed or expired. */
export async function findSession(ctx: Pick<Context, 'store'>, token: string): Promise<Session | null> {
  if (token.length > 200) return null;
  return ctx.store.findSession(hashSessionToken(token));
}

/** The user a token belongs to, or null when it is unknown, closed or expired. */
export async function resolveSession(ctx: Pick<Context, 'store'>, token: string): Promise<User | null> {
  const session = await findSession(ctx, token);
  return session ? ctx.store.getUser(session.userId) : null;
}

/** Open a session for a user and hand the token to the caller (and the browser's cookie, over HTTP). */
/** The signed-in caller's id, or null for an anonymous one (or an expired session). */
export async function viewerIdOf(ctx: Pick<Context, 'store' | 'token'>): Promise<string | null> {
  return ctx.token ? ((await resolveSession(ctx, ctx.token))?.id ?? null) : null;
}

export async function startSession(ctx: Context, user: User): Promise<{ user: User; token: string }> {
  const token = newSessionToken();
  const expiresAt = new Date(ctx.clock.now() + ctx.config.sessionTtlMs);
  await ctx.store.openSession(hashSessionToken(token), { userId: user.id, expiresAt });
  ctx.cookies?.set(token, expiresAt);
  return { user, token };
}
