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
  mediaIds: string[];
  body: VersionBody;
}

export type EngagementKind = keyof EngagementCounts;
export const engagementKinds: readonly EngagementKind[] = ['likes', 'retweets', 'replies', 'views'];

/** Fields derived from the text by parseContent, stored so replay and reads never re-parse. */
export interface TextFacts {
  weightedLength: number;
  hashtags: string[];
  mentions: string[];
  urls: string[];
}

export interface TweetRecord extends TextFacts {
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
  mediaIds: string[];
  idempotencyKey: string | null;
  versions: VersionRecord[];
  likes: Set<string> | null;
  retweets: Set<string> | null;
  /** Published replies. */
  replies: number;
  /** Durable views (journaled). */
  views: number;
  /** Views counted in memory, not yet journaled. */
  pendingViews: number;
  velocity: Partial<Record<EngagementKind, DecayedRate>>;
}
