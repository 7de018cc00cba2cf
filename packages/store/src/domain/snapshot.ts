// A checkpoint's content: the projection at one seq as plain rows in tables, each table cut into chunks so no one
// file holds the whole store. Capture is synchronous (one consistent seq); the rows share no mutable state with the
// projection, so they can be serialised later while events go on. Texts are stored once per hash; keyframes and
// current contents refer to them. Reply counts, text references and the indexes are derived again on restore.
import type { DecayedRate, TweetState, VersionKind } from '@tweetstore/core';
import { IDEMPOTENCY_TTL_MS, Projection } from './projection.ts';
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
  texts: TextRow[];
  tweets: TweetRow[];
}
export type TableName = keyof SnapshotTables;
export const tableNames: readonly TableName[] = ['users', 'sessions', 'texts', 'tweets'];

export interface Snapshot {
  seq: number;
  /** Each table as chunks of rows (tweets in id order). */
  tables: { [K in TableName]: SnapshotTables[K][] };
}

export function captureSnapshot(p: Projection, now: number, rowsPerChunk: Record<TableName, number>): Snapshot {
  const users = [...p.users.values()].map((u) => ({ ...u }));
  const sessions: SessionRow[] = [];
  for (const [hash, s] of p.sessions) if (s.expiresAt > now) sessions.push([hash, s.userId, s.expiresAt]);
  const texts: TextRow[] = [...p.texts.entries()];
  const tweets = [...p.tweets.values()].map(tweetRow); // insertion order = id order
  return {
    seq: p.seq,
    tables: {
      users: chunk(users, rowsPerChunk.users),
      sessions: chunk(sessions, rowsPerChunk.sessions),
      texts: chunk(texts, rowsPerChunk.texts),
      tweets: chunk(tweets, rowsPerChunk.tweets),
    },
  };
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
  const texts = new Map(s.tables.texts.flat());
  const textOf = (hash: string) => {
    const text = texts.get(hash);
    if (text === undefined) throw new Error(`checkpoint has no text for ${hash}`);
    return p.texts.ref(hash, text);
  };
  for (const chunk of s.tables.tweets) {
    for (const row of chunk) {
      const t: TweetRecord = {
        id: row.id,
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
  return p;
}

function chunk<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
