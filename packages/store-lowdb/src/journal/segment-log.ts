// The segment files as one append-only byte log: roll, durable batch write, cut-back on failure, removal.
import type { FileHandle } from 'node:fs/promises';
import { open, unlink } from 'node:fs/promises';
import { JournalError } from './errors.ts';
import type { SegmentState } from './recovery.ts';
import { fsyncPath, segmentPath } from './segment-files.ts';
import type { JournalIo, JournalStats } from './types.ts';

interface Active extends SegmentState {
  file: FileHandle;
}

export class SegmentLog {
  /** Oldest first; the last one is the active segment. */
  readonly #segments: SegmentState[];
  #active: Active | null = null;
  /** Set when a failed batch could not be cut back: the file may hold rejected records, so nothing may follow them. */
  broken: JournalError | null = null;

  constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    private readonly io: JournalIo,
    private readonly stats: JournalStats,
    segments: SegmentState[],
    activeFile: FileHandle | null,
  ) {
    this.#segments = segments;
    const last = segments.at(-1);
    // The same object as the list's last entry, so size updates show in both.
    if (last && activeFile) this.#active = Object.assign(last, { file: activeFile });
  }

  /** Writes `data` (records from `firstSeq` on) with one write and one fdatasync; on failure cuts it off again. */
  async write(firstSeq: number, data: Buffer): Promise<void> {
    if (this.broken) throw this.broken;
    let segment: Active | undefined;
    try {
      segment = await this.#segmentFor(firstSeq);
      // Opened for append: a short write (disk nearly full) continues where it stopped.
      for (let at = 0; at < data.length; ) at += await this.io.write(segment.file, data.subarray(at));
      this.stats.fsyncs++;
      await this.io.datasync(segment.file);
    } catch (error) {
      if (segment) await this.#cutBack(segment, error);
      throw error;
    }
    segment.size += data.length;
  }

  async removeThrough(seq: number): Promise<void> {
    const removed: SegmentState[] = [];
    // A segment's last seq is the next one's first seq - 1; the active (last) segment has no next and stays.
    while (this.#segments.length > 1 && this.#segments[1]!.firstSeq - 1 <= seq) removed.push(this.#segments.shift()!);
    if (removed.length === 0) return;
    for (const [index, segment] of removed.entries()) {
      try {
        await unlink(segment.path);
      } catch (error) {
        this.#segments.unshift(...removed.slice(index));
        throw error;
      }
    }
    this.stats.fsyncs++;
    await fsyncPath(this.dir);
  }

  /** Copies of the segment states: a reader sees the sizes of this moment, not later writes. */
  snapshot(): SegmentState[] {
    return this.#segments.map(({ firstSeq, path, size }) => ({ firstSeq, path, size }));
  }

  bytes(): number {
    return this.#segments.reduce((sum, segment) => sum + segment.size, 0);
  }

  firstSeq(): number | undefined {
    return this.#segments[0]?.firstSeq;
  }

  async close(): Promise<void> {
    await this.#active?.file.close();
    this.#active = null;
  }

  /** The active segment, after rolling to a new one named `firstSeq` if it is full (or there is none yet). */
  async #segmentFor(firstSeq: number): Promise<Active> {
    const current = this.#active;
    if (current && current.size < this.segmentBytes) return current;
    const path = segmentPath(this.dir, firstSeq);
    const file = await open(path, 'a');
    try {
      this.stats.fsyncs++;
      await fsyncPath(this.dir); // the new file's existence must be as durable as the records in it
    } catch (error) {
      await file.close();
      throw error;
    }
    const next: Active = { firstSeq, path, size: 0, file };
    this.#segments.push(next);
    this.#active = next;
    await current?.file.close();
    return next;
  }

  async #cutBack(segment: Active, error: unknown): Promise<void> {
    try {
      await segment.file.truncate(segment.size);
      await segment.file.datasync();
    } catch (cutError) {
      this.broken = new JournalError('FAILED', `journal unusable until reopened: could not cut ${segment.path} back to ${segment.size} bytes after ${String(error)}`, {
        cause: cutError,
      });
    }
  }
}
