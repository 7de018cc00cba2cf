// The events of the event-sourced store. Every state change is one event with a global, gap-free seq.
import type { VersionBody, VersionKind } from '@tweetstore/core';

/** Derived from the text by parseContent when the event was made, so replay never re-parses. */
export interface TextFacts {
  weightedLength: number;
  hashtags: string[];
  mentions: string[];
  urls: string[];
}

interface Base {
  seq: number;
  /** Epoch ms, from the store's injected clock. */
  at: number;
}

export type StoreEvent = Base &
  (
    | { type: 'UserRegistered'; userId: string; username: string; displayName: string; passwordHash: string }
    | { type: 'SessionOpened'; tokenHash: string; userId: string; expiresAt: number }
    | { type: 'SessionClosed'; tokenHash: string }
    | (TextFacts & {
        type: 'TweetCreated';
        tweetId: string;
        authorId: string;
        content: string;
        contentHash: string;
        replyToId: string | null;
        state: 'draft' | 'published';
        idempotencyKey: string | null;
        mediaIds: string[];
      })
    | (TextFacts & {
        type: 'TweetEdited' | 'TweetReverted';
        tweetId: string;
        authorId: string;
        version: number;
        kind: VersionKind;
        /** For TweetReverted: the version whose content was restored. */
        toVersion?: number;
        contentHash: string;
        body: VersionBody;
        mediaIds: string[];
      })
    | { type: 'TweetPublished' | 'TweetArchived' | 'TweetRestored'; tweetId: string; authorId: string }
    | {
        type: 'Liked' | 'Unliked' | 'Retweeted' | 'Unretweeted';
        tweetId: string;
        userId: string;
        /** false: a like or retweet its user had taken back before, which velocity does not count again. */
        velocity?: false;
      }
    | { type: 'ViewsCounted'; tweetId: string; n: number }
    | ({ type: 'MediaUploaded'; mediaId: string; userId: string; alt: string } & MediaFacts)
    | { type: 'MediaAltSet'; mediaId: string; userId: string; alt: string }
    | { type: 'MediaRemoved'; mediaId: string }
  );

/** A stored file of a media object: `original` first, then its variants. */
export interface MediaFile {
  name: string;
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
}

/** What processing found out about an upload (the same for every uploader of the same bytes). */
export interface MediaFacts {
  kind: 'image' | 'video';
  /** the upload's type, sniffed from its bytes */
  mime: string;
  /** size of the upload */
  bytes: number;
  width: number | null;
  height: number | null;
  files: MediaFile[];
  placeholder: string | null;
}

export type StoreEventType = StoreEvent['type'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before the store gives it its seq and time: what a rule decides. */
export type EventDraft = DistributiveOmit<StoreEvent, 'seq' | 'at'>;
export type DraftOf<T extends EventDraft['type']> = Extract<EventDraft, { type: T }>;

/** Events that change what a tweet shows (tweet.onChange). */
export const tweetChangeTypes = {
  TweetCreated: 'created',
  TweetEdited: 'edited',
  TweetReverted: 'reverted',
  TweetPublished: 'published',
  TweetArchived: 'archived',
  TweetRestored: 'restored',
} as const;

/** Events that change a tweet's engagement (tweet.onEngagement). A reply's creation/publish/archive/restore
 * also changes its parent's reply count; the API maps those to the parent. */
export const engagementTypes = new Set<StoreEventType>(['Liked', 'Unliked', 'Retweeted', 'Unretweeted', 'ViewsCounted']);
