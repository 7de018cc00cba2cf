// Who a subscription serves, for as long as its session lasts (API.md: rights end with the session). The session is
// read once, at subscribe; from the moment it ends the subscription goes on as an anonymous one would: at its
// SessionClosed event (heard as soon as it is durable, before the logout answers, and on every instance, since every
// subscription reads the same event stream) or at its expiry, checked at each delivery.
import type { Context } from '../context.ts';
import { findSession, hashSessionToken } from './sessions.ts';

export interface SubscriptionViewer {
  /** The viewer's user id now, or null (anonymous, or the session has ended). */
  id(): string | null;
  /** Call when the subscription ends. */
  stop(): void;
}

const anonymous: SubscriptionViewer = { id: () => null, stop() {} };

export async function subscriptionViewer(ctx: Pick<Context, 'store' | 'token' | 'clock'>): Promise<SubscriptionViewer> {
  if (!ctx.token) return anonymous;
  const tokenHash = hashSessionToken(ctx.token);
  let ended = false;
  // listening first: a logout between the read below and a later subscribe would go unheard
  const stop = ctx.store.events.subscribe((event) => {
    if (event.type === 'SessionClosed' && event.tokenHash === tokenHash) ended = true;
  });
  const session = await findSession(ctx, ctx.token).catch((error: unknown) => {
    stop();
    throw error;
  });
  if (!session || ended) {
    stop();
    return anonymous;
  }
  const expiresAt = session.expiresAt.getTime();
  return {
    id() {
      if (!ended && ctx.clock.now() >= expiresAt) ended = true;
      return ended ? null : session.userId;
    },
    stop,
  };
}
