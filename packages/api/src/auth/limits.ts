// Password-guessing protection: failed logins are counted per username and per client address; past the limit,
// logins are refused with TOO_MANY_REQUESTS (and retryAfterMs) until the window passes. A success clears the
// username's count. Built once in the composition root and passed in, like every other long-lived part.
import { DomainError } from '@tweetstore/core';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginLimitOptions {
  /** Failed logins allowed per username within the window. */
  failuresPerUser: number;
  /** Failed logins allowed per client address within the window (many usernames from one place). */
  failuresPerAddress: number;
  windowMs: number;
}

export const defaultLoginLimits: LoginLimitOptions = { failuresPerUser: 10, failuresPerAddress: 50, windowMs: 15 * 60_000 };

export class TooManyRequests extends DomainError {
  constructor(readonly retryAfterMs: number) {
    super('TOO_MANY_REQUESTS', `too many failed sign-ins; try again in ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs });
  }
}

export interface LoginLimiter {
  /** Throws TooManyRequests while either count is over its limit. */
  check(username: string, address: string | null): Promise<void>;
  recordFailure(username: string, address: string | null): Promise<void>;
  recordSuccess(username: string): Promise<void>;
}

export function createLoginLimiter(options: LoginLimitOptions = defaultLoginLimits): LoginLimiter {
  const seconds = Math.ceil(options.windowMs / 1000);
  const byUser = new RateLimiterMemory({ keyPrefix: 'login-user', points: options.failuresPerUser, duration: seconds, blockDuration: seconds });
  const byAddress = new RateLimiterMemory({ keyPrefix: 'login-addr', points: options.failuresPerAddress, duration: seconds, blockDuration: seconds });
  const keys = (username: string, address: string | null) =>
    [
      [byUser, username.toLowerCase(), options.failuresPerUser],
      ...(address ? [[byAddress, address, options.failuresPerAddress] as const] : []),
    ] as const;
  return {
    async check(username, address) {
      for (const [limiter, key, points] of keys(username, address)) {
        const res = await limiter.get(key);
        if (res && res.consumedPoints >= points && res.msBeforeNext > 0) throw new TooManyRequests(res.msBeforeNext);
      }
    },
    async recordFailure(username, address) {
      for (const [limiter, key] of keys(username, address)) {
        await limiter.consume(key).catch((res: unknown) => {
          if (!(res instanceof RateLimiterRes)) throw res; // over the limit is not an error here: check() refuses next time
        });
      }
    },
    async recordSuccess(username) {
      await byUser.delete(username.toLowerCase());
    },
  };
}
