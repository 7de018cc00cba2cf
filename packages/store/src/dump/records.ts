// The dump: a store's whole state as records any engine can write and read, one JSON object per line (NDJSON), so a
// data folder of the embedded engine can move to PostgreSQL by copying state, not by replaying events (the journal
// is cut at checkpoints). Order: the store, then users, sessions, media, tweets in creation order (a reply's parent
// comes before it). Each record is checked by its zod schema; the types below are the rules' plain state
// (rules/state.ts) plus what only the dump needs, and the checks at the end hold the two together.
import { z } from 'zod';
import { mediaIdSchema } from '@tweetstore/core';
import type { TextFacts } from '../events.ts';
import type { EngagementEdges, StoredMedia, StoredTweet, StoredUser, StoredVersion } from '../rules/state.ts';

export const DUMP_FORMAT = 'tweetstore-dump';
export const DUMP_VERSION = 1;

const text = z.string();
const id = z.string().min(1);
/** Epoch ms. */
const time = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

const dumpCounts = z.strictObject({ users: count, sessions: count, media: count, tweets: count, versions: count });

/** The store's identity: the target keeps its storeId and continues after headSeq, so clients' lastEventIds resume or get `reset`. */
const storeRecord = z.strictObject({
  type: z.literal('store'),
  format: z.literal(DUMP_FORMAT),
  version: z.literal(DUMP_VERSION),
  storeId: id,
  headSeq: count,
  /** The engine it was exported from. */
  engine: id,
  exportedAt: time,
  /** How many of each record follow (an import shows progress by them and knows a cut file). */
  counts: dumpCounts,
});

const userRecord = z.strictObject({
  type: z.literal('user'),
  id,
  username: z.string().min(1),
  displayName: text,
  createdAt: time,
  passwordHash: z.string().min(1),
});

/** An open session (expired ones are left out: no engine answers for them). */
const sessionRecord = z.strictObject({ type: z.literal('session'), tokenHash: z.string().min(1), userId: id, expiresAt: time });

const dimension = z.number().int().positive().nullable();
const mediaFile = z.strictObject({ name: z.string().min(1), mime: z.string().min(1), bytes: count, width: dimension, height: dimension });

const mediaRecord = z.strictObject({
  type: z.literal('media'),
  id: mediaIdSchema,
  kind: z.enum(['image', 'video']),
  mime: z.string().min(1),
  bytes: count,
  width: dimension,
  height: dimension,
  files: z.array(mediaFile).min(1),
  placeholder: z.string().nullable(),
  uploadedAt: time,
  /** Every uploader, in upload order, with their alt text ('' for none). */
  owners: z.array(z.strictObject({ userId: id, alt: text })).min(1),
  attached: z.boolean(),
});

const versionBody = z.union([z.strictObject({ keyframe: z.literal(true), content: text }), z.strictObject({ keyframe: z.literal(false), delta: text })]);

/** One version: version 1 whole (a keyframe), each later one a delta against the one before or a keyframe. */
const versionRecord = z.strictObject({
  kind: z.enum(['created', 'edited', 'reverted']),
  at: time,
  contentHash: z.string().min(1),
  mediaIds: z.array(mediaIdSchema),
  body: versionBody,
});

/** A user's engagement with the tweet, kept for every user who gives it now or gave it and took it back. */
const edgeRecord = z.strictObject({ userId: id, liked: z.boolean(), retweeted: z.boolean(), likeTakenBack: z.boolean(), retweetTakenBack: z.boolean() });

const decayedRate = z.strictObject({ value: z.number().nonnegative(), at: time });

const tweetRecord = z.strictObject({
  type: z.literal('tweet'),
  id,
  authorId: id,
  replyToId: id.nullable(),
  state: z.enum(['draft', 'published', 'archived']),
  createdAt: time,
  publishedAt: time.nullable(),
  editedAt: time.nullable(),
  editsSincePublish: count,
  versionCount: z.number().int().positive(),
  content: text,
  contentHash: z.string().min(1),
  weightedLength: count,
  mediaIds: z.array(mediaIdSchema),
  hashtags: z.array(text),
  mentions: z.array(text),
  urls: z.array(text),
  /** The key the author created it with, remembered from creation (createdAt) for IDEMPOTENCY_TTL_MS. */
  idempotencyKey: text.nullable(),
  /** Every version, oldest first: versionCount of them. */
  versions: z.array(versionRecord).min(1),
  /** By user id. Likes and retweets are counted from them. */
  edges: z.array(edgeRecord),
  /** Published replies. */
  replies: count,
  views: count,
  /** Decayed per-minute rates of each kind (core's velocity.ts); null: never engaged. */
  velocity: z.strictObject({ likes: decayedRate, retweets: decayedRate, replies: decayedRate, views: decayedRate }).partial().nullable(),
});

export const dumpRecordSchema = z.discriminatedUnion('type', [storeRecord, userRecord, sessionRecord, mediaRecord, tweetRecord]);

export type DumpCounts = z.infer<typeof dumpCounts>;
export type DumpStore = z.infer<typeof storeRecord>;
export type DumpUser = z.infer<typeof userRecord>;
export type DumpSession = z.infer<typeof sessionRecord>;
export type DumpMedia = z.infer<typeof mediaRecord>;
export type DumpVersion = z.infer<typeof versionRecord>;
export type DumpEdge = z.infer<typeof edgeRecord>;
export type DumpTweet = z.infer<typeof tweetRecord>;
export type DumpRecord = z.infer<typeof dumpRecordSchema>;
export type DumpRecordType = DumpRecord['type'];

/** The order records come in. */
export const dumpRecordOrder: readonly DumpRecordType[] = ['store', 'user', 'session', 'media', 'tweet'];

// A dump record carries every field of the plain state the rules judge: a field added there and not here fails the
// type check.
type Carries<Dump extends Plain, Plain> = Dump;
type _UserCarries = Carries<DumpUser, StoredUser>;
type _TweetCarries = Carries<DumpTweet, StoredTweet & Pick<TextFacts, 'hashtags' | 'mentions' | 'urls'>>;
type _VersionCarries = Carries<DumpVersion, StoredVersion>;
type _MediaCarries = Carries<Omit<DumpMedia, 'owners'>, Omit<StoredMedia, 'owners'>>;
type _EdgeCarries = Carries<DumpEdge, EngagementEdges>;
