// Where the S3 engine keeps a blob: every write goes to a key of its own, `media/<media id>/<name>/<version>`, and
// the version's name carries what a listing needs to judge it: when it was written, its length and its sha256. A
// reader takes the newest version whose stored length is the length its name promises. So no write is ever seen
// half done, even on a server that writes objects in place (s3rver does: a PUT cut short stays listed with the
// bytes that arrived, and concurrent PUTs of one key interleave theirs), and a key written again changes at once.
import { MEDIA_ID } from '@tweetstore/core';
import type { BlobKey } from '@tweetstore/store';

/** `<written at: 13-digit epoch ms>.<8 random hex>.<bytes>.<sha256 hex>`: versions of a key sort oldest first. */
const VERSION = /^(\d{13})\.[0-9a-f]{8}\.(\d{1,15})\.([0-9a-f]{64})$/;

export interface BlobVersion {
  /** The object's whole key. */
  key: string;
  writtenAt: number;
  bytes: number;
  sha256: string;
  /** The server holds every byte the name promises: the write finished. */
  whole: boolean;
}

export function blobLayout(prefix: string) {
  const root = `${prefix}media/`;
  const mediaPrefix = (mediaId: string) => `${root}${mediaId}/`;
  const keyPrefix = (key: BlobKey) => `${mediaPrefix(key.mediaId)}${key.name}/`;
  return {
    root,
    mediaPrefix,
    keyPrefix,
    versionKey(key: BlobKey, writtenAt: number, random: string, bytes: number, sha256: string): string {
      return `${keyPrefix(key)}${String(writtenAt).padStart(13, '0')}.${random}.${bytes}.${sha256}`;
    },
    /** The media id and version of a listed object (`size`: the bytes the server holds); null for anything this engine did not write. */
    parse(key: string, size: number): { mediaId: string; name: string; version: BlobVersion } | null {
      const [mediaId, name, last, ...more] = key.slice(root.length).split('/');
      if (!key.startsWith(root) || more.length > 0 || !mediaId || !MEDIA_ID.test(mediaId) || !name || !last) return null;
      const match = VERSION.exec(last);
      if (!match) return null;
      return { mediaId, name, version: { key, writtenAt: Number(match[1]), bytes: Number(match[2]), sha256: match[3]!, whole: size === Number(match[2]) } };
    },
  };
}

export type BlobLayout = ReturnType<typeof blobLayout>;

