// Media in the projection: one record per media id (the sha256 of the upload), shared by everyone who uploaded the
// same bytes, each with their own alt text. Attaching it to any version of any tweet marks it attached for good
// (history shows it), and only unattached uploads are ever removed. Who may fetch it follows visibility.ts: the
// tweets whose versions anyone may see carried it are kept with it, and how many of them are published now, so the
// answer is one lookup as events apply, never a scan.
import { altSchema, InvalidInput, NotFound, type Media } from '@tweetstore/core';
import type { MediaFacts } from '../events.ts';
import type { DecideContext, EventDraft } from './decide.ts';
import type { Projection } from './projection.ts';
import type { TweetRecord } from './records.ts';
import type { MediaAccess } from './visibility.ts';

export interface MediaRecord extends MediaFacts {
  id: string;
  /** the last upload's time: a sweep removes an unattached upload only a full day after anyone last uploaded it */
  uploadedAt: number;
  /** uploader id -> their alt text ('' for none), in upload order */
  owners: Map<string, string>;
  attached: boolean;
  /** Tweets with a version everyone sees while the tweet is published (visibility.ts: shownToAll) that carried it. */
  shownBy: Set<string>;
  /** How many of `shownBy` are published now: public while > 0. Derived (restore: indexShown). */
  publicIn: number;
}

/** A checkpoint's row of the media table. */
export interface MediaRow extends MediaFacts {
  id: string;
  uploadedAt: number;
  owners: [userId: string, alt: string][];
  attached: boolean;
  /** Absent in rows of engines before it (restore.ts finds it again). */
  shownBy?: string[];
}

export function mediaRow(m: MediaRecord): MediaRow {
  const { owners, shownBy, publicIn: _, ...rest } = m;
  return { ...rest, files: m.files.map((f) => ({ ...f })), owners: [...owners], shownBy: [...shownBy] };
}

export function mediaRecord(row: MediaRow): MediaRecord {
  return { ...row, owners: new Map(row.owners), shownBy: new Set(row.shownBy), publicIn: 0 };
}

/** See MediaAccess. */
export function accessOf(m: MediaRecord | undefined, viewerId: string | null): MediaAccess {
  if (!m) return null;
  if (m.publicIn > 0) return 'public';
  return viewerId !== null && m.owners.has(viewerId) ? 'uploader' : null;
}

/** A version of `t` that everyone sees while `t` is published carries these media. */
export function show(p: Projection, t: TweetRecord, ids: readonly string[]): void {
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
export function reshow(p: Projection, tweetId: string, delta: 1 | -1): void {
  for (const id of p.shownMedia.get(tweetId) ?? []) {
    const m = p.media.get(id);
    if (m) m.publicIn += delta;
  }
}

/** After a restore: publicIn from the tweets' states, and the media each tweet shows. */
export function indexShown(p: Projection): void {
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

function noteShown(p: Projection, tweetId: string, mediaId: string): void {
  const shown = p.shownMedia.get(tweetId);
  if (shown) shown.push(mediaId);
  else p.shownMedia.set(tweetId, [mediaId]);
}

export interface UploadMedia extends MediaFacts {
  mediaId: string;
  userId: string;
  /** null: keep what this uploader said before (none for a first upload) */
  alt: string | null;
}

function checkedAlt(alt: string): string {
  const parsed = altSchema.safeParse(alt);
  if (!parsed.success) throw new InvalidInput(parsed.error.issues[0]!.message, { field: 'alt' });
  return parsed.data;
}

/** A first upload by this user records it (and, for bytes someone else uploaded, makes them an owner too). */
export function decideUpload({ p }: DecideContext, cmd: UploadMedia): EventDraft | null {
  const alt = cmd.alt === null ? null : checkedAlt(cmd.alt);
  const m = p.media.get(cmd.mediaId);
  const mine = m?.owners.get(cmd.userId);
  if (mine !== undefined) return alt === null || alt === mine ? null : { type: 'MediaAltSet', mediaId: cmd.mediaId, userId: cmd.userId, alt };
  const { mediaId, userId, kind, mime, bytes, width, height, files, placeholder } = cmd;
  return { type: 'MediaUploaded', mediaId, userId, alt: alt ?? '', kind, mime, bytes, width, height, files, placeholder };
}

/** Only an uploader may say what their media shows; to anyone else it does not exist. */
export function decideAlt({ p }: DecideContext, mediaId: string, userId: string, alt: string): EventDraft | null {
  const m = p.media.get(mediaId);
  const mine = m?.owners.get(userId);
  if (mine === undefined) throw new NotFound('media', mediaId);
  const next = checkedAlt(alt);
  return next === mine ? null : { type: 'MediaAltSet', mediaId, userId, alt: next };
}

/**
 * Media a tweet may carry: up to 4 images or one video, each one the author uploaded (someone else's upload answers
 * as unknown).
 */
export function checkAttachable(p: Projection, authorId: string, ids: readonly string[]): void {
  if (new Set(ids).size !== ids.length) throw new InvalidInput('the same media is attached twice', { field: 'mediaIds' });
  for (const id of ids) {
    const m = p.media.get(id);
    if (!m?.owners.has(authorId)) {
      throw new InvalidInput(`unknown media id ${id}: upload it with media.upload first`, { field: 'mediaIds', mediaId: id });
    }
    if (m.kind === 'video' && ids.length > 1) throw new InvalidInput('a video must be the only media of a tweet', { field: 'mediaIds', mediaId: id });
  }
}

/** Unattached media nobody uploaded since `before`, oldest upload first. */
export function sweepable(p: Projection, before: number): string[] {
  return [...p.media.values()]
    .filter((m) => !m.attached && m.uploadedAt < before)
    .sort((a, b) => a.uploadedAt - b.uploadedAt)
    .map((m) => m.id);
}

export function applyMedia(p: Projection, e: Extract<import('../events.ts').StoreEvent, { type: 'MediaUploaded' | 'MediaAltSet' | 'MediaRemoved' }>): void {
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
export function attach(p: Projection, ids: readonly string[]): void {
  for (const id of ids) {
    const m = p.media.get(id);
    if (m && !m.attached) {
      m.attached = true;
      p.changes.media = true;
    }
  }
}

/** The public object of API.md, with the alt text `altOf` said (a tweet's: its author's). */
export function mediaView(m: MediaRecord, altOf: string | null): Media {
  const alt = altOf === null ? '' : (m.owners.get(altOf) ?? '');
  const view: Media = {
    id: m.id,
    kind: m.kind,
    mime: m.mime,
    bytes: m.bytes,
    variants: m.files.map((f) => ({
      name: f.name,
      url: `/media/${m.id}/${f.name}`,
      mime: f.mime,
      ...(f.width === null ? {} : { width: f.width }),
      ...(f.height === null ? {} : { height: f.height }),
    })),
  };
  if (m.width !== null) view.width = m.width;
  if (m.height !== null) view.height = m.height;
  if (alt) view.alt = alt;
  if (m.placeholder !== null) view.placeholder = m.placeholder;
  return view;
}

/** The media of a tweet or version, as its author described them. */
export function mediaListView(p: Projection, ids: readonly string[], authorId: string): Media[] {
  const out: Media[] = [];
  for (const id of ids) {
    const m = p.media.get(id);
    if (m) out.push(mediaView(m, authorId));
  }
  return out;
}
