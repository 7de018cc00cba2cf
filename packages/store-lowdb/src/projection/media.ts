// Media in the projection: one record per media id (the rules' StoredMedia, rules/media.ts), kept as events apply.
// Who may fetch it follows the visibility rules: the tweets whose versions anyone may see carried it are kept with it,
// and how many of them are published now, so the answer is one lookup (rules/media.ts: mediaAccess), never a scan.
import { sweepable, type StoredMedia, type StoreEvent } from '@tweetstore/store';
import type { TweetRecord } from './records.ts';
import type { TweetIndex } from './tweet-index.ts';

/** The parts of the projection media records live in (the projection is one; naming it here would be a cycle). */
export interface MediaTables {
  readonly media: Map<string, MediaRecord>;
  /** Tweet id -> the media its versions that everyone sees while it is published carried (show). */
  readonly shownMedia: Map<string, string[]>;
  readonly changes: { media: boolean };
  readonly tweets: Pick<TweetIndex, 'ordinalOf' | 'idAt' | 'stateAt'>;
  userIdOf(id: string): string;
}

export interface MediaRecord extends StoredMedia {
  /** uploader id -> their alt text ('' for none), in upload order */
  owners: Map<string, string>;
  /** Tweets with a version everyone sees while the tweet is published (visibility.ts: shownToAll) that carried it. */
  shownBy: Set<string>;
  /** How many of `shownBy` are published now: public while > 0. Derived (restore: indexShown). */
  publicIn: number;
}

/** A version of `t` that everyone sees while `t` is published carries these media. */
export function show(p: MediaTables, t: TweetRecord, ids: readonly string[]): void {
  for (const id of ids) {
    const m = p.media.get(id);
    if (!m || m.shownBy.has(t.id)) continue;
    m.shownBy.add(t.id);
    if (t.state === 'published') m.publicIn++;
    noteShown(p, t.id, id);
    p.changes.media = true;
  }
}

/** The tweet was archived (-1) or restored (+1): the media its public versions carried go and come with it. */
export function reshow(p: MediaTables, tweetId: string, delta: 1 | -1): void {
  for (const id of p.shownMedia.get(tweetId) ?? []) {
    const m = p.media.get(id);
    if (m) m.publicIn += delta;
  }
}

/** After a restore: publicIn from the tweets' states, and the media each tweet shows. */
export function indexShown(p: MediaTables): void {
  for (const m of p.media.values()) {
    const named = m.shownBy;
    m.shownBy = new Set();
    m.publicIn = 0;
    for (const id of named) {
      const ordinal = p.tweets.ordinalOf(id);
      if (ordinal < 0) throw new Error(`media ${m.id} is shown by a missing tweet ${id}`);
      const tweetId = p.tweets.idAt(ordinal)!; // the index's own string, not one more copy per media row
      m.shownBy.add(tweetId);
      if (p.tweets.stateAt(ordinal) === 'published') m.publicIn++;
      noteShown(p, tweetId, m.id);
    }
  }
}

function noteShown(p: MediaTables, tweetId: string, mediaId: string): void {
  const shown = p.shownMedia.get(tweetId);
  if (shown) shown.push(mediaId);
  else p.shownMedia.set(tweetId, [mediaId]);
}

/** Unattached media nobody uploaded since `before`, oldest upload first. */
export function sweepableMedia(p: MediaTables, before: number): string[] {
  return [...p.media.values()]
    .filter((m) => sweepable(m, before))
    .sort((a, b) => a.uploadedAt - b.uploadedAt)
    .map((m) => m.id);
}

export function applyMedia(p: MediaTables, e: Extract<StoreEvent, { type: 'MediaUploaded' | 'MediaAltSet' | 'MediaRemoved' }>): void {
  p.changes.media = true;
  switch (e.type) {
    case 'MediaUploaded': {
      const existing = p.media.get(e.mediaId);
      if (existing) {
        existing.owners.set(p.userIdOf(e.userId), e.alt);
        existing.uploadedAt = e.at;
        return;
      }
      const { mediaId, userId, alt, type, seq, at, ...facts } = e;
      p.media.set(mediaId, { id: mediaId, ...facts, uploadedAt: at, owners: new Map([[p.userIdOf(userId), alt]]), attached: false, shownBy: new Set(), publicIn: 0 });
      return;
    }
    case 'MediaAltSet':
      p.media.get(e.mediaId)?.owners.set(p.userIdOf(e.userId), e.alt);
      return;
    case 'MediaRemoved':
      p.media.delete(e.mediaId);
      return;
  }
}

/** Marks media attached once a tweet's version carries them. */
export function attach(p: MediaTables, ids: readonly string[]): void {
  for (const id of ids) {
    const m = p.media.get(id);
    if (m && !m.attached) {
      m.attached = true;
      p.changes.media = true;
    }
  }
}
