// The tweets of the projection, by ordinal and by id. Three things keep a large store small and its restart short:
// - By id without a hash table: ids are ULIDs, so in creation order they nearly always ascend, and those are found by
//   binary search over the ordinals in order; only an id that does not ascend goes into a Map. (Filling a Map with a
//   million ids took ~1 s on this machine.)
// - A tweet in columns (restored from a checkpoint, or unchanged since a checkpoint wrote its chunk: fold) has no
//   record until a write changes it: its chunk of the tweets file is in typed arrays (ColdIndex), the indexes ask
//   for the fields they need by ordinal (authorOf, entryAt, ...), and reads get a copy (read). A record each kept
//   ~270 B and two more objects per tweet on the V8 heap, and at 1M tweets the GC traced them all at every full GC.
// - A checkpoint's details files (content, counters, likes: all a timeline does not need) are not read at start-up:
//   a chunk's file is read and parsed when a tweet of it is first asked for, or before by the store in the background.
//   Once read, a chunk's details stay in columns too (ColdDetails, mostly outside the V8 heap). A record is made whole:
//   its chunk's details file is read at once if it was not yet.
import type { TimelineEntry } from './timelines.ts';
import type { CheckpointFileRef, TweetRecord } from './records.ts';
import { ColdDetails, ColdIndex, idsOf, type TweetDetails, type TweetIndexColumns } from '../checkpoint/format/tweet-columns.ts';

/** Reads a checkpoint file's bytes at once, checked against its size and CRC-32 (the one I/O the domain asks for). */
export type ReadFileNow = (ref: CheckpointFileRef) => Uint8Array;

/** How many copies of tweets in columns read() keeps, most recently read first (~0.6 KB each). */
export const READ_COPIES = 32_768;

export class TweetIndex {
  /** Every tweet's id, by ordinal (the one string the timelines and the tweet's record share). */
  readonly #ids: string[] = [];
  /** Records by ordinal; none yet for a restored tweet not asked for (it is in #index). */
  readonly #records: (TweetRecord | undefined)[] = [];
  /** Ordinals of the tweets whose ids ascend with their ordinals. */
  readonly #sorted: number[] = [];
  readonly #others = new Map<string, number>();
  /**
   * Copies made by read() of tweets without a record, by ordinal, least recently read first. A copy is dropped when
   * its tweet gets a record (it becomes the record) or its chunk changes in columns (fold, historyMoved): no copy
   * can be older than the tweet.
   */
  readonly #copies = new Map<number, TweetRecord>();
  /** The restored tweets' columns, by chunk (the first #restored ordinals, #rows per chunk). */
  readonly #index: ColdIndex[] = [];
  #restored = 0;
  #recordCount = 0;
  /** Details files not parsed yet, by chunk. */
  readonly #pending = new Map<number, CheckpointFileRef>();
  /** Details in columns, by chunk (read from a details file, or the ones a checkpoint wrote: fold). */
  readonly #cold = new Map<number, ColdDetails>();
  #rows = 0;
  #read: ReadFileNow = () => {
    throw new Error('no details file to read');
  };
  readonly #id = (ordinal: number) => this.#ids[ordinal]!;

  /** `userId`: a user's id by ordinal (see tweet-columns.ts); `readCopies`: how many copies read() keeps. */
  constructor(
    private readonly userId: (ordinal: number) => string | undefined,
    private readonly readCopies = READ_COPIES,
  ) {}

  get size(): number {
    return this.#ids.length;
  }

  /** How many tweets have a record (the rest are in columns). */
  get records(): number {
    return this.#recordCount;
  }

  /** A new tweet (or one restored whole, from a checkpoint of an older format). */
  add(t: TweetRecord): void {
    if (t.ordinal !== this.size) throw new Error(`tweet ${t.id} has ordinal ${t.ordinal}, expected ${this.size}`);
    this.#records[t.ordinal] = t;
    this.#recordCount++;
    this.#addId(t.id);
  }

  /**
   * A chunk of a checkpoint's tweets file, kept in columns (`rows` tweets per chunk; only the last may have fewer).
   * Restored chunks come first, before any tweet added otherwise. `users`: how many users there are.
   */
  restore(columns: TweetIndexColumns, history: CheckpointFileRef | null, rows: number, users: number): ColdIndex {
    const first = this.size;
    if (first !== this.#restored || first % rows !== 0 || (this.#rows !== 0 && rows !== this.#rows)) throw new Error(`tweets file at #${first} is not a chunk of ${rows}`);
    const chunk = new ColdIndex(columns, first, history, users);
    if (chunk.n > rows) throw new Error(`tweets file at #${first} has more than ${rows} tweets`);
    this.#rows = rows;
    this.#index.push(chunk);
    for (const id of idsOf(columns)) this.#addId(id);
    this.#restored += chunk.n;
    return chunk;
  }

  /** The tweet's record, made if it had none (its details file read now if it was not yet). */
  get(id: string): TweetRecord | undefined {
    const ordinal = this.ordinalOf(id);
    return ordinal < 0 ? undefined : this.at(ordinal);
  }

  /** The tweet's record, made from its chunk's columns if it has none yet (and kept: the store may change it). */
  at(ordinal: number): TweetRecord | undefined {
    const t = this.#records[ordinal];
    if (t || !(ordinal >= 0 && ordinal < this.#restored)) return t;
    const copy = this.#copies.get(ordinal);
    if (copy) this.#copies.delete(ordinal);
    const made = copy ?? this.#coldRecord(ordinal);
    this.#records[ordinal] = made;
    this.#recordCount++;
    return made;
  }

  /**
   * The tweet with every field, for reading only: a tweet without a record is given as a copy made from the columns,
   * and stays there (a checkpoint writes whole chunks: making records for them all would undo what the columns save).
   * The last `readCopies` copies are kept (unless not `remember`ed), so a tweet read often is decoded once.
   */
  read(ordinal: number, remember = true): TweetRecord | undefined {
    if (!(ordinal >= 0 && ordinal < this.size)) return undefined;
    const t = this.#records[ordinal];
    if (t) return t;
    const copies = this.#copies;
    let copy = copies.get(ordinal);
    if (copy) copies.delete(ordinal); // set again below: the most recently read go last
    else copy = this.#coldRecord(ordinal);
    if (!remember) return copy;
    copies.set(ordinal, copy);
    if (copies.size > this.readCopies) copies.delete(copies.keys().next().value!);
    return copy;
  }

  /** read, by id. */
  readById(id: string): TweetRecord | undefined {
    return this.read(this.ordinalOf(id));
  }

  has(id: string): boolean {
    return this.ordinalOf(id) >= 0;
  }

  /** The tweet's ordinal, or -1. */
  ordinalOf(id: string): number {
    const found = this.#sorted[this.#sortedBound(id)];
    return found !== undefined && this.#ids[found] === id ? found : (this.#others.get(id) ?? -1);
  }

  /** The id as the index holds it (one string per tweet, however often it is named), or undefined. */
  idOf(id: string): string | undefined {
    const ordinal = this.ordinalOf(id);
    return ordinal < 0 ? undefined : this.#ids[ordinal];
  }

  idAt(ordinal: number): string | undefined {
    return this.#ids[ordinal];
  }

  authorOf(id: string): string | undefined {
    const ordinal = this.ordinalOf(id);
    return ordinal < 0 ? undefined : this.authorAt(ordinal);
  }

  /** The tweet's author, without making its record. */
  authorAt(ordinal: number): string | undefined {
    const t = this.#records[ordinal];
    if (t || ordinal >= this.#restored) return t?.authorId;
    const [chunk, i] = this.#cell(ordinal);
    return this.userId(chunk.authorOrdinal(i));
  }

  /**
   * The content and packed facts of the tweet's current version, without making a record or a copy (its details file
   * read now if it was not yet).
   */
  textAt(ordinal: number): { content: string; facts: string } | undefined {
    const t = this.#records[ordinal];
    if (t || ordinal >= this.#restored) return t;
    if (this.#pending.size > 0) this.#readNow(ordinal);
    const [chunk] = this.#cell(ordinal);
    return this.#cold.get(chunk.first)?.text(ordinal) ?? this.read(ordinal, false);
  }

  /**
   * Where tweets older than the one with id `id` end: its ordinal, or for an id no tweet has, the ordinal of the first
   * tweet with a larger id (the size if none). Ids ascend with ordinals but for the few in #others.
   */
  ordinalBefore(id: string): number {
    const found = this.ordinalOf(id);
    return found >= 0 ? found : (this.#sorted[this.#sortedBound(id)] ?? this.size);
  }

  /** The index in #sorted of the first id >= `id`. */
  #sortedBound(id: string): number {
    const sorted = this.#sorted;
    const ids = this.#ids;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[sorted[mid]!]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The tweet's velocity, without making its record (a restored tweet's from its tweets file: a candidate's). */
  velocityAt(ordinal: number): TweetRecord['velocity'] {
    const t = this.#records[ordinal];
    if (t || ordinal >= this.#restored) return t?.velocity ?? null;
    const [chunk, i] = this.#cell(ordinal);
    return chunk.velocity(i);
  }

  stateAt(ordinal: number): TweetRecord['state'] | undefined {
    const t = this.#records[ordinal];
    if (t || ordinal >= this.#restored) return t?.state;
    const [chunk, i] = this.#cell(ordinal);
    return chunk.state(i);
  }

  /** What the timelines need of a tweet, without making its record. */
  entryAt(ordinal: number): TimelineEntry | undefined {
    const t = this.#records[ordinal];
    if (t || ordinal >= this.#restored) return t;
    const [chunk, i] = this.#cell(ordinal);
    const replyTo = chunk.replyToOrdinal(i);
    return { id: this.#ids[ordinal]!, authorId: this.userId(chunk.authorOrdinal(i))!, replyToId: replyTo < 0 ? null : this.#ids[replyTo]!, state: chunk.state(i) };
  }

  /** Whether the tweet has versions not yet stored in a history file. */
  hasNewVersions(ordinal: number): boolean {
    return (this.#records[ordinal]?.newVersions.length ?? 0) > 0;
  }

  /** Adds `n` published replies to the tweet, as restored: without making its record. */
  addReplies(ordinal: number, n: number): void {
    const t = this.#records[ordinal];
    if (t) t.replies += n;
    else {
      const [chunk, i] = this.#cell(ordinal);
      chunk.replies[i]! += n;
    }
  }

  /**
   * The tweet's versions up to its `count`th are in `ref`'s file now: its record, if it has one, for the caller to
   * move them; a tweet without a record reads its history from there from now on (as the rest of its chunk does).
   */
  historyMoved(ordinal: number, ref: CheckpointFileRef): TweetRecord | undefined {
    const t = this.#records[ordinal];
    if (t === undefined && ordinal < this.#restored) {
      this.#cell(ordinal)[0].withHistory(ref);
      this.#copies.delete(ordinal);
    }
    return t;
  }

  /**
   * A chunk goes back to columns, as a checkpoint just wrote its tweets file (`chunk`, with each tweet's published
   * replies then) and its details file (`details`). The records of its tweets go, but for those `keep` names (changed
   * since: their records are newer than the files). Only a chunk next to or among those in columns, and of their size
   * (`rows`); false if the chunk is not such a one (it keeps its records).
   */
  fold(chunk: ColdIndex, details: ColdDetails, rows: number, keep: (ordinal: number) => boolean): boolean {
    const { first } = chunk;
    if (first % rows !== 0 || first > this.#restored || (this.#rows !== 0 && rows !== this.#rows)) return false;
    if (chunk.n > rows || first + chunk.n > this.size || details.first !== first || chunk.firstId !== this.#ids[first]) {
      throw new Error(`tweets file at #${first} is not of the tweets there`);
    }
    this.#rows = rows;
    this.#index[first / rows] = chunk;
    this.#restored = Math.max(this.#restored, first + chunk.n);
    this.#pending.delete(first);
    this.#cold.set(first, details);
    for (let ordinal = first; ordinal < first + chunk.n; ordinal++) {
      this.#copies.delete(ordinal);
      if (this.#records[ordinal] === undefined || keep(ordinal)) continue;
      this.#records[ordinal] = undefined;
      this.#recordCount--;
    }
    return true;
  }

  /** The details file of the `rows` tweets from `ref.first` on (added already), to read when first needed. */
  defer(ref: CheckpointFileRef, rows: number, read: ReadFileNow): void {
    if (ref.first % rows !== 0 || (this.#rows !== 0 && rows !== this.#rows)) throw new Error(`details file ${ref.file} is not a chunk of ${rows}`);
    this.#pending.set(ref.first, ref);
    this.#rows = rows;
    this.#read = read;
  }

  /** The details file the tweet's fields are still in (not read yet), or undefined. */
  pendingFor(id: string): CheckpointFileRef | undefined {
    if (this.#pending.size === 0) return undefined;
    const ordinal = this.ordinalOf(id);
    return ordinal < 0 ? undefined : this.#pending.get(ordinal - (ordinal % this.#rows));
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

  #addId(id: string): void {
    const ordinal = this.#ids.length;
    const sorted = this.#sorted;
    const last = sorted.length === 0 ? undefined : this.#ids[sorted[sorted.length - 1]!];
    this.#ids.push(id);
    if (last === undefined || last < id) sorted.push(ordinal);
    else this.#others.set(id, ordinal);
  }

  /** The chunk of a restored tweet and its row in it. */
  #cell(ordinal: number): [ColdIndex, number] {
    const chunk = this.#index[Math.floor(ordinal / this.#rows)]!;
    return [chunk, ordinal - chunk.first];
  }

  /** A record of a tweet in columns, with its details (their file read now if it was not yet). */
  #coldRecord(ordinal: number): TweetRecord {
    const [chunk, i] = this.#cell(ordinal);
    const t = chunk.record(i, this.#id, this.userId);
    if (this.#pending.size > 0) this.#readNow(ordinal);
    this.#cold.get(chunk.first)?.writeInto(t);
    return t;
  }

  #readNow(ordinal: number): void {
    const ref = this.#pending.get(ordinal - (ordinal % this.#rows));
    if (ref) this.fill(ref, this.#read(ref));
  }
}
