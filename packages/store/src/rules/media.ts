// The rules of media: one object per media id (the sha256 of the upload), shared by everyone who uploaded the same
// bytes, each with their own alt text. Only an uploader may attach or describe it; who may fetch it follows
// visibility.ts (public while a version anyone may see of a published tweet carries it). Attached media are never
// removed; unattached ones a day old are.
import { altSchema, InvalidInput, NotFound } from '@tweetstore/core';
import type { EventDraft, MediaFacts } from '../events.ts';
import type { MediaLookup, StoredMedia } from './state.ts';
import type { MediaAccess } from './visibility.ts';

export interface UploadMedia extends MediaFacts {
  mediaId: string;
  userId: string;
  /** null: keep what this uploader said before (none for a first upload) */
  alt: string | null;
}

/** A first upload by this user records it (and, for bytes someone else uploaded, makes them an owner too). */
export function decideUpload(cmd: UploadMedia, m: StoredMedia | undefined): EventDraft | null {
  const alt = cmd.alt === null ? null : checkedAlt(cmd.alt);
  const mine = m?.owners.get(cmd.userId);
  if (mine !== undefined) return alt === null || alt === mine ? null : { type: 'MediaAltSet', mediaId: cmd.mediaId, userId: cmd.userId, alt };
  const { mediaId, userId, kind, mime, bytes, width, height, files, placeholder } = cmd;
  return { type: 'MediaUploaded', mediaId, userId, alt: alt ?? '', kind, mime, bytes, width, height, files, placeholder };
}

/** Only an uploader may say what their media shows; to anyone else it does not exist. */
export function decideAlt(m: StoredMedia | undefined, mediaId: string, userId: string, alt: string): EventDraft | null {
  const mine = m?.owners.get(userId);
  if (mine === undefined) throw new NotFound('media', mediaId);
  const next = checkedAlt(alt);
  return next === mine ? null : { type: 'MediaAltSet', mediaId, userId, alt: next };
}

/**
 * Media a tweet may carry: up to 4 images or one video, each one the author uploaded (someone else's upload answers
 * as unknown).
 */
export function checkAttachable(authorId: string, ids: readonly string[], media: MediaLookup): void {
  if (new Set(ids).size !== ids.length) throw new InvalidInput('the same media is attached twice', { field: 'mediaIds' });
  for (const id of ids) {
    const m = media.get(id);
    if (!m?.owners.has(authorId)) {
      throw new InvalidInput(`unknown media id ${id}: upload it with media.upload first`, { field: 'mediaIds', mediaId: id });
    }
    if (m.kind === 'video' && ids.length > 1) throw new InvalidInput('a video must be the only media of a tweet', { field: 'mediaIds', mediaId: id });
  }
}

/**
 * Who may fetch the media (see MediaAccess). `shownToAll`: a version anyone may see of a tweet published now carries
 * it (visibility.ts: shownToAll); engines keep that as events apply, so this is one lookup.
 */
export function mediaAccess(m: Pick<StoredMedia, 'owners'> | undefined, shownToAll: boolean, viewerId: string | null): MediaAccess {
  if (!m) return null;
  if (shownToAll) return 'public';
  return viewerId !== null && m.owners.has(viewerId) ? 'uploader' : null;
}

/** Whether a sweep removes it: no version ever carried it, and nobody uploaded it since `before` (epoch ms). */
export function sweepable(m: Pick<StoredMedia, 'attached' | 'uploadedAt'>, before: number): boolean {
  return !m.attached && m.uploadedAt < before;
}

function checkedAlt(alt: string): string {
  const parsed = altSchema.safeParse(alt);
  if (!parsed.success) throw new InvalidInput(parsed.error.issues[0]!.message, { field: 'alt' });
  return parsed.data;
}
