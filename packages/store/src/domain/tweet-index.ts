// The tweets of the projection, by ordinal and by id. Two things keep a restart of a large store short:
// - By id without a hash table: ids are ULIDs, so in creation order they nearly always ascend, and those are found by
//   binary search over the tweets in order; only an id that does not ascend goes into a Map. (Filling a Map with a
//   million ids took ~1 s on this machine.)
// - A checkpoint's details files (content, counters, likes: all a timeline does not need) are not read at start-up:
//   a chunk's file is read and parsed when a tweet of it is first asked for, or before by the store in the background.
//   Until then its tweets hold only the fields every tweet has from the start (records.ts says which).
// - Once read, a chunk's details stay in columns (ColdDetails, mostly outside the V8 heap), and each tweet gets them
//   when it is first asked for (get, at): most tweets of a large store are never asked for after a restart, and a
//   million filled-in records kept ~400 MB more on the heap, and four more objects per tweet for the GC to trace.
import type { CheckpointFileRef, TweetRecord } from './records.ts';
import { ColdDetails, type TweetDetails } from './tweet-columns.ts';

/** Reads a checkpoint file's bytes at once, checked against its size and CRC-32 (the one I/O the domain asks for). */
export type ReadFileNow = (ref: CheckpointFileRef) => Uint8Array;

export class TweetIndex {
  readonly #order: TweetRecord[] = [];
  /** Tweets whose ids ascend with their ordinals. */
  readonly #sorted: TweetRecord[] = [];
  readonly #others = new Map<string, TweetRecord>();
  /** Details files not parsed yet, by chunk. */
  readonly #pending = new Map<number, CheckpointFileRef>();
  /** Details read but not yet given to every tweet of their chunk, by chunk. */
  readonly #cold = new Map<number, ColdDetails>();
  #rows = 1;
  #read: ReadFileNow = () => {
    throw new Error('no details file to read');
  };

  /** `userId`: a user's id by ordinal (see tweet-columns.ts). */
  constructor(private readonly userId: (ordinal: number) => string | undefined) {}

  get size(): number {
    return this.#order.length;
  }

  add(t: TweetRecord): void {
    if (t.ordinal !== this.#order.length) throw new Error(`tweet ${t.id} has ordinal ${t.ordinal}, expected ${this.#order.length}`);
    this.#order.push(t);
    const last = this.#sorted.at(-1);
    if (last === undefined || last.id < t.id) this.#sorted.push(t);
    else this.#others.set(t.id, t);
  }

  /** The tweet with every field (its details read and filled in if they were not yet). */
  get(id: string): TweetRecord | undefined {
    const t = this.peek(id);
    if (t) this.#complete(t);
    return t;
  }

  at(ordinal: number): TweetRecord | undefined {
    const t = this.#order[ordinal];
    if (t) this.#complete(t);
    return t;
  }

  /**
   * The tweet with every field, for reading only: when its details are still in columns, a copy with them, and the
   * tweet stays as it is (a checkpoint writes whole chunks: filling them all in would undo what the columns save).
   */
  read(ordinal: number): TweetRecord | undefined {
    const t = this.#order[ordinal];
    if (!t) return t;
    if (this.#pending.size > 0) this.#readNow(ordinal);
    return this.#cold.get(ordinal - (ordinal % this.#rows))?.withDetails(t) ?? t;
  }

  has(id: string): boolean {
    return this.peek(id) !== undefined;
  }

  /** The tweet, perhaps with only the fields every tweet has from the start. */
  peek(id: string): TweetRecord | undefined {
    const sorted = this.#sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]!.id < id) lo = mid + 1;
      else hi = mid;
    }
    const found = sorted[lo];
    return found !== undefined && found.id === id ? found : this.#others.get(id);
  }

  peekAt(ordinal: number): TweetRecord | undefined {
    return this.#order[ordinal];
  }

  /** The details file of the `rows` tweets from `ref.first` on (added already), to read when first needed. */
  defer(ref: CheckpointFileRef, rows: number, read: ReadFileNow): void {
    if (ref.first % rows !== 0 || (this.#pending.size > 0 && rows !== this.#rows)) throw new Error(`details file ${ref.file} is not a chunk of ${rows}`);
    this.#pending.set(ref.first, ref);
    this.#rows = rows;
    this.#read = read;
  }

  /** The details file the tweet's fields are still in (not read yet), or undefined. */
  pendingFor(id: string): CheckpointFileRef | undefined {
    if (this.#pending.size === 0) return undefined;
    const t = this.peek(id);
    return t && this.#pending.get(t.ordinal - (t.ordinal % this.#rows));
  }

  /** A details file not read yet (the oldest), or undefined. */
  nextPending(): CheckpointFileRef | undefined {
    return this.#pending.values().next().value;
  }

  /** Takes in the details of a file's tweets from its bytes (checked whole first), unless that happened already. */
  fill(ref: CheckpointFileRef, bytes: Uint8Array): void {
    if (this.#pending.get(ref.first) !== ref) return;
    const details = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as TweetDetails;
    // The tweets the file has (those created since are whole already).
    const n = Array.isArray(details.length) ? details.length.length : 0;
    this.#cold.set(ref.first, new ColdDetails(details, ref.first, n, this.userId));
    this.#pending.delete(ref.first);
  }

  #complete(t: TweetRecord): void {
    if (this.#pending.size > 0) this.#readNow(t.ordinal);
    if (this.#cold.size === 0) return;
    const chunk = t.ordinal - (t.ordinal % this.#rows);
    if (this.#cold.get(chunk)?.fill(t)) this.#cold.delete(chunk);
  }

  #readNow(ordinal: number): void {
    const ref = this.#pending.get(ordinal - (ordinal % this.#rows));
    if (ref) this.fill(ref, this.#read(ref));
  }
}
