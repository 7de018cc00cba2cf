// Long work done in slices, so the event loop turns meanwhile (no stall over a few ms for requests waiting behind it).
import { setImmediate as nextTurn } from 'node:timers/promises';

/** A function to await between steps: it yields to the event loop once `ms` have passed since it last did. */
export function pauseEvery(ms: number): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < ms) return;
    await nextTurn();
    since = performance.now();
  };
}
