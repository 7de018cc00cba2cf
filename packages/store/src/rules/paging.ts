// The size of a page a read is asked for: every engine's paged reads (list, thread) refuse the same values the same way.
import { InvalidInput } from '@tweetstore/core';

/** Throws InvalidInput unless `limit` is a positive integer. */
export function checkPageLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidInput(`limit must be a positive integer, got ${limit}`);
}
