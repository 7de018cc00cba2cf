// Subscriptions are the tail of the store's durable event stream. Each event is identified by "<seq>@<storeId>",
// so a client resuming with lastEventId gets exactly what it missed, and one from another store gets a reset.
import type { StoreEvent, TweetStore } from '@tweetstore/store';
import type { WakeQueue } from './wake-queue.ts';

export function eventId(storeId: string, seq: number): string {
  return `${seq}@${storeId}`;
}

/** The seq a lastEventId points at, or null when it is malformed or names another store. */
export function parseEventId(id: string, storeId: string): number | null {
  const match = /^(\d{1,15})@(.+)$/.exec(id);
  if (!match || match[2] !== storeId) return null;
  return Number(match[1]);
}

export type StreamItem = { kind: 'event'; event: StoreEvent } | { kind: 'reset'; seq: number };

const BACKFILL_PAGE = 500;
/** A subscriber further behind than this is told to reload (reset) instead of holding unbounded memory. */
const MAX_PENDING = 20_000;

/**
 * Durable events after `lastEventId` (or from now when absent), then live, each exactly once and in seq order.
 * Subscribes to the live stream at once, so call it before anything a subscription awaits: "now" is the feed's head
 * read right after subscribing, and live events at or below it are dropped (as are those a back-fill from
 * `lastEventId` yielded). Iterate it, or close it if it is never iterated. `wakes`: the server's, which spreads
 * the wake-ups of many subscribers over event-loop turns.
 */
export function followEvents(
  store: Pick<TweetStore, 'events' | 'storeId'>,
  lastEventId: string | null | undefined,
  signal: AbortSignal | undefined,
  wakes: WakeQueue,
): EventStream {
  return new EventStream(store, lastEventId, signal, wakes);
}

export class EventStream implements AsyncIterable<StreamItem> {
  #pending: StoreEvent[] = [];
  #overflowed = false;
  #wake: (() => void) | null = null;
  readonly #unsubscribe: () => void;
  /** Where a stream without lastEventId starts. */
  readonly #now: Promise<number> | null;

  constructor(
    private readonly store: Pick<TweetStore, 'events' | 'storeId'>,
    private readonly lastEventId: string | null | undefined,
    private readonly signal: AbortSignal | undefined,
    wakes: WakeQueue,
  ) {
    this.#unsubscribe = store.events.subscribe((event) => {
      if (this.#pending.length >= MAX_PENDING) {
        this.#overflowed = true;
        this.#pending = [];
      }
      this.#pending.push(event);
      if (this.#wake) wakes.add(() => this.#wake?.());
    });
    this.#now = lastEventId == null ? store.events.head() : null;
    this.#now?.catch(() => {}); // awaited when iterated
  }

  /** Stops listening (iterating to the end, or breaking off, does too). */
  close(): void {
    this.#unsubscribe();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StreamItem> {
    const { store, signal } = this;
    const onAbort = () => this.#wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      let last: number;
      if (this.#now) last = await this.#now;
      else {
        const from = parseEventId(this.lastEventId!, store.storeId);
        let cursor = from ?? 0;
        let resumed = from !== null;
        if (from !== null) {
          for (;;) {
            const page = await store.events.after(cursor, BACKFILL_PAGE);
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
        }
        last = cursor;
        if (!resumed) {
          last = await store.events.head();
          yield { kind: 'reset', seq: last };
        }
      }
      while (!signal?.aborted) {
        if (this.#overflowed) {
          this.#overflowed = false;
          last = await store.events.head();
          this.#pending = this.#pending.filter((e) => e.seq > last);
          yield { kind: 'reset', seq: last };
          continue;
        }
        if (this.#pending.length === 0) {
          await new Promise<void>((resolve) => (this.#wake = resolve));
          this.#wake = null;
          continue;
        }
        const batch = this.#pending;
        this.#pending = [];
        for (const event of batch) {
          if (event.seq <= last) continue;
          last = event.seq;
          yield { kind: 'event', event };
          if (signal?.aborted) return;
        }
      }
    } finally {
      this.close();
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
