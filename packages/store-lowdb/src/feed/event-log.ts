// The write path after the projection: hand each event to the journal, and once it is durable publish it in seq
// order (ring, subscribers, waiters). The first failed append marks the log failed until the store has rebuilt its
// projection from disk and reset the log; until then every waiter beyond the durable head is rejected.
import { StorageUnavailable } from '@tweetstore/core';
import type { StoreEvent, StoreLogger } from '@tweetstore/store';
import type { Journal } from '../journal/index.ts';
import type { EventRing } from './event-ring.ts';

export interface EventLogHooks {
  /** After subscribers saw the event. */
  onDurable(event: StoreEvent): void;
  /** The first failed append since the last reset. */
  onFailure(error: unknown): void;
  /** After a failure, when no append is in flight any more. */
  onSettled(): void;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export class EventLog {
  #head: number;
  readonly #ahead = new Map<number, StoreEvent>();
  readonly #waiters = new Map<number, Waiter[]>();
  readonly #subscribers = new Set<(event: StoreEvent) => void>();
  #inflight = 0;
  #failed = false;
  /** Incremented at every failure: a checkpoint that began before one is abandoned. */
  epoch = 0;

  constructor(
    /** Replaced when the store reopens the journal after a failure. */
    public journal: Journal,
    head: number,
    private readonly ring: EventRing,
    private readonly hooks: EventLogHooks,
    private readonly logger: StoreLogger,
  ) {
    this.#head = head;
  }

  get head(): number {
    return this.#head;
  }

  get failed(): boolean {
    return this.#failed;
  }

  get inflight(): number {
    return this.#inflight;
  }

  /** Resolves once `event` is durable and published; rejects with StorageUnavailable if it cannot be made durable. */
  append(event: StoreEvent): Promise<void> {
    const durable = this.waitDurable(event.seq);
    let appended: Promise<void>;
    try {
      appended = this.journal.append(event.seq, JSON.stringify(event));
    } catch (error) {
      appended = Promise.reject(error);
    }
    this.#inflight++;
    appended
      .then(
        () => this.#durable(event),
        (error: unknown) => this.#fail(event.seq, error),
      )
      .finally(() => {
        this.#inflight--;
        if (this.#failed && this.#inflight === 0) this.hooks.onSettled();
      });
    return durable;
  }

  /** Resolves when every event up to `seq` is durable. */
  waitDurable(seq: number): Promise<void> {
    if (seq <= this.#head) return Promise.resolve();
    if (this.#failed) return Promise.reject(unavailable());
    return new Promise<void>((resolve, reject) => {
      const list = this.#waiters.get(seq);
      if (list) list.push({ resolve, reject });
      else this.#waiters.set(seq, [{ resolve, reject }]);
    });
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    const entry = (event: StoreEvent) => listener(event); // a listener added twice is called twice
    this.#subscribers.add(entry);
    return () => this.#subscribers.delete(entry);
  }

  /** After the store rebuilt its state from disk: the durable head is `head`, writes may go on. */
  reset(head: number): void {
    this.#ahead.clear();
    this.#head = head;
    for (const [seq, list] of this.#waiters) {
      this.#waiters.delete(seq);
      for (const w of list) (seq <= head ? w.resolve() : w.reject(unavailable()));
    }
    this.#failed = false;
  }

  #durable(event: StoreEvent): void {
    this.#ahead.set(event.seq, event);
    for (let next = this.#ahead.get(this.#head + 1); next; next = this.#ahead.get(this.#head + 1)) {
      this.#ahead.delete(next.seq);
      this.#head = next.seq;
      this.ring.push(next);
      for (const listener of this.#subscribers) {
        try {
          listener(next);
        } catch (error) {
          this.logger.error({ err: error, seq: next.seq }, 'event subscriber threw');
        }
      }
      const list = this.#waiters.get(next.seq);
      this.#waiters.delete(next.seq);
      for (const w of list ?? []) w.resolve();
      this.hooks.onDurable(next);
    }
  }

  #fail(seq: number, error: unknown): void {
    if (!this.#failed) {
      this.#failed = true;
      this.epoch++;
      this.hooks.onFailure(error);
    }
    for (const [waitSeq, list] of this.#waiters) {
      if (waitSeq < seq) continue;
      this.#waiters.delete(waitSeq);
      for (const w of list) w.reject(unavailable(error));
    }
  }
}

/** What the disk said, for the client: the reason, never a path. */
const reasons: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the data folder is read-only',
  EIO: 'the disk reported an I/O error',
};

/** The refusal of a write: `cause` is the failure, whose (or whose causes') errno code names the reason. */
export function unavailable(cause?: unknown): StorageUnavailable {
  let reason: string | undefined;
  for (let e = cause; e instanceof Error && !reason; e = e.cause) reason = reasons[(e as NodeJS.ErrnoException).code ?? ''];
  return new StorageUnavailable(`storage cannot make writes durable${reason ? ` (${reason})` : ''}; try again shortly`, cause === undefined ? undefined : { cause });
}
