import { DomainError } from '@tweetstore/core';

/** API.md: every limit answers TOO_MANY_REQUESTS with `retryAfterMs` (and over HTTP a Retry-After header). */
export class TooManyRequests extends DomainError {
  constructor(
    readonly retryAfterMs: number,
    /** what there were too many of, for the message */
    what: string,
  ) {
    const ms = Math.max(1, Math.ceil(retryAfterMs));
    super('TOO_MANY_REQUESTS', `too many ${what}; try again in ${Math.ceil(ms / 1000)} s`, { retryAfterMs: ms });
  }
}
