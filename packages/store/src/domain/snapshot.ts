// A checkpoint's content: the projection at one seq as plain rows in tables, each table cut into chunks so no one
// file holds the whole store. Capture is synchronous (one consistent seq); the rows share no mutable state with the
// projection, so they can be serialised later while events go on. Texts are stored once per hash; keyframes and
// current contents refer to them. Reply counts, text references and the indexes are derived again on restore.
import type { DecayedRate, TweetState, VersionKind } from '@tweetstore/core';
import { ChangeSet, IDEMPOTENCY_TTL_MS, Projection } from './projection.ts';
import type { EngagementKind, TweetRecord } from './records.ts';

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  createdAt: number;
  passwordHash: string;
}
export type SessionRow = [tokenHash: string, userId: string, expiresAt: number];
export type TextRow = [hash: string, text: string];
/** A keyframe has no `delta`: its text is texts[hash]. */
export interface VersionRow {
  kind: VersionKind;
  at: number;
  hash: string;
  mediaIds: string[];
  delta?: string;
}
export interface TweetRow {
  id: string;
  authorId: string;
  replyToId: string | null;
  state: TweetState;
  createdAt: number;
  publishedAt: number | null;
  editedAt: number | null;
  editsSincePublish: number;
  hash: string;
  weightedLength: number;
  hashtags: string[];
  mentions: string[];
  urls: string[];
  mediaIds: string[];
  idempotencyKey: string | null;
  versions: VersionRow[];
  likes: string[];
  retweets: string[];
  views: number;
  velocity: Partial<Record<EngagementKind, DecayedRate>>;
}

export interface SnapshotTables {
  users: UserRow[];
  sessions: SessionRow[];
  /** Only in checkpoints of format 1; since then each tweets chunk holds the texts its rows refer to. */
  texts: TextRow[];
  tweets: TweetRow[];
}
export type TableName = keyof SnapshotTables;
export const tableNames: readonly TableName[] = ['users', 'sessions', 'texts', 'tweets'];

/** What one checkpoint file holds. */
export interface ChunkData<R = unknown> {
  rows: R[];
  /** tweets chunks: the texts of the rows' contents and keyframes, each once. */
  texts?: TextRow[];
}

export interface Snapshot {
  seq: number;
  /** Each table as chunks of rows (tweets in creation order). */
  tables: { [K in TableName]: SnapshotTables[K][] };
}

export type ChunkRows = Record<TableName, number>;

/** One file of a checkpoint to be written: `take` captures its rows (synchronously, a bounded amount of work). */
export interface PlannedChunk {
  table: TableName;
  chunk: number;
  take(): ChunkData;
}

/**
 * A checkpoint at one seq, captured a chunk at a time while events go on: a tweet of a chunk not yet taken is
 * copied just before an event changes it (copy-on-write), so every chunk shows the state at `seq`. Only chunks with
 * changes since the base checkpoint are planned; the rest are the base's files, reused as they are.
 */
export class CheckpointCapture {
  readonly seq: number;
  readonly chunks: PlannedChunk[] = [];
  readonly #p: Projection;
  readonly #rows: number;
  readonly #tweetCount: number;
  readonly #pending = new Set<number>();
  readonly #preserved = new Map<number, CapturedTweet>();
  readonly #rewrites: { users: boolean; sessions: boolean; tweets: Set<number> };

  /** `base` says whether the checkpoint the projection's changes are counted from has a file; null: write all. */
  constructor(p: Projection, now: number, rowsPerChunk: ChunkRows, base: { has(table: TableName, chunk: number): boolean } | null) {
    this.#p = p;
    this.seq = p.seq;
    this.#rows = rowsPerChunk.tweets;
    this.#tweetCount = p.tweetOrder.length;
    const changes = p.changes;
    p.changes = new ChangeSet();
    const chunkCount = Math.ceil(this.#tweetCount / this.#rows);
    const tweets = new Set<number>();
    if (base === null) for (let k = 0; k < chunkCount; k++) tweets.add(k);
    else {
      for (const ordinal of changes.tweets) if (ordinal < this.#tweetCount) tweets.add(Math.floor(ordinal / this.#rows));
      for (let k = 0; k < chunkCount; k++) if (!base.has('tweets', k)) tweets.add(k);
    }
    this.#rewrites = { users: base === null || changes.users, sessions: base === null || changes.sessions, tweets };
    if (this.#rewrites.users) {
      const users = [...p.users.values()].map((u) => ({ ...u }));
      this.#plan('users', chunk(users, rowsPerChunk.users));
    }
    if (this.#rewrites.sessions) {
      const sessions: SessionRow[] = [];
      for (const [hash, s] of p.sessions) if (s.expiresAt > now) sessions.push([hash, s.userId, s.expiresAt]);
      this.#plan('sessions', chunk(sessions, rowsPerChunk.sessions));
    }
    for (const k of [...tweets].sort((a, b) => a - b)) {
      this.#pending.add(k);
      this.chunks.push({ table: 'tweets', chunk: k, take: () => this.#takeTweets(k) });
    }
    p.beforeTweetChange = (t) => this.#preserve(t);
  }

  /** Whether the base checkpoint's file of this table chunk still holds exactly what it should. */
  reuses(table: TableName, chunk: number): boolean {
    if (table === 'tweets') return chunk * this.#rows < this.#tweetCount && !this.#rewrites.tweets.has(chunk);
    return table !== 'texts' && !this.#rewrites[table];
  }

  /** Stops copying on write; call once every chunk is taken, or the checkpoint is given up. */
  finish(): void {
    if (this.#p.beforeTweetChange !== undefined) this.#p.beforeTweetChange = undefined;
    this.#pending.clear();
    this.#preserved.clear();
  }

  #plan(table: 'users' | 'sessions', chunks: unknown[][]): void {
    for (const [k, rows] of chunks.entries()) this.chunks.push({ table, chunk: k, take: () => ({ rows }) });
  }

  #preserve(t: TweetRecord): void {
    if (t.ordinal < this.#tweetCount && this.#pending.has(Math.floor(t.ordinal / this.#rows)) && !this.#preserved.has(t.ordinal)) {
      this.#preserved.set(t.ordinal, captureTweet(t));
    }
  }

  #takeTweets(k: number): ChunkData<TweetRow> {
    this.#pending.delete(k);
    const rows: TweetRow[] = [];
    const texts = new Map<string, string>();
    const end = Math.min((k + 1) * this.#rows, this.#tweetCount);
    for (let ordinal = k * this.#rows; ordinal < end; ordinal++) {
      const captured = this.#preserved.get(ordinal) ?? captureTweet(this.#p.tweetOrder[ordinal]!);
      this.#preserved.delete(ordinal);
      rows.push(captured.row);
      for (const [hash, text] of captured.texts) texts.set(hash, text);
    }
    return { rows, texts: [...texts] };
  }
}

interface CapturedTweet {
  row: TweetRow;
  texts: TextRow[];
}

/** The row and the texts it refers to (from the record itself: the text table may drop them before the chunk is taken). */
function captureTweet(t: TweetRecord): CapturedTweet {
  const texts: TextRow[] = [[t.contentHash, t.content]];
  for (const v of t.versions) if (v.body.keyframe && v.contentHash !== t.contentHash) texts.push([v.contentHash, v.body.content]);
  return { row: tweetRow(t), texts };
}

function tweetRow(t: TweetRecord): TweetRow {
  return {
    id: t.id,
    authorId: t.authorId,
    replyToId: t.replyToId,
    state: t.state,
    createdAt: t.createdAt,
    publishedAt: t.publishedAt,
    editedAt: t.editedAt,
    editsSincePublish: t.editsSincePublish,
    hash: t.contentHash,
    weightedLength: t.weightedLength,
    hashtags: t.hashtags,
    mentions: t.mentions,
    urls: t.urls,
    mediaIds: t.mediaIds,
    idempotencyKey: t.idempotencyKey,
    versions: t.versions.map((v) => ({ kind: v.kind, at: v.at, hash: v.contentHash, mediaIds: v.mediaIds, ...(v.body.keyframe ? {} : { delta: v.body.delta }) })),
    likes: t.likes ? [...t.likes] : [],
    retweets: t.retweets ? [...t.retweets] : [],
    views: t.views,
    velocity: { ...t.velocity },
  };
}

/** Rebuilds the projection; throws if the rows do not hold together (a text missing for a hash, say). */
export function restoreSnapshot(s: Snapshot, now: number): Projection {
  const p = new Projection();
  p.seq = s.seq;
  for (const u of s.tables.users.flat()) {
    p.users.set(u.id, { ...u });
    p.userIdsByName.set(u.username.toLowerCase(), u.id);
  }
  for (const [hash, userId, expiresAt] of s.tables.sessions.flat()) if (expiresAt > now) p.sessions.set(hash, { userId, expiresAt });
  const texts = new Map<string, string>();
  for (const rows of s.tables.texts) for (const [hash, text] of rows) texts.set(hash, text);
  const textOf = (hash: string) => {
    const text = texts.get(hash);
    if (text === undefined) throw new Error(`checkpoint has no text for ${hash}`);
    return p.texts.ref(hash, text);
  };
  for (const chunk of s.tables.tweets) {
    for (const row of chunk) {
      const t: TweetRecord = {
        id: row.id,
        ordinal: p.tweetOrder.length,
        authorId: row.authorId,
        replyToId: row.replyToId,
        state: row.state,
        createdAt: row.createdAt,
        publishedAt: row.publishedAt,
        editedAt: row.editedAt,
        editsSincePublish: row.editsSincePublish,
        content: textOf(row.hash),
        contentHash: row.hash,
        weightedLength: row.weightedLength,
        hashtags: row.hashtags,
        mentions: row.mentions,
        urls: row.urls,
        mediaIds: row.mediaIds,
        idempotencyKey: row.idempotencyKey,
        versions: row.versions.map((v) => ({
          kind: v.kind,
          at: v.at,
          contentHash: v.hash,
          mediaIds: v.mediaIds,
          body: v.delta === undefined ? { keyframe: true, content: textOf(v.hash) } : { keyframe: false, delta: v.delta },
        })),
        likes: row.likes.length ? new Set(row.likes) : null,
        retweets: row.retweets.length ? new Set(row.retweets) : null,
        replies: 0,
        views: row.views,
        pendingViews: 0,
        velocity: row.velocity,
      };
      p.addTweet(t);
      p.versionCount += t.versions.length;
      if (t.idempotencyKey !== null && t.createdAt + IDEMPOTENCY_TTL_MS > now) p.rememberIdempotencyKey(t);
      p.noteVelocity(t, now);
    }
  }
  for (const t of p.tweets.values()) {
    const parent = t.replyToId !== null && t.state === 'published' ? p.tweets.get(t.replyToId) : undefined;
    if (parent) parent.replies++;
  }
  p.changes = new ChangeSet(); // the state is the checkpoint's
  return p;
}

function chunk<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
