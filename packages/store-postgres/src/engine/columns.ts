// The rows the engine writes, built in one place from the plain state: apply.ts inserts them one event at a time, the
// import (../import) a dump's state in batches, so both write the same columns with the same values. A row goes in
// as JSON through jsonb_populate_recordset over the table's own row type: the schema is the one list of column types,
// and a column these builders leave out is a type error here, not a default there.
import { velocityLevelOf, type MediaFacts, type TextFacts, type StoredTweet, type StoredUser, type StoredVersion } from '@tweetstore/store';
import type { Queries } from './connect.ts';
import type { Velocity } from './rows.ts';

export interface UserColumns {
  id: string;
  username: string;
  username_lower: string;
  display_name: string;
  password_hash: string;
  created_at: number;
}

export interface SessionColumns {
  token_hash: string;
  user_id: string;
  expires_at: number;
}

export interface MediaColumns {
  id: string;
  kind: MediaFacts['kind'];
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  files: MediaFacts['files'];
  placeholder: string | null;
  uploaded_at: number;
  attached: boolean;
}

export interface MediaOwnerColumns {
  media_id: string;
  user_id: string;
  alt: string;
}

export interface MediaShownColumns {
  media_id: string;
  tweet_id: string;
}

export interface VelocityColumns {
  velocity: Velocity | null;
  /** null (no rates) keeps the tweet out of the ranking's index */
  velocity_level: number | null;
}

export interface TweetColumns extends VelocityColumns {
  id: string;
  author_id: string;
  reply_to_id: string | null;
  state: StoredTweet['state'];
  created_at: number;
  published_at: number | null;
  edited_at: number | null;
  edits_since_publish: number;
  version_count: number;
  content: string;
  content_hash: string;
  weighted_length: number;
  hashtags: string[];
  mentions: string[];
  urls: string[];
  media_ids: readonly string[];
  likes: number;
  retweets: number;
  replies: number;
  views: number;
}

export interface VersionColumns {
  tweet_id: string;
  version: number;
  kind: StoredVersion['kind'];
  at: number;
  content_hash: string;
  media_ids: readonly string[];
  body: StoredVersion['body'];
}

export type EngagementKind = 'likes' | 'retweets';

export interface EngagementColumns {
  tweet_id: string;
  user_id: string;
  kind: EngagementKind;
  active: boolean;
  taken_back: boolean;
}

export interface IdempotencyKeyColumns {
  author_id: string;
  key: string;
  tweet_id: string;
  at: number;
}

/** A published tweet's current terms: a tsvector literal (engine/search.ts). */
export interface TweetTermsColumns {
  tweet_id: string;
  terms: string;
}

/** A hashtag (tagKey) of a published tweet's current version. */
export interface TweetTagColumns {
  tag: string;
  tweet_id: string;
}

/** When the author last counted for the tag's velocity. */
export interface TagAuthorColumns {
  tag: string;
  author_id: string;
  counted_at: number;
}

/** Each table the builders fill, and its row. */
export interface Tables {
  users: UserColumns;
  sessions: SessionColumns;
  media: MediaColumns;
  media_owners: MediaOwnerColumns;
  media_shown: MediaShownColumns;
  tweets: TweetColumns;
  versions: VersionColumns;
  engagements: EngagementColumns;
  idempotency_keys: IdempotencyKeyColumns;
  tweet_terms: TweetTermsColumns;
  tweet_tags: TweetTagColumns;
  tag_authors: TagAuthorColumns;
}

/** `insert` of these rows into `table` (one statement, one JSON parameter, whatever the number of rows). */
export function insertRows<T extends keyof Tables>(sql: Queries, table: T, rows: readonly Tables[T][]) {
  return sql`insert into ${sql(table)} select * from jsonb_populate_recordset(null::${sql(table)}, ${sql.json(rows as never)})`;
}

export function userColumns(u: StoredUser & { passwordHash: string }): UserColumns {
  // lower-cased as JavaScript does it: the embedded engine's comparison of usernames
  return { id: u.id, username: u.username, username_lower: u.username.toLowerCase(), display_name: u.displayName, password_hash: u.passwordHash, created_at: u.createdAt };
}

export function sessionColumns(tokenHash: string, userId: string, expiresAt: number): SessionColumns {
  return { token_hash: tokenHash, user_id: userId, expires_at: expiresAt };
}

export function mediaColumns(m: MediaFacts & { id: string; uploadedAt: number; attached: boolean }): MediaColumns {
  return { id: m.id, kind: m.kind, mime: m.mime, bytes: m.bytes, width: m.width, height: m.height, files: m.files, placeholder: m.placeholder, uploaded_at: m.uploadedAt, attached: m.attached };
}

export function velocityColumns(v: Velocity | null): VelocityColumns {
  const level = velocityLevelOf(v);
  return { velocity: v, velocity_level: level === -Infinity ? null : level };
}

/** The tweet's row: its state, its current text's facts, its counters and rates. */
export function tweetColumns(
  t: StoredTweet & Pick<TextFacts, 'hashtags' | 'mentions' | 'urls'> & { likes: number; retweets: number; replies: number; views: number; velocity: Velocity | null },
): TweetColumns {
  return {
    id: t.id,
    author_id: t.authorId,
    reply_to_id: t.replyToId,
    state: t.state,
    created_at: t.createdAt,
    published_at: t.publishedAt,
    edited_at: t.editedAt,
    edits_since_publish: t.editsSincePublish,
    version_count: t.versionCount,
    content: t.content,
    content_hash: t.contentHash,
    weighted_length: t.weightedLength,
    hashtags: t.hashtags,
    mentions: t.mentions,
    urls: t.urls,
    media_ids: t.mediaIds,
    likes: t.likes,
    retweets: t.retweets,
    replies: t.replies,
    views: t.views,
    ...velocityColumns(t.velocity),
  };
}

/** Version `version` of the tweet: version 1 and keyframes whole, the others the delta on the one before. */
export function versionColumns(tweetId: string, version: number, v: StoredVersion): VersionColumns {
  const body = v.body.keyframe ? { keyframe: true as const, content: v.body.content } : { keyframe: false as const, delta: v.body.delta };
  return { tweet_id: tweetId, version, kind: v.kind, at: v.at, content_hash: v.contentHash, media_ids: v.mediaIds, body };
}

/** A user's like or retweet of the tweet: whether it is given now, and whether it was taken back before. */
export function engagementColumn(tweetId: string, userId: string, kind: EngagementKind, active: boolean, takenBack: boolean): EngagementColumns {
  return { tweet_id: tweetId, user_id: userId, kind, active, taken_back: takenBack };
}
