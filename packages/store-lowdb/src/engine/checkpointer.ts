// Writing checkpoints: after checkpointEveryEvents durable events, every checkpointIntervalMs if anything happened,
// and when asked (close, compact). One at a time. The projection counts its changes from the base checkpoint, so a
// checkpoint rewrites only the chunks that changed and links the rest; once one is durable, the versions it stored
// leave memory and the chunks it wrote go back to columns, and the retention rule removes what it made redundant.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { StorageUnavailable } from '@tweetstore/core';
import { FORMAT, type CheckpointInfo } from '../checkpoint/checkpoints.ts';
import { CheckpointCapture, type TableName } from '../checkpoint/format/snapshot.ts';
import type { HistoryFiles } from '../checkpoint/histories.ts';
import type { EngineState } from './state.ts';

export class Checkpointer {
  /** The newest durable checkpoint, and the one before it (kept so a corrupt newest one can fall back). */
  #newest: CheckpointInfo | null;
  #previous: CheckpointInfo | null;
  /** The checkpoint whose state the projection's change set is counted from (null: none; the next one writes all). */
  #base: CheckpointInfo | null;
  #writing: Promise<void> | undefined;
  #eventsSince = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly state: EngineState,
    private readonly histories: HistoryFiles,
    recovered: { checkpoint: CheckpointInfo | null; previous: CheckpointInfo | null },
  ) {
    this.#newest = recovered.checkpoint;
    this.#previous = recovered.previous;
    this.#base = this.#reusable(recovered.checkpoint);
    this.#timer = setInterval(() => {
      if (state.log.head > this.seq) void this.write();
    }, state.o.checkpointIntervalMs).unref();
  }

  /** seq of the newest durable checkpoint (0: none). */
  get seq(): number {
    return this.#newest?.seq ?? 0;
  }

  /** Bytes of the checkpoints kept (the newest and its fallback). */
  get bytes(): number {
    return (this.#newest?.bytes ?? 0) + (this.#previous?.bytes ?? 0);
  }

  /** An event became durable. */
  eventDurable(): void {
    if (++this.#eventsSince >= this.state.o.checkpointEveryEvents && !this.state.closing) void this.write();
  }

  /** Writes a checkpoint now, or waits for the one being written; never rejects (a failure is logged). */
  write(): Promise<void> {
    this.#writing ??= this.#write()
      .catch((error: unknown) => this.state.o.logger.error({ err: error }, 'checkpoint failed; the journal still holds everything'))
      .finally(() => (this.#writing = undefined));
    return this.#writing;
  }

  /** Resolves once no checkpoint is being written. */
  async settled(): Promise<void> {
    await this.#writing;
  }

  /** The projection was rebuilt from `checkpoint` (and the journal): its changes are counted from there now. */
  rebased(checkpoint: CheckpointInfo | null): void {
    this.#base = this.#reusable(checkpoint);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /**
   * A checkpoint of everything, then the retention rule applied to what is on disk: the two newest checkpoints, and
   * the journal from the older one's seq on (or the last retainEvents events). For `tweetstore compact`.
   */
  async compact(): Promise<void> {
    const { state } = this;
    await this.#writing;
    await state.journal.flush();
    await this.write();
    if (this.#newest === null || this.#newest.seq < state.log.head) throw new StorageUnavailable('the checkpoint could not be written; nothing was removed');
    const [newest, older] = await state.checkpoints.list();
    await state.checkpoints.removeAllBut([newest, older].flatMap((c) => (c ? [c.name] : [])));
    const through = Math.min(older?.seq ?? 0, state.log.head - state.o.retainEvents);
    if (through > 0) await state.journal.removeThrough(through);
  }

  async #write(): Promise<void> {
    const { state } = this;
    const { o, log } = state;
    const p = state.p;
    if (p.seq <= this.seq || !state.healthy()) return;
    const epoch = log.epoch;
    // Registered now: a failure of any event up to p.seq rejects it, even if the seq is reused after a rebuild.
    const durable = log.waitDurable(p.seq);
    durable.catch(() => {});
    const now = o.clock.now();
    // The projection counts its changes from #base's state: unchanged chunks reuse its files.
    const base = this.#base;
    const files = new Map(base?.files.map((f) => [`${f.table}/${f.chunk}`, f]));
    const baseFiles = base && {
      has: (table: TableName, chunk: number) => files.has(`${table}/${chunk}`),
      read: (table: TableName, chunk: number) => state.checkpoints.readFile(base.name, files.get(`${table}/${chunk}`)!),
    };
    const capture = new CheckpointCapture(p, now, o.rowsPerFile, baseFiles, (ref) => this.histories.read(ref, false));
    this.#eventsSince = 0;
    // Until this one is written, the changes it took are in no checkpoint: after a failure the next one writes all.
    this.#base = null;
    let written;
    try {
      written = await state.checkpoints.write(capture, o.rowsPerFile, base, now, async () => {
        await durable;
        if (log.epoch !== epoch) throw new StorageUnavailable('storage failed while the checkpoint was written');
      });
    } finally {
      capture.finish();
    }
    const { info, stats } = written;
    if (state.p === p) {
      // The stored versions move into the new history files, and the chunks written go back to columns, a chunk per turn.
      for (const step of capture.rebase(info.name, info.files)) {
        step();
        await nextTurn();
      }
      if (state.p === p) this.#base = info;
    }
    this.#previous = this.#newest;
    this.#newest = info;
    const previous = this.#previous;
    await state.checkpoints.removeAllBut(previous ? [info.name, previous.name] : [info.name]);
    // Keep the journal from the previous checkpoint on (the fallback) and the last retainEvents events.
    const through = Math.min(previous?.seq ?? 0, log.head - o.retainEvents);
    if (through > 0) await state.journal.removeThrough(through);
    o.logger.info({ checkpoint: info.name, seq: info.seq, bytes: info.bytes, ...stats }, 'checkpoint written');
  }

  /** A checkpoint's files can be reused only if written in today's format with today's chunk sizes. */
  #reusable(checkpoint: CheckpointInfo | null): CheckpointInfo | null {
    const rows = checkpoint?.format === FORMAT ? checkpoint.rowsPerChunk : null;
    return rows && Object.entries(this.state.o.rowsPerFile).every(([table, n]) => rows[table as keyof typeof rows] === n) ? checkpoint : null;
  }
}
