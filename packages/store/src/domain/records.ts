// The projection's records: what the store keeps in memory per user, session, tweet and version.
import type { DecayedRate, EngagementCounts, TweetState, VersionBody, VersionKind } from '@tweetstore/core';

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  createdAt: number;
  passwordHash: string;
}

export interface SessionRecord {
  userId: string;
  expiresAt: number;
}

export interface VersionRecord {
  kind: VersionKind;
  at: number;
  contentHash: string;
  mediaIds: readonly string[];
  body: VersionBody;
}

/** The fields a tweet has from the start: what a checkpoint's tweets file holds (tweet-columns.ts). */
export type TweetStart = Pick<TweetRecord, 'id' | 'ordinal' | 'authorId' | 'replyToId' | 'state' | 'createdAt' | 'idempotencyKey' | 'versionCount' | 'history' | 'velocity'>;

/** A record with `start`'s fields and the rest as a new tweet has them, its content still to be set. */
export function tweetRecord(start: TweetStart): TweetRecord {
  const { versionCount } = start;
  return {
    id: start.id,
    ordinal: start.ordinal,
    authorId: start.authorId,
    replyToId: start.replyToId,
    state: start.state,
    createdAt: start.createdAt,
    publishedAt: null,
    editedAt: null,
    editsSincePublish: 0,
    content: '',
    contentHash: '',
    weightedLength: 0,
    facts: '',
    mediaIds: NO_MEDIA,
    idempotencyKey: start.idempotencyKey,
    versionCount,
    storedVersions: versionCount > 1 ? versionCount : 0, // a tweet with more than one version was stored with them
    history: start.history,
    newVersions: NO_VERSIONS,
    likes: null,
    retweets: null,
    replies: 0,
    views: 0,
    pendingViews: 0,
    velocity: start.velocity,
  };
}

/** Shared by every tweet without media / without versions beyond the stored ones (most of them): never mutated. */
export const NO_MEDIA: readonly string[] = Object.freeze([]);
export const NO_VERSIONS: VersionRecord[] = Object.freeze([]) as unknown as VersionRecord[];

export type EngagementKind = keyof EngagementCounts;
export const engagementKinds: readonly EngagementKind[] = ['likes', 'retweets', 'replies', 'views'];

/** Fields derived from the text by parseContent, stored so replay and reads never re-parse. */
export interface TextFacts {
  weightedLength: number;
  hashtags: string[];
  mentions: string[];
  urls: string[];
}

/**
 * A file of a checkpoint that is read after start-up (a details or history file, see snapshot.ts), with the size and
 * CRC-32 its manifest gives; its rows start at the tweet of ordinal `first`. One object per file, shared by its
 * tweets; `checkpoint` moves on when a newer checkpoint links the same file.
 */
export interface CheckpointFileRef {
  checkpoint: string;
  file: string;
  first: number;
  bytes: number;
  crc: number;
}

/**
 * A tweet. One in columns (restored from a checkpoint, or written by one since it last changed) has no record: reads
 * get a copy, and a write makes its record, whole (tweet-index.ts).
 */
export interface TweetRecord {
  id: string;
  /** Position in creation order (tweets are never deleted): decides the checkpoint chunk the tweet lives in. */
  readonly ordinal: number;
  authorId: string;
  replyToId: string | null;
  state: TweetState;
  createdAt: number;
  /** Creation time for tweets created published, publish time for drafts; null while a draft. */
  publishedAt: number | null;
  editedAt: number | null;
  /** Edits and reverts since publishing (edits of a draft are free). */
  editsSincePublish: number;
  content: string;
  contentHash: string;
  weightedLength: number;
  /** hashtags, mentions and urls in one string (see facts.ts): unpacked only for a view. */
  facts: string;
  mediaIds: readonly string[];
  idempotencyKey: string | null;
  /**
   * The history: `versionCount` versions, of which 1..storedVersions are in a checkpoint's history file (read on
   * demand, never held here) and the rest in `newVersions`. A tweet never edited has neither: its one version is
   * the tweet as it is (see versions.ts).
   */
  versionCount: number;
  storedVersions: number;
  history: CheckpointFileRef | null;
  newVersions: VersionRecord[];
  likes: Set<string> | null;
  retweets: Set<string> | null;
  /** Published replies. */
  replies: number;
  /** Durable views (journaled). */
  views: number;
  /** Views counted in memory, not yet journaled. */
  pendingViews: number;
  velocity: Partial<Record<EngagementKind, DecayedRate>> | null;
}
