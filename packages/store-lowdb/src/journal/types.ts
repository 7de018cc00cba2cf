// The journal's public shapes: the durable, group-committed event log under the embedded store.
import type { FileHandle } from 'node:fs/promises';

/** pino-compatible */
export interface JournalLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The two operations of the append path that fail on a sick disk. Test-only seam: inject ENOSPC/EIO without one. */
export interface JournalIo {
  /** One write at the end of `file`; returns the bytes written (may be short). */
  write(file: FileHandle, data: Uint8Array): Promise<number>;
  datasync(file: FileHandle): Promise<void>;
}

export interface JournalOptions {
  /** Created if missing. */
  dir: string;
  /**
   * Segments whose records all have seq <= this are not read at open but checked, with the same errors, whenever
   * they are read (the store passes its newest checkpoint's seq: a restart reads only what it replays). The last
   * segment is always checked. Default 0: every record is checked at open.
   */
  checkLaterThrough?: number;
  /** Roll to a new segment file once the active one has reached this size; default 64 MiB. */
  segmentBytes?: number;
  logger?: JournalLogger;
  /** Test-only: replaces the write/fdatasync of the append path. */
  io?: JournalIo;
}

/** payload: one JSON-serialised event */
export interface JournalRecord {
  seq: number;
  payload: string;
}

export interface JournalStats {
  /** Batches committed (one write + one fdatasync each). */
  batches: number;
  /** Records committed. */
  records: number;
  /** fsync/fdatasync calls issued, segment files and directory together. */
  fsyncs: number;
  /** Bytes of segment files read and checked by the open (the rest are checked when read). */
  checkedAtOpenBytes: number;
}

export interface Journal {
  /** Highest seq durably in the journal after open/recovery (0 if empty); advances as batches become durable. */
  readonly lastSeq: number;
  /**
   * Stream records with seq > afterSeq in order, from disk: what was durable when called. Skips whole segments.
   * Starts at firstSeq() if afterSeq is older than that (removed records are gone: compare first); rejects if
   * removeThrough deletes a segment before the read reaches it.
   */
  read(afterSeq: number): AsyncIterable<JournalRecord>;
  /**
   * Append one record; seqs must be strictly consecutive (lastAppended + 1) or it throws synchronously.
   * Group commit: all records appended while a write+fdatasync is in flight go out together in the next single
   * write + fdatasync. Resolves only after the fdatasync that covers this record. On an I/O error every record of
   * that batch, and every record queued behind it, rejects with the error; the file is cut back to the last good
   * offset and the next append must again be lastSeq + 1. If even the cut-back fails, they reject with a
   * JournalError 'FAILED' (outcome unknown: the records may reappear on reopen), and so does every later append.
   */
  append(seq: number, payload: string): Promise<void>;
  /** Resolves when everything appended so far is durable (or rejects like append). */
  flush(): Promise<void>;
  /** Delete whole segment files whose records all have seq <= seq (never the active segment). */
  removeThrough(seq: number): Promise<void>;
  /** Total bytes of segment files on disk. */
  bytes(): number;
  /** The oldest seq still on disk (lastSeq + 1 if none). */
  firstSeq(): number;
  stats(): JournalStats;
  /** Waits for in-flight appends, then closes; append throws afterwards. */
  close(): Promise<void>;
}
