// Who may see what of a tweet (API.md, "Visibility"), from a plain state of the tweet, so that every engine answers
// alike: a draft, and every version a tweet had before it was published, is its author's alone, and so is an archived
// tweet. Media are public while a version anyone may see carries them; else only their uploaders may fetch them.
import type { TweetState } from '@tweetstore/core';

export interface TweetShown {
  authorId: string;
  state: TweetState;
  /** The version the tweet had when it was published (1 for one created published); null while it is a draft. */
  publishedVersion: number | null;
}

/** Whether the viewer may see the tweet at all: drafts and archived tweets only their author. */
export function visibleTo(t: Pick<TweetShown, 'authorId' | 'state'>, viewerId: string | null): boolean {
  return t.state === 'published' || t.authorId === viewerId;
}

/** The oldest version the viewer may see (numbers keep their values), or null when they may see none. */
export function firstVisibleVersion(t: TweetShown, viewerId: string | null): number | null {
  if (t.authorId === viewerId) return 1;
  return t.state === 'published' ? t.publishedVersion : null;
}

/**
 * Whether everyone sees the version while the tweet is published (all of a published tweet's versions from the one it
 * was published at). Media such a version carries are public while the tweet is published.
 */
export function shownToAll(publishedVersion: number | null, version: number): boolean {
  return publishedVersion !== null && version >= publishedVersion;
}

/** Who may fetch a media object: anyone, only its uploaders (and `viewerId` is one), or not this viewer (null). */
export type MediaAccess = 'public' | 'uploader' | null;
