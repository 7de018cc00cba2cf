// The store port: the one interface the API depends on, in domain words. Every engine implements it
// and passes the contract suite in ./contract. Methods throw DomainError subclasses from @tweetstore/core
// (NotFound, VersionConflict, PreconditionFailed, UsernameTaken, StorageUnavailable, InvalidInput).
// Authorisation (who may edit what) is the API's job; the store trusts `actorId`/`viewerId`. What a viewer may see
// follows one engine-neutral rule set (rules/visibility.ts), which reads given a `viewerId` apply.
import type { EngageAction, Engagement, Media, ParsedContent, Tweet, TweetVersion, User } from '@tweetstore/core';
import type { MediaAccess } from './rules/visibility.ts';
import type { MediaFacts, StoreEvent } from './events.ts';
import type { SearchQuery } from './search/query.ts';

export interface RegisterUser {
  username: string;
  displayName: string;
  /** Already hashed by the caller (scrypt); the store never sees a password. */
  passwordHash: string;
}

export interface Credentials {
  user: User;
  passwordHash: string;
}

export interface Session {
  userId: string;
  expiresAt: Date;
}

export interface CreateTweet {
  authorId: string;
  /** Validated, NFC-normalised content with its derived fields (core's parseContent). */
  text: ParsedContent;
  replyToId?: string | null;
  draft?: boolean;
  idempotencyKey?: string | null;
  mediaIds?: string[];
}

export interface EditTweet {
  id: string;
  actorId: string;
  text: ParsedContent;
  /** undefined = keep the current media */
  mediaIds?: string[];
  expectedVersion?: number;
}

export interface RevertTweet {
  id: string;
  actorId: string;
  toVersion: number;
  expectedVersion?: number;
}

export type Transition = 'publish' | 'archive' | 'restore';

export interface TransitionTweet {
  id: string;
  actorId: string;
  to: Transition;
}

export interface ListTweets {
  viewerId: string | null;
  /** Only tweets with an id strictly smaller than this (ids sort by creation, so this pages newest first). */
  beforeId?: string;
  limit: number;
  authorId?: string;
  replyToId?: string;
  /** Include the viewer's own archived tweets. Others' archived tweets are never listed. */
  includeArchived?: boolean;
  /** Only published tweets whose current version carries this hashtag (a tagKey: lower case, without `#`). */
  hashtag?: string;
}

export interface TweetPage {
  items: Tweet[];
  /** Pass as beforeId for the next page; null when there is no more. */
  nextBeforeId: string | null;
}

export interface SearchTweets {
  viewerId: string | null;
  /** Parsed by parseSearchQuery. */
  query: SearchQuery;
  /** latest: newest first, paged by `beforeId`; top: by topScore among the newest TOP_WINDOW matches, paged by `offset`. */
  sort: 'latest' | 'top';
  beforeId?: string;
  offset?: number;
  limit: number;
}

export interface SearchPage {
  /** Published tweets only (never a draft or an archived tweet, not even to its author). */
  items: Tweet[];
  /** latest: the next page's beforeId; top: its offset; null when there is no more. */
  next: { beforeId: string } | { offset: number } | null;
}

export interface HashtagTrend {
  /** tagKey: lower case, without `#` */
  tag: string;
  /** Published tweets whose current version carries it. */
  uses: number;
  /** Decayed counted uses per minute (each author once per tag per TAG_AUTHOR_WINDOW_MS). */
  velocity: number;
}

export interface ThreadQuery {
  id: string;
  viewerId: string | null;
  /** Only replies with an id strictly greater than this (ids sort by creation, so this pages oldest first). */
  afterId?: string;
  limit: number;
}

export interface Thread {
  /** The tweet's ancestors the viewer may see, root first; the others are left out. */
  ancestors: Tweet[];
  tweet: Tweet;
  /** Direct replies the viewer may see (its own drafts and archived ones too), oldest first. */
  replies: Tweet[];
  /** Pass as afterId for the next page of replies; null when there is no more. */
  nextAfterId: string | null;
}

export interface Engage {
  id: string;
  userId: string;
  action: EngageAction;
}

export interface RecordMedia extends MediaFacts {
  /** sha256 hex of the uploaded bytes */
  id: string;
  /** the uploader; several users may upload the same bytes, each an owner with their own alt text */
  userId: string;
  /** null: keep what this uploader said before (none for a first upload) */
  alt: string | null;
}

export interface VelocityEntry {
  tweetId: string;
  /** Sum of the decayed per-minute rates of all kinds. */
  score: number;
}

/** Counts every engine has, and the engine's own figures by name. */
export interface StoreStats {
  engine: string;
  users: number;
  tweets: number;
  versions: number;
  sessions: number;
  /** Uploaded media objects (attached or not). */
  media: number;
  headSeq: number;
  /** The oldest seq after which events.after(...) can still answer (retention). */
  oldestRetainedSeq: number;
  /**
   * Figures of this engine alone, by name (the embedded engine: journalBytes, checkpointBytes, checkpointSeq,
   * tweetsInColumns). A name ending in `Bytes` is a size in bytes; shown as they are by the dashboard, /metrics, the CLI.
   */
  details: Record<string, number>;
}

/** 'gone': the store no longer holds every event after the asked seq (or never had them). */
export type EventsAfter = StoreEvent[] | 'gone';

/**
 * The store's durable event stream. A live stream subscribes first, then reads the head, then drops what it was given
 * at or below it: every event after the head then reaches it, once, in order.
 */
export interface EventFeed {
  /**
   * seq of the newest durable event this feed has given its subscribers (0 when none): every later event reaches a
   * listener subscribed before this was read.
   */
  head(): Promise<number>;
  /** Durable events with seq > afterSeq, oldest first, at most `limit`. */
  after(afterSeq: number, limit: number): Promise<EventsAfter>;
  /** Called once per durable event, in seq order, after it is durable. Returns unsubscribe. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
}

export interface TweetStore {
  readonly engine: string;
  /** Random identity of this store's event stream, fixed at creation; lets clients detect a different store. */
  readonly storeId: string;

  registerUser(cmd: RegisterUser): Promise<User>;
  getUser(id: string): Promise<User | null>;
  /** Case-insensitive lookup. */
  findCredentials(username: string): Promise<Credentials | null>;

  openSession(tokenHash: string, session: Session): Promise<void>;
  /** null when unknown, closed or expired. */
  findSession(tokenHash: string): Promise<Session | null>;
  closeSession(tokenHash: string): Promise<void>;

  createTweet(cmd: CreateTweet): Promise<Tweet>;
  /** null when absent, or not visible to the viewer (others' drafts and archived tweets). */
  getTweet(id: string, viewerId: string | null): Promise<Tweet | null>;
  listTweets(query: ListTweets): Promise<TweetPage>;
  /** The conversation around a tweet. Throws NotFound for an unknown id and for a tweet the viewer may not see. */
  getThread(query: ThreadQuery): Promise<Thread>;
  editTweet(cmd: EditTweet): Promise<Tweet>;
  revertTweet(cmd: RevertTweet): Promise<Tweet>;
  transitionTweet(cmd: TransitionTweet): Promise<Tweet>;
  /**
   * Oldest first, each with its full content: the versions the viewer may see (its author every one, anyone else a
   * published tweet's versions from the one it was published at), numbered as they are. Throws NotFound for an
   * unknown id and for a tweet the viewer may not see.
   */
  listVersions(id: string, viewerId: string | null): Promise<TweetVersion[]>;
  engage(cmd: Engage): Promise<Engagement>;
  /** Throws NotFound for an unknown id and for a tweet the viewer may not see. */
  getEngagement(id: string, viewerId: string | null): Promise<Engagement>;
  /** The published tweets engaged fastest now, at most `limit` (and at most 100), fastest first. */
  topByVelocity(limit: number): Promise<VelocityEntry[]>;
  /** Published tweets matching the query, by its sort (see SearchTweets). */
  searchTweets(query: SearchTweets): Promise<SearchPage>;
  /**
   * The hashtags used fastest now, at most `limit` (and at most TRENDING_TAGS), fastest first (ties: the larger uses,
   * then the tag): only tags that published tweets carry now (uses > 0) and at TAG_MIN_RATE or more.
   */
  trendingHashtags(limit: number): Promise<HashtagTrend[]>;

  /**
   * Records an upload whose files are already stored. Idempotent: the same bytes uploaded again by the same user
   * change nothing but, when given, the alt text. Returns the media as the uploader sees it.
   */
  recordMedia(cmd: RecordMedia): Promise<Media>;
  /**
   * Records the user as an uploader of media already stored (the same bytes uploaded before, by anyone), with their
   * alt text when given; null when no such media is stored, so the caller processes the upload and records it.
   */
  claimMedia(id: string, userId: string, alt: string | null): Promise<Media | null>;
  /**
   * null for an unknown (or removed) id, whoever may fetch it (ask mediaAccess). `viewerId`: whose alt text to show
   * (an uploader's own), if any.
   */
  getMedia(id: string, viewerId: string | null): Promise<Media | null>;
  /**
   * 'public' while a version anyone may see (of a published tweet, from the version it was published at) carries it;
   * else 'uploader' when the viewer uploaded it; else null, as for an unknown id.
   */
  mediaAccess(id: string, viewerId: string | null): Promise<MediaAccess>;
  /** Sets the uploader's alt text; NotFound when the user is not an uploader of it. */
  setMediaAlt(id: string, userId: string, alt: string): Promise<Media>;
  /**
   * Removes media no tweet version carries that nobody uploaded since `uploadedBefore` (epoch ms), at most `limit`,
   * oldest first, and returns their ids (whose files the caller then deletes). Attached media are never removed.
   */
  sweepMedia(uploadedBefore: number, limit: number): Promise<string[]>;

  /** Every change, as durable events with gap-free seqs. */
  readonly events: EventFeed;

  stats(): Promise<StoreStats>;
  /** Whether writes are currently accepted (false after a storage failure until it recovers). */
  writable(): Promise<boolean>;
  /** Flush pending views, write a checkpoint, close files. */
  close(): Promise<void>;
}
