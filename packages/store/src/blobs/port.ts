// The media blob port: the bytes of uploaded media and their variants, content-addressed by the media id (sha256 hex
// of the original upload). Metadata (kind, size, owners, alt text, attachments) lives in the TweetStore; this holds
// only bytes. Engines: the local disk now (disk.ts); an S3-compatible one comes with scale-out. Every engine passes
// the contract in ./contract.ts.
import type { Readable } from 'node:stream';
import { MEDIA_ID } from '@tweetstore/core';

/** `original`, `thumb`, `medium`, `large`, ...: lower-case letters, digits and dashes, at most 32. */
export const BLOB_NAME = /^[a-z][a-z0-9-]{0,31}$/;

export interface BlobKey {
  mediaId: string;
  name: string;
}

export interface BlobStat {
  bytes: number;
  /** Epoch ms the object was written. */
  writtenAt: number;
}

/** Inclusive byte range, as HTTP Range states it. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  readonly engine: string;
  /**
   * Stores the object whole or not at all: a reader (also after a crash mid-write) sees every byte of it or no object.
   * Writing a key again replaces it as one step.
   */
  put(key: BlobKey, bytes: Uint8Array): Promise<void>;
  /** null when there is no such object. */
  stat(key: BlobKey): Promise<BlobStat | null>;
  /** The object's bytes, or the range of them (which must lie inside it); null when there is no such object. */
  read(key: BlobKey, range?: ByteRange): Promise<Readable | null>;
  /** Removes every object of the media id; nothing to remove is not an error. */
  remove(mediaId: string): Promise<void>;
  /** Every media id with at least one object, and when its newest object was written. */
  list(): AsyncIterable<{ mediaId: string; writtenAt: number }>;
  close(): Promise<void>;
}

export class InvalidBlobKey extends Error {
  constructor(what: string) {
    super(`invalid blob key: ${what}`);
    this.name = 'InvalidBlobKey';
  }
}

/** Refuses anything but a media id and a variant name, so no key can name a path outside an engine's space. */
export function checkBlobKey(key: BlobKey): void {
  if (!MEDIA_ID.test(key.mediaId)) throw new InvalidBlobKey(`media id ${JSON.stringify(key.mediaId)}`);
  if (!BLOB_NAME.test(key.name)) throw new InvalidBlobKey(`name ${JSON.stringify(key.name)}`);
}

export function checkMediaId(mediaId: string): void {
  if (!MEDIA_ID.test(mediaId)) throw new InvalidBlobKey(`media id ${JSON.stringify(mediaId)}`);
}
