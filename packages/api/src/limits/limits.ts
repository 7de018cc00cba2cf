// API.md's "Limits", by name, on a backing store the composition root chose. Procedures ask for a limit by what it
// guards (a write, an engagement, an upload, a sign-up); past it they get TOO_MANY_REQUESTS with retryAfterMs.
import { loginGuard, type LoginGuard } from './login.ts';
import type { Gate, LimiterStore, Once, RateRule } from './port.ts';
import { TooManyRequests } from './too-many-requests.ts';

const MINUTE = 60_000;

export interface LimitsConfig {
  /** false: TWEETSTORE_RATE_LIMITS=off (benchmarks). Views still count once per viewer: that is counting, not limiting. */
  enabled: boolean;
  /** Every call, per client address. */
  calls: RateRule;
  /** create, edit, revert, publish, archive, restore: per account. */
  writes: RateRule;
  /** engage: per account. */
  engage: RateRule;
  /** media.upload: per account. */
  uploads: RateRule;
  /** media.upload in flight at once, per account. */
  uploadsAtOnce: number;
  /** auth.register: per client address. */
  register: RateRule;
  /** Failed auth.login: per username (and 5x this per client address), counted before the password is checked. */
  loginFailures: RateRule;
  /** A view counts once per viewer per tweet within this. */
  viewWindowMs: number;
}

export const defaultLimits: LimitsConfig = {
  enabled: true,
  calls: { points: 7_500, windowMs: 5 * MINUTE },
  writes: { points: 300, windowMs: 5 * MINUTE },
  engage: { points: 1_000, windowMs: 5 * MINUTE },
  uploads: { points: 30, windowMs: 5 * MINUTE },
  uploadsAtOnce: 3,
  register: { points: 10, windowMs: 60 * MINUTE },
  loginFailures: { points: 10, windowMs: 15 * MINUTE },
  viewWindowMs: 10 * MINUTE,
};

/** The rate limits a procedure can be under (its `meta.limit`), with what each counts, for messages. */
export const rateLimited = {
  calls: 'requests',
  writes: 'posts and changes',
  engage: 'likes, retweets and views',
  uploads: 'uploads',
  register: 'sign-ups',
} as const;
export type RateLimitName = keyof typeof rateLimited;

export interface Limits {
  readonly config: LimitsConfig;
  /** Takes one from the named limit for `key`, or throws TooManyRequests; undefined when limits are off. */
  charge(name: RateLimitName, key: string): Promise<void> | undefined;
  /** Uploads in flight per account: the release, or TooManyRequests. */
  enterUpload(userId: string): Promise<() => void>;
  /** Whether this viewer's view of this tweet counts (once per viewWindowMs). */
  viewCounts(viewer: string, tweetId: string): Promise<boolean>;
  login: LoginGuard;
}

export function createLimits(store: LimiterStore, config: LimitsConfig = defaultLimits): Limits {
  const views: Once = store.once('views', config.viewWindowMs);
  const login = loginGuard(store, config.loginFailures, config.enabled);
  if (!config.enabled) {
    return {
      config,
      charge: () => undefined,
      enterUpload: async () => () => {},
      viewCounts: (viewer, tweetId) => views.first(`${viewer}\u0000${tweetId}`),
      login,
    };
  }
  const rates = Object.fromEntries(Object.keys(rateLimited).map((name) => [name, store.rate(name, config[name as RateLimitName])])) as Record<
    RateLimitName,
    ReturnType<LimiterStore['rate']>
  >;
  const uploadsAtOnce: Gate = store.gate('uploads-at-once', config.uploadsAtOnce);
  return {
    config,
    async charge(name, key) {
      const verdict = await rates[name].take(key);
      if (!verdict.ok) throw new TooManyRequests(verdict.retryAfterMs, rateLimited[name]);
    },
    async enterUpload(userId) {
      const release = await uploadsAtOnce.enter(userId);
      // no time to wait for: one of the caller's own uploads must finish first
      if (!release) throw new TooManyRequests(1_000, `uploads at once (at most ${uploadsAtOnce.max})`);
      return release;
    },
    viewCounts: (viewer, tweetId) => views.first(`${viewer}\u0000${tweetId}`),
    login,
  };
}
