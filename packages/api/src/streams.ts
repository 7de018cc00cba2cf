// Subscriptions are the tail of the store's durable event stream. Each event is identified by "<seq>@<storeId>",
// so a client resuming with lastEventId gets exactly what it missed, and one from another store gets a reset.
import type { StoreEvent, TweetStore } from '@tweetstore/store';

export function eventId(storeId: string, seq: number): string {
  return `${seq}@${storeId}`;
}

/** The seq a lastEventId points at, or null when it is malformed or names another store. */
export function parseEventId(id: string, storeId: string): number | null {
  const match = /^(\d{1,15})@(.+)$/.exec(id);
  if (!match || match[2] !== storeId) return null;
  return Number(match[1]);
}

/**
 * Subscribers woken by one event are spread over event-loop turns, WAKES_PER_TURN at a time: an event reaches
 * every subscriber, and waking a thousand at once ran all their deliveries back to back in one turn (hundreds of
 * ms with no I/O between them). Order within each stream is unchanged; each stream reads its own queue.
 */
const WAKES_PER_TURN = 64;
const wakes: (() => void)[] = [];
let waking = false;

function spreadWake(wake: () => void): void {
  wakes.push(wake);
  if (!waking) {
    waking = true;
    setImmediate(wakeSome);
  }
}

function wakeSome(): void {
  for (const wake of wakes.splice(0, WAKES_PER_TURN)) wake();
  if (wakes.length > 0) setImmediate(wakeSome);
  else waking = false;
}

export type StreamItem = { kind: 'event'; event: StoreEvent } | { kind: 'reset'; seq: number };

const BACKFILL_PAGE = 500;
/** A subscriber further behind than this is told to reload (reset) instead of holding unbounded memory. */
const MAX_PENDING = 20_000;

/**
 * Durable events after `lastEventId` (or from now when absent), then live, each exactly once and in seq order.
 * Subscribes to the live stream first, back-fills from the store, then drops live events already yielded.
 */
export async function* durableEvents(
  store: TweetStore,
  lastEventId: string | null | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamItem> {
  let pending: StoreEvent[] = [];
  let overflowed = false;
  let wake: (() => void) | null = null;
  const unsubscribe = store.subscribe((event) => {
    if (pending.length >= MAX_PENDING) {
      overflowed = true;
      pending = [];
    }
    pending.push(event);
    if (wake) spreadWake(() => wake?.());
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    let last = store.headSeq();
    if (lastEventId != null) {
      const from = parseEventId(lastEventId, store.storeId);
      let resumed = from !== null;
      if (from !== null) {
        let cursor = from;
        for (;;) {
          const page = await store.eventsAfter(cursor, BACKFILL_PAGE);
          if (page === 'gone') {
            resumed = false;
            break;
          }
          for (const event of page) {
            if (signal?.aborted) return;
            yield { kind: 'event', event };
            cursor = event.seq;
          }
          if (page.length < BACKFILL_PAGE) break;
        }
        last = cursor;
      }
      if (!resumed) {
        last = store.headSeq();
        yield { kind: 'reset', seq: last };
      }
    }
    while (!signal?.aborted) {
      if (overflowed) {
        overflowed = false;
        last = store.headSeq();
        pending = pending.filter((e) => e.seq > last);
        yield { kind: 'reset', seq: last };
        continue;
      }
      if (pending.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      const batch = pending;
      pending = [];
      for (const event of batch) {
        if (event.seq <= last) continue;
        last = event.seq;
        yield { kind: 'event', event };
        if (signal?.aborted) return;
      }
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}
