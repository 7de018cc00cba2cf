// What the rules judge: the plain state of the one tweet, user or media object a command or a read is about, as any
// engine can load it (the embedded engine hands its projection's records, which have these fields and more; a
// database engine loads rows). The rules never see how an engine lays its state out, so they are the same for every
// engine. (core's `TweetState` is the lifecycle letter, draft/published/archived: these are Stored* to tell them apart.)
import type { DecayedRate, EditPolicy, Engagement, EngagementCounts, TweetState, VersionBody, VersionKind } from '@tweetstore/core';
import type { MediaFacts } from '../events.ts';

export interface StoredUser {
  id: string;
  username: string;
  displayName: string;
  /** Epoch ms. */
  createdAt: number;
}

export interface StoredTweet {
  id: string;
  authorId: string;
  replyToId: string | null;
  state: TweetState;
  createdAt: number;
  /** Creation time for tweets created published, publish time for drafts; null while a draft. */
  publishedAt: number | null;
  editedAt: number | null;
  /** Edits and reverts since publishing (edits of a draft are free). */
  editsSincePublish: number;
  /** How many versions it has: the current version's number. */
  versionCount: number;
  /** The current version's text, its hash, weighted length and media. */
  content: string;
  contentHash: string;
  weightedLength: number;
  mediaIds: readonly string[];
}

/** One version of a tweet's history: version 1 whole, each later one a delta or keyframe (core's versionBody). */
export interface StoredVersion {
  kind: VersionKind;
  at: number;
  contentHash: string;
  mediaIds: readonly string[];
  body: VersionBody;
}

/** A media object, shared by everyone who uploaded the same bytes. */
export interface StoredMedia extends MediaFacts {
  /** sha256 hex of the upload */
  id: string;
  /** The last upload's time (epoch ms). */
  uploadedAt: number;
  /** uploader id -> their alt text ('' for none) */
  owners: ReadonlyMap<string, string>;
  /** Some version of some tweet carried it (for good: history shows it). */
  attached: boolean;
}

/** Media by id, as far as they are stored (a Map is one). */
export interface MediaLookup {
  get(id: string): StoredMedia | undefined;
}

/** A tweet's engagement as one viewer sees it, with its velocity still as decayed rates. */
export type EngagementState = Omit<Engagement, 'velocity'> & {
  velocity: Partial<Record<keyof EngagementCounts, DecayedRate>> | null;
};

/** One user's engagement with one tweet: what they give now, and what they gave and took back before. */
export interface EngagementEdges {
  liked: boolean;
  retweeted: boolean;
  /** Velocity counts a user once per tweet and kind: a like taken back and given again adds nothing to it. */
  likeTakenBack: boolean;
  retweetTakenBack: boolean;
}

/** What an idempotency key (per author) was last used for. */
export interface RememberedKey {
  tweetId: string;
  /** When the tweet was created (epoch ms). */
  at: number;
}

/** The time, the engine's edit policy and version keyframes, and its id source: what a decision needs besides state. */
export interface RuleContext {
  now: number;
  policy: EditPolicy;
  keyframeInterval: number;
  newId: () => string;
}
