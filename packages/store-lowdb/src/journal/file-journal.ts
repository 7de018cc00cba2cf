// The journal: seq discipline and group commit (every record that arrives during a write + fdatasync goes out
// together in the next one) over the segment log.
import { JournalError } from './errors.ts';
import { encodeFrames, MAX_PAYLOAD_BYTES, type PayloadBytes } from './frame.ts';
import { readRecords } from './reader.ts';
import type { SegmentLog } from './segment-log.ts';
import type { Journal, JournalLogger, JournalRecord, JournalStats } from './types.ts';

/** A batch stops growing here, so a burst cannot build one giant buffer; the rest goes in the next batch. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

interface Pending extends PayloadBytes {
  promise: Promise<void>;
  settled: boolean;
  settle(error?: unknown): void;
}

export class FileJournal implements Journal {
  #lastSeq: number;
  #nextSeq: number;
  #queue: Pending[] = [];
  #last: Pending | null = null;
  #draining: Promise<void> | null = null;
  #closed = false;

  constructor(
    private readonly log: SegmentLog,
    private readonly counters: JournalStats,
    private readonly logger: JournalLogger,
    lastSeq: number,
  ) {
    this.#lastSeq = lastSeq;
    this.#nextSeq = lastSeq + 1;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  append(seq: number, payload: string): Promise<void> {
    if (this.#closed) throw new JournalError('CLOSED', 'journal is closed');
    if (seq !== this.#nextSeq) throw new JournalError('SEQUENCE', `append seq ${seq}, expected ${this.#nextSeq}`);
    const bytes = Buffer.from(payload, 'utf8');
    if (bytes.length > MAX_PAYLOAD_BYTES) throw new JournalError('TOO_LARGE', `payload of ${bytes.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
    if (this.log.broken) return Promise.reject(this.log.broken);
    this.#nextSeq++;
    const pending = pendingRecord(seq, bytes);
    this.#queue.push(pending);
    this.#last = pending;
    // Start on a microtask, so appends made in the same tick share the first batch too.
    this.#draining ??= Promise.resolve().then(() => this.#drain());
    return pending.promise;
  }

  flush(): Promise<void> {
    return this.#last && !this.#last.settled ? this.#last.promise : Promise.resolve();
  }

  read(afterSeq: number): AsyncIterable<JournalRecord> {
    return readRecords(this.log.snapshot(), this.#lastSeq, afterSeq);
  }

  removeThrough(seq: number): Promise<void> {
    return this.log.removeThrough(seq);
  }

  bytes(): number {
    return this.log.bytes();
  }

  firstSeq(): number {
    return this.log.firstSeq() ?? this.#lastSeq + 1;
  }

  stats(): JournalStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#draining;
    await this.log.close();
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      let bytes = 0;
      let count = 0;
      while (count < this.#queue.length && (count === 0 || bytes < MAX_BATCH_BYTES)) bytes += this.#queue[count++]!.bytes.length;
      await this.#commit(this.#queue.splice(0, count));
    }
    this.#draining = null;
  }

  async #commit(batch: Pending[]): Promise<void> {
    try {
      await this.log.write(batch[0]!.seq, encodeFrames(batch));
    } catch (error) {
      // Records queued behind the batch carry seqs that follow the failed ones: they fail with it.
      const failed = [...batch, ...this.#queue.splice(0)];
      this.#nextSeq = this.#lastSeq + 1;
      const context = { fromSeq: failed[0]!.seq, toSeq: failed.at(-1)!.seq, err: error };
      const broken = this.log.broken;
      // Not cut back, the batch may yet surface on reopen: its outcome is unknown, not failed.
      if (broken) this.logger.error({ ...context, cause: broken.cause }, broken.message);
      else this.logger.error(context, 'journal: batch failed; cut back to the last durable record');
      for (const pending of failed) pending.settle(broken ?? error);
      return;
    }
    this.#lastSeq = batch.at(-1)!.seq;
    this.counters.batches++;
    this.counters.records += batch.length;
    for (const pending of batch) pending.settle();
  }
}

function pendingRecord(seq: number, bytes: Buffer): Pending {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const pending: Pending = {
    seq,
    bytes,
    promise,
    settled: false,
    settle(error?: unknown) {
      pending.settled = true;
      if (error === undefined) resolve();
      else reject(error);
    },
  };
  return pending;
}
