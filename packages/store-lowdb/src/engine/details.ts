// The details files a checkpoint left unread (projection/tweet-index.ts), read asynchronously: a call that needs them
// waits for the read instead of the whole server waiting for a synchronous one (at 1M tweets, a burst of calls on
// random tweets right after a restart stalled the event loop 230-330 ms). A read call first waits for the writes
// issued before it that are waiting for details (beforeWrite), so it sees them. The projection still reads
// synchronously whatever is missing when it gets there (a rebuild may have swapped it meanwhile).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Projection } from '../projection/projection.ts';
import type { CheckpointFileRef } from '../projection/records.ts';
import type { EngineState } from './state.ts';
import { TurnQueue } from './turn-queue.ts';

export class DetailsReader {
  /** Details files being read. */
  readonly #reads = new Map<CheckpointFileRef, Promise<void>>();
  /** Details files are parsed one per event-loop turn. */
  readonly #fills = new TurnQueue();
  /** Writes waiting for details to be read, each until it has decided (see beforeWrite). */
  readonly #writesWaiting = new Set<Promise<void>>();

  constructor(private readonly state: EngineState) {}

  /**
   * Reads the details files of these tweets that are not read yet; undefined when nothing is to be read (the call
   * goes on in the same turn).
   */
  beforeRead(...ids: string[]): Promise<void> | undefined {
    const p = this.state.p;
    // the common case (every details file read, no write waiting) allocates nothing
    let waits: Promise<void>[] | undefined = this.#writesWaiting.size > 0 ? [...this.#writesWaiting] : undefined;
    for (const id of ids) {
      const ref = p.tweets.pendingFor(id);
      if (ref) (waits ??= []).push(this.#read(p, ref)); // one read per file, however often it is named
    }
    return waits && Promise.all(waits).then(() => undefined);
  }

  /**
   * Runs `write` (which decides synchronously, up to its first await) once the details of tweet `id` are read, or at
   * once if they are. Read calls issued meanwhile wait until it has decided, so a call sees every write issued
   * before it, as when all reads were synchronous.
   */
  beforeWrite<T>(id: string | null | undefined, write: () => Promise<T>): Promise<T> {
    const p = this.state.p;
    const ref = id ? p.tweets.pendingFor(id) : undefined;
    if (!ref) return write();
    let decided!: () => void;
    const gate = new Promise<void>((resolve) => (decided = resolve));
    this.#writesWaiting.add(gate);
    // a file that cannot be read fails the write below, with the projection's own synchronous read and its error
    return this.#read(p, ref)
      .catch(() => {})
      .then(() => {
        try {
          return write();
        } finally {
          this.#writesWaiting.delete(gate);
          decided();
        }
      });
  }

  /** Reads the details files the checkpoint left unread, one per event-loop turn (a tweet asked for first is read at once). */
  async readAll(): Promise<void> {
    try {
      for (;;) {
        await nextTurn();
        const p = this.state.p;
        const next = p.tweets.nextPending();
        if (next === undefined || this.state.closing) return;
        await this.#read(p, next);
      }
    } catch (error) {
      this.state.o.logger.error({ err: error }, 'a checkpoint details file cannot be read; its tweets fail to load when asked for');
    }
  }

  /** One read per details file, however many calls wait for it. */
  #read(p: Projection, ref: CheckpointFileRef): Promise<void> {
    let reading = this.#reads.get(ref);
    if (!reading) {
      reading = this.state.checkpoints.readBytes(ref).then(
        (bytes) =>
          // parsed one file per event-loop turn: reads finishing together would otherwise be parsed in one turn
          this.#fills.run(() => {
            this.#reads.delete(ref);
            p.tweets.fill(ref, bytes);
          }),
        (error: unknown) => {
          this.#reads.delete(ref);
          throw error;
        },
      );
      this.#reads.set(ref, reading);
    }
    return reading;
  }
}
