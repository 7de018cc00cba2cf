// Long work done in slices, so the event loop turns meanwhile (no stall over a few ms for requests waiting behind it).
export { pauseEvery } from '@tweetstore/store';

/** How long a slice of background work may hold the event loop. */
export const SLICE_MS = 8;
