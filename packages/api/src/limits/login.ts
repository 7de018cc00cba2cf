// Password guessing. Every sign-in attempt takes a point BEFORE the password is checked (so parallel guesses cannot
// all be checked before the first failure is counted) and a right password gives its points back, so only failures
// stay counted:
// - per username: N per window. Past it the account is under attack, and only clients it trusts still get their
//   password checked: one that presents a valid session of that same user, or one at an address the user has signed
//   in from successfully in the last 20 days that is not guessing itself (its own N per window for this username).
//   So anyone can stop strangers guessing at an account, but nobody can lock its owner out from a known place.
// - per client address: 5N per window over all usernames (one place trying many accounts).
import { TooManyRequests } from './too-many-requests.ts';
import type { LimiterStore, RateLimiter, RateRule } from './port.ts';

const KNOWN_FOR_MS = 20 * 24 * 3_600_000;

/** A counted attempt. Unless it turns out right, its points stay taken. */
export interface LoginAttempt {
  /** The password was right: the attempt's points go back, and the address becomes known for the user. */
  succeeded(): Promise<void>;
}

export interface LoginGuard {
  /** Counts an attempt, or throws TooManyRequests. `trusted`: the request carries a valid session of this user. */
  attempt(username: string, address: string | null, trusted: boolean): Promise<LoginAttempt>;
  /** The user signed up from this address: it is known to them, as after a sign-in. */
  signedUp(username: string, address: string | null): Promise<void>;
}

export function loginGuard(store: LimiterStore, rule: RateRule, enabled: boolean): LoginGuard {
  if (!enabled) return { attempt: async () => ({ succeeded: async () => {} }), signedUp: async () => {} };
  const byUser = store.rate('login-user', rule);
  const byUserAddress = store.rate('login-user-address', rule);
  const byAddress = store.rate('login-address', { points: rule.points * 5, windowMs: rule.windowMs });
  const known = store.rate('login-known', { points: Number.MAX_SAFE_INTEGER, windowMs: KNOWN_FOR_MS });
  const refuse = (retryAfterMs: number): never => {
    throw new TooManyRequests(retryAfterMs, 'failed sign-ins');
  };
  const remember = async (pair: string | null) => {
    if (pair !== null) await known.take(pair);
  };
  const pairOf = (username: string, address: string | null) => (address === null ? null : `${username.toLowerCase()}\u0000${address}`);
  return {
    signedUp: (username, address) => remember(pairOf(username, address)),
    async attempt(username, address, trusted) {
      const user = username.toLowerCase();
      const pair = pairOf(username, address);
      const taken: [RateLimiter, string][] = [];
      const giveBack = () => Promise.all(taken.map(([limiter, key]) => limiter.giveBack(key)));
      const take = async (limiter: RateLimiter, key: string) => {
        const verdict = await limiter.take(key);
        if (verdict.ok) taken.push([limiter, key]);
        return verdict;
      };
      try {
        if (address !== null) {
          const verdict = await take(byAddress, address);
          if (!verdict.ok) refuse(verdict.retryAfterMs);
        }
        const forUser = await take(byUser, user);
        const forPair = pair === null ? null : await take(byUserAddress, pair);
        if (forPair && !forPair.ok) refuse(forPair.retryAfterMs);
        if (!forUser.ok && !trusted && !(pair !== null && (await known.touched(pair)))) refuse(forUser.retryAfterMs);
      } catch (error) {
        await giveBack();
        throw error;
      }
      return {
        async succeeded() {
          await giveBack();
          await remember(pair);
        },
      };
    },
  };
}
