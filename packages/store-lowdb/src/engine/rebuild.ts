// After a journal append fails, writes are refused and the projection is rebuilt from what is durable (the newest
// checkpoint and the journal), so nothing refused stays visible; each refused write is answered only once the rebuilt
// projection no longer shows it. A journal that says it is unusable (a failed batch it could not cut back) is reopened
// and read again. A rebuild that fails is tried again every second.
import { JournalError, openJournal } from '../journal/index.ts';
import { unavailable } from '../feed/event-log.ts';
import { journalOptions } from '../options.ts';
import type { Checkpointer } from './checkpointer.ts';
import type { ForwardIndexDecoding } from './forward-index.ts';
import { recover } from './recover.ts';
import type { EngineState } from './state.ts';
import type { ViewBatches } from './views.ts';

export class Rebuild {
  #running: Promise<void> | undefined;
  #lastFailure: unknown;
  /** Resolved once the projection no longer shows the writes refused since the last failure. */
  #dropped: { promise: Promise<void>; resolve(): void } | undefined;

  constructor(
    private readonly state: EngineState,
    private readonly checkpointer: Checkpointer,
    private readonly views: ViewBatches,
    private readonly decoding: ForwardIndexDecoding,
  ) {}

  /** The first failed append since the log was last reset. */
  failed(error: unknown): void {
    this.#lastFailure = error;
    let resolve!: () => void;
    this.#dropped = { promise: new Promise<void>((r) => (resolve = r)), resolve: () => resolve() };
    this.state.o.logger.error({ err: error }, 'journal append failed: writes are refused while the projection is rebuilt from disk');
  }

  /** Drops everything not durable by rebuilding the projection from the checkpoint and the journal. */
  start(): Promise<void> {
    this.#running ??= (async () => {
      this.state.rebuilding = true;
      try {
        await this.#rebuild();
      } finally {
        this.state.rebuilding = false;
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  /** Resolves when no rebuild runs. */
  async settled(): Promise<void> {
    await this.#running;
  }

  /** Why writes are refused now. */
  refusal(): Error {
    return unavailable(this.#lastFailure);
  }

  /** A refused write is answered once the projection no longer shows it, so that no read after the answer can. */
  async refuse(): Promise<never> {
    await this.#dropped?.promise;
    throw unavailable(this.#lastFailure);
  }

  async #rebuild(): Promise<void> {
    const { state } = this;
    for (;;) {
      try {
        await this.checkpointer.settled();
        // First from what the journal knows to be durable, which needs no reopening (a read-only disk refuses that)
        // and answers the refused writes; then, if the journal must be reopened, from what the reopened one holds.
        if (state.log.failed) await this.#reload();
        if (this.#lastFailure instanceof JournalError && this.#lastFailure.code === 'FAILED') {
          await this.#reopenJournal();
          await this.#reload();
        }
        state.o.logger.warn({ headSeq: state.p.seq }, 'projection rebuilt from disk; accepting writes again');
        return;
      } catch (error) {
        this.#dropped?.resolve(); // a disk that cannot even be read must not leave the refused writes unanswered
        state.o.logger.error({ err: error }, 'rebuilding the projection failed; retrying in 1 s');
        if (state.closing) return;
        await new Promise((resolve) => setTimeout(resolve, 1000).unref());
      }
    }
  }

  /** Replaces the projection with the checkpoint and the journal's durable records; waiters beyond them are refused. */
  async #reload(): Promise<void> {
    const { state } = this;
    const { o } = state;
    const now = o.clock.now();
    const { projection, checkpoint } = await recover({ checkpoints: state.checkpoints, journal: state.journal, now, logger: o.logger });
    // Views not yet journaled survive; those of a failed ViewsCounted are lost (as on a crash).
    const old = state.p;
    for (const id of old.pendingViews) {
      const n = old.tweets.get(id)?.pendingViews ?? 0;
      if (n > 0 && projection.tweets.has(id)) projection.countViews(id, n, now);
    }
    state.p = projection;
    this.checkpointer.rebased(checkpoint);
    state.log.reset(projection.seq);
    this.#dropped?.resolve();
    if (projection.pendingViews.size > 0) this.views.schedule();
    this.decoding.start(); // the checkpoint's words in text order, as after the first open
  }

  /** The journal says it is unusable until reopened (a failed batch could not be cut back). */
  async #reopenJournal(): Promise<void> {
    const { state } = this;
    await state.journal.close().catch(() => {});
    state.log.journal = await openJournal({ ...journalOptions(state.o), checkLaterThrough: this.checkpointer.seq });
  }
}
