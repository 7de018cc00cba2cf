// The tweets of the projection, by ordinal and by id. Two things keep a restart of a large store short:
// - By id without a hash table: ids are ULIDs, so in creation order they nearly always ascend, and those are found by
//   binary search over the tweets in order; only an id that does not ascend goes into a Map. (Filling a Map with a
//   million ids took ~1 s on this machine.)
// - A checkpoint's details files (content, counters, likes: all a timeline does not need) are not read at start-up:
//   a chunk's file is read and parsed when a tweet of it is first asked for, or before by the store in the background.
//   Until then its tweets hold only the fields every tweet has from the start (records.ts says which).
import type { CheckpointFileRef, TweetRecord } from './records.ts';
import { fillDetails, type TweetDetails } from './tweet-columns.ts';

/** Reads a checkpoint file's bytes at once, checked against its size and CRC-32 (the one I/O the domain asks for). */
export type ReadFileNow = (ref: CheckpointFileRef) => Uint8Array;

export class TweetIndex {
  readonly #order: TweetRecord[] = [];
  /** Tweets whose ids ascend with their ordinals. */
  readonly #sorted: TweetRecord[] = [];
  readonly #others = new Map<string, TweetRecord>();
  /** Details files not parsed yet, by chunk. */
  readonly #pending = new Map<number, CheckpointFileRef>();
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

  /** The tweet with every field (its details read if they were not yet). */
  get(id: string): TweetRecord | undefined {
    const t = this.peek(id);
    if (t && this.#pending.size > 0) this.#readNow(t.ordinal);
    return t;
  }

  at(ordinal: number): TweetRecord | undefined {
    if (this.#pending.size > 0) this.#readNow(ordinal);
    return this.#order[ordinal];
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

  /** Completes the tweets of a details file from its bytes, unless that happened already. */
  fill(ref: CheckpointFileRef, bytes: Uint8Array): void {
    if (this.#pending.get(ref.first) !== ref) return;
    const details = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as TweetDetails;
    // The tweets the file has (those created since are whole already); all is checked before anything changes.
    const n = Array.isArray(details.length) ? details.length.length : 0;
    fillDetails(this.#order.slice(ref.first, ref.first + n), details, this.userId);
    this.#pending.delete(ref.first);
  }

  #readNow(ordinal: number): void {
    const ref = this.#pending.get(ordinal - (ordinal % this.#rows));
    if (ref) this.fill(ref, this.#read(ref));
  }
}
