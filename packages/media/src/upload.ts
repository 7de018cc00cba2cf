// An upload from bytes to what is stored: its type sniffed, its size checked against the limit of its kind, its id
// (sha256 of the bytes), and the files to serve. Images are processed (image.ts); video is kept as uploaded once
// its container holds together (video.ts).
import { webcrypto } from 'node:crypto';
import { processImage } from './image.ts';
import { MediaRefused } from './refused.ts';
import { sniff, type MediaKind, type Sniffed } from './sniff.ts';
import { checkVideo } from './video.ts';

export interface MediaLimits {
  imageBytes: number;
  videoBytes: number;
}

export const DEFAULT_MEDIA_LIMITS: MediaLimits = { imageBytes: 16 * 1024 * 1024, videoBytes: 100 * 1024 * 1024 };

export interface PreparedFile {
  name: string;
  mime: string;
  data: Uint8Array;
  width: number | null;
  height: number | null;
}

export interface PreparedUpload {
  /** sha256 hex of the uploaded bytes */
  id: string;
  kind: MediaKind;
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  /** `original` first */
  files: PreparedFile[];
  placeholder: string | null;
}

const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

/** The upload's kind from its first bytes, refused at once when it is larger than its kind allows. */
export async function admit(head: Uint8Array, size: number, limits: MediaLimits): Promise<Sniffed> {
  const sniffed = await sniff(head);
  const limit = sniffed.kind === 'image' ? limits.imageBytes : limits.videoBytes;
  if (size > limit) throw new MediaRefused('too_large', `${sniffed.kind}s may be at most ${mib(limit)}; this one is ${mib(size)}`);
  return sniffed;
}

/** sha256 of the bytes, hashed off the event loop (WebCrypto runs on libuv's thread pool). */
export async function mediaIdOf(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

/** The files to store for an upload already admitted. */
export async function prepareUpload(bytes: Uint8Array, sniffed: Sniffed, id: string): Promise<PreparedUpload> {
  const base = { id, kind: sniffed.kind, mime: sniffed.mime, bytes: bytes.length };
  if (sniffed.kind === 'video') {
    const { width, height } = checkVideo(bytes, sniffed.mime);
    return { ...base, width, height, placeholder: null, files: [{ name: 'original', mime: sniffed.mime, data: bytes, width, height }] };
  }
  const image = await processImage(bytes, sniffed.mime);
  return {
    ...base,
    width: image.width,
    height: image.height,
    placeholder: image.placeholder,
    files: image.files.map((f) => ({ name: f.name, mime: f.mime, data: f.bytes, width: f.width, height: f.height })),
  };
}
