// Version rules any engine applies the same way: the text a version body gives, and the version a tweet was published at.
import { rebuildVersion, type VersionBody } from '@tweetstore/core';
import type { StoredTweet } from './state.ts';

/** The text after a version whose body is `body`, given the text before it. */
export function nextContent(prev: string, body: VersionBody): string {
  return body.keyframe ? body.content : rebuildVersion([{ keyframe: true, content: prev }, body], 2);
}

/**
 * The version the tweet had when it was published, or null while it is a draft. Exact from the fields every engine
 * keeps: each version added since publishing is an edit or revert counted in editsSincePublish (publish sets it to 0;
 * edits of a draft do not count; archive and restore add no version), so no field of its own is needed.
 */
export function publishedVersion(t: Pick<StoredTweet, 'publishedAt' | 'versionCount' | 'editsSincePublish'>): number | null {
  return t.publishedAt === null ? null : t.versionCount - t.editsSincePublish;
}
