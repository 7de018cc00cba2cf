// Version histories in the projection. The current text follows from the previous one and the new body. A tweet
// never edited keeps no version record at all: its version 1 is the tweet as it is, made up when asked for (half
// of a large store is tweets like that, and their histories would otherwise double the heap).
import { rebuildVersion, type VersionBody } from '@tweetstore/core';
import type { TweetRecord, VersionRecord } from './records.ts';

export function nextContent(prev: string, body: VersionBody): string {
  return body.keyframe ? body.content : rebuildVersion([{ keyframe: true, content: prev }, body], 2);
}

/** Whether the tweet's only version is implicit (no record anywhere: it is the tweet itself). */
export function unedited(t: TweetRecord): boolean {
  return t.storedVersions === 0 && t.newVersions.length === 0;
}

/** Version 1 of a tweet never edited. */
export function firstVersion(t: TweetRecord): VersionRecord {
  return { kind: 'created', at: t.createdAt, contentHash: t.contentHash, mediaIds: t.mediaIds, body: { keyframe: true, content: t.content } };
}

/**
 * The version the tweet had when it was published, or null while it is a draft. Exact from what every checkpoint
 * format holds: each version added since publishing is an edit or revert counted in editsSincePublish (publish sets
 * it to 0; edits of a draft do not count; archive and restore add no version), so no field of its own is needed.
 */
export function publishedVersion(t: Pick<TweetRecord, 'publishedAt' | 'versionCount' | 'editsSincePublish'>): number | null {
  return t.publishedAt === null ? null : t.versionCount - t.editsSincePublish;
}

/** Every version, given those the tweet's history file holds (`stored`, versions 1..t.storedVersions). */
export function allVersions(t: TweetRecord, stored: readonly VersionRecord[]): VersionRecord[] {
  if (unedited(t)) return [firstVersion(t)];
  if (stored.length !== t.storedVersions) throw new Error(`tweet ${t.id}: ${stored.length} stored versions, expected ${t.storedVersions}`);
  return [...stored, ...t.newVersions];
}
