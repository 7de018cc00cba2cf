// What an upload is, from its bytes alone: the file name and the declared type are never asked. Only the formats
// the product serves pass: JPEG, PNG, WebP and GIF images, MP4 and WebM video.
import { fileTypeFromBuffer } from 'file-type';
import { MediaRefused } from './refused.ts';

export type MediaKind = 'image' | 'video';

export const ACCEPTED: Readonly<Record<string, MediaKind>> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'image/gif': 'image',
  'video/mp4': 'video',
  'video/webm': 'video',
};

export interface Sniffed {
  kind: MediaKind;
  mime: string;
}

/** The first bytes are enough (file-type reads at most ~4 KB for these formats). */
export async function sniff(head: Uint8Array): Promise<Sniffed> {
  if (head.length === 0) throw new MediaRefused('empty', 'the file is empty');
  const found = await fileTypeFromBuffer(head);
  const kind = found && ACCEPTED[found.mime];
  if (!found || !kind) {
    const what = found ? `${found.mime} (.${found.ext})` : 'not a format we recognise';
    throw new MediaRefused('unsupported_type', `unsupported media type: ${what}; upload JPEG, PNG, WebP or GIF images, or MP4 or WebM video`);
  }
  return { kind, mime: found.mime };
}
