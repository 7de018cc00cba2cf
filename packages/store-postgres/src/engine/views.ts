// Views are high-volume and not per user: counted in this instance's memory at once (they show in its reads, with their
// velocity), and written as one ViewsCounted per tweet every viewsFlushMs (a kill loses at most that long of them, as
// in the embedded engine). Other instances see them once written.
import { bumpRate, type DecayedRate } from '@tweetstore/core';
import type { StoreLogger } from '@tweetstore/store';

export interface CountedViews {
  n: number;
  /** their decayed rate, as if each had been bumped when counted */
  rate: DecayedRate;
}

function merged(a: CountedViews | undefined, b: CountedViews | undefined): CountedViews | undefined {
  if (!a || !b) return a ?? b;
  return { n: a.n + b.n, rate: bumpRate(a.rate, b.rate.at, b.rate.value) };
}

export class ViewBatches {
  #counted = new Map<string, CountedViews>();
  /** taken by a flush whose batch has not committed yet */
  #writing = new Map<string, CountedViews>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly flushMs: number,
    /** Writes one ViewsCounted per tweet (resolves once committed; a tweet's failure rejects its promise). */
    private readonly write: (tweetId: string, n: number) => Promise<unknown>,
    private readonly logger: StoreLogger,
  ) {}

  count(tweetId: string, now: number): void {
    this.#counted.set(tweetId, merged(this.#counted.get(tweetId), { n: 1, rate: { value: 1, at: now } })!);
    this.#timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
  }

  /** Views of the tweet this instance counted and has not written yet. */
  pending(tweetId: string): CountedViews | undefined {
    return merged(this.#counted.get(tweetId), this.#writing.get(tweetId));
  }

  pendingIds(): string[] {
    return [...new Set([...this.#counted.keys(), ...this.#writing.keys()])];
  }

  /** Writes what was counted; one flush at a time, so a tweet's views are in one flush's hands at once. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flush());
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const taken = this.#counted;
    this.#counted = new Map();
    for (const [id, views] of taken) this.#writing.set(id, merged(this.#writing.get(id), views)!);
    const results = await Promise.allSettled([...taken].map(([id, views]) => this.write(id, views.n)));
    let lost = 0;
    [...taken.keys()].forEach((id, i) => {
      this.#writing.delete(id);
      if (results[i]!.status === 'rejected') lost++;
    });
    if (lost > 0) this.logger.warn({ tweets: lost }, 'views could not be written and are lost');
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
