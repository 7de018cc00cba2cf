// The projection's records: what the store keeps in memory per user, session, tweet and version. Each has the fields
// of the plain state the rules judge (rules/state.ts), so the engine hands its records to the rules as they are.
import type { DecayedRate, EngagementCounts } from '@tweetstore/core';
import type { StoredTweet, StoredUser, StoredVersion } from '@tweetstore/store';

export interface UserRecord extends StoredUser {
  passwordHash: string;
}

export interface SessionRecord {
  userId: string;
  expiresAt: number;
}

export type VersionRecord = StoredVersion;

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

/** The users who took back a like or a retweet of one tweet, by kind (a kind none took back has no set). */
export type TakenBack = Partial<Record<'likes' | 'retweets', Set<string>>>;
export type TakenBackKind = keyof TakenBack;

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
export interface TweetRecord extends StoredTweet {
  /** Position in creation order (tweets are never deleted): decides the checkpoint chunk the tweet lives in. */
  readonly ordinal: number;
  /** hashtags, mentions and urls in one string (see facts.ts): unpacked only for a view. */
  facts: string;
  idempotencyKey: string | null;
  /**
   * The history: `versionCount` versions, of which 1..storedVersions are in a checkpoint's history file (read on
   * demand, never held here) and the rest in `newVersions`. A tweet never edited has neither: its one version is
   * the tweet as it is (see versions.ts).
   */
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
