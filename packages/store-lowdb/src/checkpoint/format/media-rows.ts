// The media table of a checkpoint: a row per media record, with its owners and the tweets that show it as lists.
import type { MediaFacts } from '@tweetstore/store';
import type { MediaRecord } from '../../projection/media.ts';

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
