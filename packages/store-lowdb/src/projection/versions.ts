// Version histories in the projection. A tweet never edited keeps no version record at all: its version 1 is the
// tweet as it is, made up when asked for (half of a large store is tweets like that, and their histories would
// otherwise double the heap).
import type { TweetRecord, VersionRecord } from './records.ts';

/** Whether the tweet's only version is implicit (no record anywhere: it is the tweet itself). */
export function unedited(t: TweetRecord): boolean {
  return t.storedVersions === 0 && t.newVersions.length === 0;
}

/** Version 1 of a tweet never edited. */
export function firstVersion(t: TweetRecord): VersionRecord {
  return { kind: 'created', at: t.createdAt, contentHash: t.contentHash, mediaIds: t.mediaIds, body: { keyframe: true, content: t.content } };
}

/** Every version, given those the tweet's history file holds (`stored`, versions 1..t.storedVersions). */
export function allVersions(t: TweetRecord, stored: readonly VersionRecord[]): VersionRecord[] {
  if (unedited(t)) return [firstVersion(t)];
  if (stored.length !== t.storedVersions) throw new Error(`tweet ${t.id}: ${stored.length} stored versions, expected ${t.storedVersions}`);
  return [...stored, ...t.newVersions];
}
