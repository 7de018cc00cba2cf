// Views are high-volume and not per user: counted in memory at once, and journaled as one ViewsCounted per tweet per
// viewsFlushMs (a crash loses at most that long of them).
import type { EventDraft } from '@tweetstore/store';
import type { EngineState } from './state.ts';

export class ViewBatches {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: EngineState,
    /** Appends an event; rejects if it cannot be made durable. */
    private readonly commit: (draft: EventDraft, at: number) => Promise<void>,
  ) {}

  /** A view of the tweet: counted now, journaled with the next batch. */
  count(tweetId: string, now: number): void {
    this.state.p.countViews(tweetId, 1, now);
    this.schedule();
  }

  /** Journals the views the projection counted and did not journal yet, at the next flush. */
  schedule(): void {
    this.#timer ??= setTimeout(() => void this.flush(), this.state.o.viewsFlushMs).unref();
  }

  /** One ViewsCounted per tweet with views counted since the last flush. */
  async flush(): Promise<void> {
    const { state } = this;
    this.#timer = undefined;
    if (!state.healthy()) {
      if (state.p.pendingViews.size > 0 && !state.closing) this.#timer = setTimeout(() => void this.flush(), state.o.viewsFlushMs).unref();
      return;
    }
    const now = state.o.clock.now();
    const p = state.p;
    const commits = [...p.pendingViews].map((tweetId) => this.commit({ type: 'ViewsCounted', tweetId, n: p.tweets.get(tweetId)!.pendingViews }, now));
    const failed = (await Promise.allSettled(commits)).filter((r) => r.status === 'rejected').length;
    if (failed > 0) state.o.logger.warn({ tweets: failed }, 'views could not be journaled and are lost');
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
