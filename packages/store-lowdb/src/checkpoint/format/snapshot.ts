// A checkpoint's content: the projection at one seq in tables, each cut into chunks so no one file holds the whole
// store: users, sessions, media, hashtags (by ordinal: their uses, velocity and who added to it lately), the search
// index's dictionary (terms by id), and per chunk of tweets (by ordinal) a tweets and a details file (their current
// state, as columns: tweet-columns.ts, the tweets file with the chunk's part of the search index) and a history file
// (their version histories: history-rows.ts).
// Capture runs a chunk at a time while events go on; what it takes shares no mutable state with the projection, so it
// can be serialised later. The other indexes are derived again on restore.
import { mediaRow } from './media-rows.ts';
import { TAG_AUTHOR_WINDOW_MS } from '@tweetstore/store';
import { ChangeSet, type Projection } from '../../projection/projection.ts';
import { historyChunk, type HistoryAtSeq, type HistoryFile } from './history-rows.ts';
import { NO_VERSIONS, type CheckpointFileRef, type TakenBack, type TweetRecord } from '../../projection/records.ts';
import { ColdDetails, ColdIndex, encodeTweets, type EncodeContext, type TweetIndexColumns } from './tweet-columns.ts';
import type { SearchColumns } from './search-columns.ts';
import { stringCount } from './strings.ts';

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  createdAt: number;
  passwordHash: string;
}
export type SessionRow = [tokenHash: string, userId: string, expiresAt: number];

/**
 * `texts` only in format 1 (since then each file holds the texts it needs); `details` and `history` since format 3;
 * `terms` (the search index's dictionary, read before the tweets files that name its terms) and `tags` since format 5.
 */
export type TableName = 'users' | 'sessions' | 'media' | 'texts' | 'terms' | 'tweets' | 'details' | 'history' | 'tags';
export const tableNames: readonly TableName[] = ['users', 'sessions', 'media', 'texts', 'terms', 'tweets', 'details', 'history', 'tags'];
/** A hashtag: [tag, uses, velocity's value and time (null: none), who added to it lately as user ordinal and time pairs]. */
export type TagRow = [tag: string, uses: number, value: number | null, at: number | null, counted: number[]];
/** Rows per file; a details and a history file cover the tweets of the tweets file of the same chunk number. */
export type ChunkRows = Record<Exclude<TableName, 'details' | 'history'>, number>;

/** A file of a checkpoint to be written. */
export interface ChunkFile {
  table: TableName;
  chunk: number;
  data: object;
}

/** A step of writing a checkpoint, run in an event-loop turn of its own: it captures synchronously, then may read. */
export interface PlannedStep {
  take(): Promise<ChunkFile[]>;
}

/** The checkpoint a new one is counted from: which files it has, and one of them read (checked). */
export interface BaseCheckpoint {
  has(table: TableName, chunk: number): boolean;
  read(table: TableName, chunk: number): Promise<unknown>;
}

/** Reads a history file of a checkpoint (the stored versions a rewritten history file carries on). */
export type ReadHistory = (ref: CheckpointFileRef) => Promise<HistoryFile>;

/**
 * A checkpoint at one seq, captured a chunk at a time while events go on: a tweet of a chunk not yet taken is
 * copied just before an event changes it (copy-on-write), so every chunk shows the state at `seq`. Only chunks with
 * changes since the base checkpoint are planned; the rest are the base's files, reused as they are.
 */
export class CheckpointCapture {
  readonly seq: number;
  readonly steps: PlannedStep[] = [];
  readonly #p: Projection;
  readonly #rows: number;
  readonly #tweetCount: number;
  readonly #pending = new Set<number>();
  /** Tweets as they were at `seq`, with who had taken back a like or a retweet of them then. */
  readonly #preserved = new Map<number, { tweet: TweetRecord; takenBack: TakenBack | undefined }>();
  readonly #rewrites: { users: boolean; sessions: boolean; media: boolean; tweets: Set<number>; history: Set<number>; tags: Set<number> };
  readonly #tagRows: number;
  readonly #tagCount: number;
  readonly #base: BaseCheckpoint | null = null;
  /** The first chunk of the dictionary written (those before it are the base's); known once its step ran. */
  #termsWrittenFrom = Infinity;
  /** The dictionary's terms the checkpoint holds: those at `seq`, and any a chunk written gave an id to since. */
  #termsUsed: number;
  /** Chunks whose texts did not change since the base: their search columns are read from its tweets file. */
  readonly #searchFromBase = new Set<number>();
  /** Per history file written: its tweets with versions, and how many versions each had at `seq`. */
  readonly #written = new Map<number, { ordinals: number[]; counts: number[] }>();
  /** Per tweets file written: the chunk in columns as written (with each tweet's published replies at `seq`), to fold back. */
  readonly #folds = new Map<number, { index: ColdIndex; details: ColdDetails }>();
  readonly #encoding: EncodeContext;

  /**
   * `base` says whether the checkpoint the projection's changes are counted from has a file, and reads one; null: write
   * all.
   */
  constructor(p: Projection, now: number, rowsPerChunk: ChunkRows, base: BaseCheckpoint | null, read: ReadHistory) {
    this.#p = p;
    this.seq = p.seq;
    this.#rows = rowsPerChunk.tweets;
    this.#tweetCount = p.tweets.size;
    const userOrdinals = new Map(p.userOrder.map((u, i) => [u.id, i]));
    this.#encoding = {
      tweetOrdinal: (id) => p.tweets.ordinalOf(id),
      userOrdinal: (id) => userOrdinals.get(id)!,
      hot: (t) => p.isHot(t, now),
      searchTerms: (t) => p.searchTerms(t),
      termId: (term) => {
        const id = p.search.termId(term);
        this.#termsUsed = Math.max(this.#termsUsed, id + 1);
        return id;
      },
    };
    this.#termsUsed = p.search.dictionarySize;
    const changes = p.changes;
    p.changes = new ChangeSet();
    const chunkCount = Math.ceil(this.#tweetCount / this.#rows);
    const tweets = new Set<number>();
    const history = new Set<number>();
    for (let k = 0; k < chunkCount; k++) {
      if (base === null || !base.has('tweets', k) || !base.has('details', k)) tweets.add(k);
      if (base === null || !base.has('history', k)) history.add(k);
    }
    for (const ordinal of changes.tweets) {
      if (ordinal >= this.#tweetCount) continue;
      const k = Math.floor(ordinal / this.#rows);
      tweets.add(k);
      // Versions not yet in a history file: the chunk's history file grows.
      if (p.tweets.hasNewVersions(ordinal)) history.add(k);
    }
    // a chunk rewritten for its counters or states only takes its search columns from the base's tweets file
    for (const k of tweets) if (base !== null && base.has('tweets', k)) this.#searchFromBase.add(k);
    for (const ordinal of changes.texts) this.#searchFromBase.delete(Math.floor(ordinal / this.#rows));
    this.#base = base;
    this.#tagRows = rowsPerChunk.tags;
    this.#tagCount = p.hashtags.size;
    const tags = new Set<number>();
    for (let k = 0; k < Math.ceil(this.#tagCount / this.#tagRows); k++) if (base === null || !base.has('tags', k)) tags.add(k);
    for (const o of changes.tags) tags.add(Math.floor(o / this.#tagRows));
    this.#rewrites = { users: base === null || changes.users, sessions: base === null || changes.sessions, media: base === null || changes.media, tweets, history, tags };
    if (this.#rewrites.users) {
      const users = [...p.users.values()].map((u) => ({ ...u }));
      this.#plan('users', chunk(users, rowsPerChunk.users));
    }
    if (this.#rewrites.sessions) {
      const sessions: SessionRow[] = [];
      for (const [hash, s] of p.sessions) if (s.expiresAt > now) sessions.push([hash, s.userId, s.expiresAt]);
      this.#plan('sessions', chunk(sessions, rowsPerChunk.sessions));
    }
    if (this.#rewrites.media) this.#plan('media', chunk([...p.media.values()].map(mediaRow), rowsPerChunk.media));
    if (tags.size > 0) this.#planTags(tags, userOrdinals, now);
    for (const k of [...new Set([...tweets, ...history])].sort((a, b) => a - b)) {
      this.#pending.add(k);
      this.steps.push({ take: () => this.#takeTweets(k, read) });
    }
    // last, when the tweets files have named every term they hold (a store whose index is still being built gives
    // ids to terms as its chunks are written); the terms already in the base's files keep their ids and files
    const termsFrom = base === null ? 0 : changes.termsFrom;
    this.steps.push({ take: async () => this.#takeDictionary(termsFrom, rowsPerChunk.terms) });
    p.beforeTweetChange = (t) => this.#preserve(t);
  }

  /** Whether the base checkpoint's file of this table chunk still holds exactly what it should. */
  reuses(table: TableName, chunk: number): boolean {
    if (table === 'tweets' || table === 'details' || table === 'history') {
      return chunk * this.#rows < this.#tweetCount && !this.#rewrites[table === 'history' ? 'history' : 'tweets'].has(chunk);
    }
    if (table === 'tags') return chunk * this.#tagRows < this.#tagCount && !this.#rewrites.tags.has(chunk);
    if (table === 'terms') return chunk < this.#termsWrittenFrom;
    return table !== 'texts' && !this.#rewrites[table];
  }

  /** Stops copying on write; call once every chunk is taken, or the checkpoint is given up. */
  finish(): void {
    if (this.#p.beforeTweetChange !== undefined) this.#p.beforeTweetChange = undefined;
    this.#pending.clear();
    this.#preserved.clear();
  }

  /**
   * Once the checkpoint named `checkpoint` is durable with `files`: the files read after start-up (details not read
   * yet, stored versions) are read from there from now on. Returns the steps, each bounded work for one event-loop
   * turn, that move the versions its history files now hold out of memory and then put the chunks it wrote back into
   * columns, with the details it wrote (their records go, but for tweets changed since: TweetIndex.fold). Until a
   * chunk's step ran, its tweets keep reading the base's file (which stays until the next checkpoint).
   */
  rebase(checkpoint: string, files: readonly { name: string; table: TableName; chunk?: number; bytes: number; crc: number }[]): (() => void)[] {
    const p = this.#p;
    const refs = new Map<string, CheckpointFileRef>();
    const steps: (() => void)[] = [];
    const histories = new Map<number, CheckpointFileRef>();
    const details = new Map<number, CheckpointFileRef>();
    for (const f of files) {
      if (f.table !== 'details' && f.table !== 'history') continue;
      const k = f.chunk!;
      const linked = this.reuses(f.table, k) ? p.checkpointFiles.get(f.name) : undefined;
      const ref = linked ?? { checkpoint, file: f.name, first: k * this.#rows, bytes: f.bytes, crc: f.crc };
      ref.checkpoint = checkpoint; // a linked file: the same file, now (also) in this checkpoint
      refs.set(f.name, ref);
      (f.table === 'history' ? histories : details).set(k, ref);
      const written = f.table === 'history' ? this.#written.get(k) : undefined;
      if (written) {
        steps.push(() =>
          written.ordinals.forEach((ordinal, i) => {
            const t = p.tweets.historyMoved(ordinal, ref);
            if (t) storeVersions(t, written.counts[i]!, ref);
          }),
        );
      }
    }
    p.checkpointFiles = refs;
    const keep = (ordinal: number) => p.changes.tweets.has(ordinal) || p.pendingViews.has(p.tweets.idAt(ordinal)!);
    for (const [k, chunk] of [...this.#folds].sort(([a], [b]) => a - b)) {
      if (details.has(k)) steps.push(() => void p.tweets.fold(chunk.index.withHistory(histories.get(k) ?? null), chunk.details, this.#rows, keep));
    }
    this.#folds.clear();
    return steps;
  }

  #plan(table: 'users' | 'sessions' | 'media', chunks: unknown[][]): void {
    for (const [k, rows] of chunks.entries()) this.steps.push({ take: async () => [{ table, chunk: k, data: { rows } }] });
  }

  /** The hashtags of the chunks that changed, as they are now (who added to velocity: only those who still count). */
  #planTags(chunks: Set<number>, userOrdinals: Map<string, number>, now: number): void {
    const hashtags = this.#p.hashtags;
    const counted = hashtags.countedSince(now - TAG_AUTHOR_WINDOW_MS);
    for (const k of [...chunks].sort((a, b) => a - b)) {
      const rows: TagRow[] = [];
      for (let o = k * this.#tagRows; o < Math.min((k + 1) * this.#tagRows, this.#tagCount); o++) {
        const { tag, uses, rate } = hashtags.state(o);
        const users = (counted.get(o) ?? []).flatMap(([userId, at]) => [userOrdinals.get(userId)!, at]);
        rows.push([tag, uses, rate?.value ?? null, rate?.at ?? null, users]);
      }
      this.steps.push({ take: async () => [{ table: 'tags', chunk: k, data: { rows } }] });
    }
  }

  #preserve(t: TweetRecord): void {
    if (t.ordinal < this.#tweetCount && this.#pending.has(Math.floor(t.ordinal / this.#rows)) && !this.#preserved.has(t.ordinal)) {
      const takenBack = this.#p.takenBack.get(t.id);
      this.#preserved.set(t.ordinal, {
        tweet: { ...t, likes: t.likes && new Set(t.likes), retweets: t.retweets && new Set(t.retweets), velocity: t.velocity && { ...t.velocity } },
        takenBack: takenBack && { likes: takenBack.likes && new Set(takenBack.likes), retweets: takenBack.retweets && new Set(takenBack.retweets) },
      });
    }
  }

  /**
   * The dictionary's chunks from the one holding term id `from` on, up to the terms the checkpoint holds (`rows` terms
   * each), and `from` for the next checkpoint.
   */
  #takeDictionary(from: number, rows: number): ChunkFile[] {
    const search = this.#p.search;
    const size = this.#termsUsed;
    const files: ChunkFile[] = [];
    this.#termsWrittenFrom = Math.floor(from / rows);
    for (let k = this.#termsWrittenFrom; k * rows < size; k++) files.push({ table: 'terms', chunk: k, data: { rows: search.dictionary(k * rows, Math.min((k + 1) * rows, size)) } });
    this.#p.changes.termsFrom = size;
    return files;
  }

  /** The search columns of chunk `k` (of `n` tweets) in the base's tweets file. */
  async #baseSearch(k: number, n: number): Promise<SearchColumns> {
    const file = (await this.#base!.read('tweets', k)) as TweetIndexColumns;
    if (file.search === undefined || stringCount(file.ids) !== n) throw new Error(`the base checkpoint's tweets file ${k} is not of the same tweets`);
    return file.search;
  }

  /** The synchronous part (up to the first await) takes the chunk as it is at `seq`. */
  async #takeTweets(k: number, read: ReadHistory): Promise<ChunkFile[]> {
    this.#pending.delete(k);
    const p = this.#p;
    const tweets: TweetRecord[] = [];
    const takenBack: (TakenBack | undefined)[] = [];
    const end = Math.min((k + 1) * this.#rows, this.#tweetCount);
    for (let ordinal = k * this.#rows; ordinal < end; ordinal++) {
      const preserved = this.#preserved.get(ordinal);
      const t = preserved?.tweet ?? p.tweets.read(ordinal, false)!; // not kept: a checkpoint reads whole chunks
      tweets.push(t);
      takenBack.push(preserved ? preserved.takenBack : p.takenBack.get(t.id));
      this.#preserved.delete(ordinal);
    }
    const files: ChunkFile[] = [];
    if (this.#rewrites.tweets.has(k)) {
      const fromBase = this.#searchFromBase.has(k);
      const { index, details } = encodeTweets(tweets, takenBack, this.#encoding, !fromBase);
      files.push({ table: 'tweets', chunk: k, data: index }, { table: 'details', chunk: k, data: details });
      // kept in columns (mostly outside the heap) until the checkpoint is durable; its history file is known then
      const cold = new ColdIndex(index, k * this.#rows, undefined, p.userOrder.length);
      cold.replies.set(tweets.map((t) => t.replies));
      this.#folds.set(k, { index: cold, details: new ColdDetails(details, k * this.#rows, tweets.length, (o) => p.userIdAt(o)) });
      if (fromBase) index.search = await this.#baseSearch(k, tweets.length);
    }
    if (this.#rewrites.history.has(k)) {
      const atSeq: HistoryAtSeq[] = tweets.map(({ ordinal, versionCount, storedVersions, history, newVersions }) => ({ ordinal, versionCount, storedVersions, history, newVersions }));
      const edited = atSeq.filter((t) => t.versionCount > 1);
      this.#written.set(k, { ordinals: edited.map((t) => t.ordinal), counts: edited.map((t) => t.versionCount) });
      files.push({ table: 'history', chunk: k, data: await historyChunk(atSeq, read) });
    }
    return files;
  }
}

/** The tweet's first `count` versions are now in `ref`'s file. */
function storeVersions(t: TweetRecord, count: number, ref: CheckpointFileRef): void {
  const moved = count - t.storedVersions;
  t.newVersions = moved >= t.newVersions.length ? NO_VERSIONS : t.newVersions.slice(moved);
  t.storedVersions = count;
  t.history = ref;
}

function chunk<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
