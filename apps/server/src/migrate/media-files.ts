// The media files of a migration: copied from the source blob store to the target's, content checked (every file has
// the size its record says; a video's original, kept as uploaded, has the sha256 its media id is: an image's files
// are all written afresh from the upload, @tweetstore/media), several at once. An object the target already
// holds with the right size is skipped, so a rerun after a cancel only copies what is missing. After the copy, a
// check reads every file back from the target and compares its sha256 with the source's.
import type { Readable } from 'node:stream';
import { webcrypto } from 'node:crypto';
import type { BlobKey, BlobStore, DumpMedia } from '@tweetstore/store';
import pLimit from 'p-limit';

export interface MediaFilesProgress {
  phase: 'copy' | 'check';
  /** files */
  done: number;
  total: number;
}

export interface MediaFilesOptions {
  /** Files copied or checked at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: MediaFilesProgress) => void;
}

export interface MediaCopied {
  files: number;
  copied: number;
  /** already in the target with the right size */
  skipped: number;
  bytes: number;
}

interface MediaFileRef {
  key: BlobKey;
  bytes: number;
  /** the sha256 the bytes must have, when known (the upload's: the media id) */
  sha256: string | null;
}

/** Copies every file of these media objects that the target lacks; throws naming the first source file that is missing or not what its record says. */
export async function copyMediaFiles(media: readonly DumpMedia[], from: BlobStore, to: BlobStore, o: MediaFilesOptions = {}): Promise<MediaCopied> {
  const result: MediaCopied = { files: 0, copied: 0, skipped: 0, bytes: 0 };
  await eachFile(media, 'copy', o, async (file) => {
    result.files++;
    const there = await to.stat(file.key);
    if (there?.bytes === file.bytes) return void result.skipped++;
    const bytes = await readWhole(from, file.key);
    if (bytes === null) throw new Error(`${fileName(file.key)} is missing in the source folder's media`);
    const wrong = await wrongContent(file, bytes);
    if (wrong) throw new Error(`${fileName(file.key)} in the source folder's media ${wrong}`);
    o.signal?.throwIfAborted();
    await to.put(file.key, bytes);
    result.copied++;
    result.bytes += bytes.length;
  });
  return result;
}

/** Every file read back from the target: a difference for each one missing or whose bytes are not the source's. */
export async function checkMediaFiles(media: readonly DumpMedia[], from: BlobStore, to: BlobStore, o: MediaFilesOptions = {}): Promise<{ files: number; differences: string[] }> {
  const differences: string[] = [];
  let files = 0;
  await eachFile(media, 'check', o, async (file) => {
    files++;
    const [source, target] = await Promise.all([readWhole(from, file.key), readWhole(to, file.key)]);
    if (target === null) return void differences.push(`${fileName(file.key)}: missing in target`);
    const [a, b] = await Promise.all([source && sha256(source), sha256(target)]);
    if (a !== b) differences.push(`${fileName(file.key)}: sha256 ${a ?? 'missing'} in source, ${b} in target (${target.length} bytes)`);
  });
  return { files, differences };
}

async function eachFile(media: readonly DumpMedia[], phase: MediaFilesProgress['phase'], o: MediaFilesOptions, work: (file: MediaFileRef) => Promise<void>): Promise<void> {
  const files = media.flatMap((m) => m.files.map((f) => ({ key: { mediaId: m.id, name: f.name }, bytes: f.bytes, sha256: m.kind === 'video' && f.name === 'original' ? m.id : null })));
  const limit = pLimit(o.concurrency ?? 8);
  let done = 0;
  let told = 0;
  o.onProgress?.({ phase, done, total: files.length });
  await Promise.all(
    files.map((file) =>
      limit(async () => {
        o.signal?.throwIfAborted();
        await work(file);
        done++;
        if (performance.now() - told >= 8) {
          told = performance.now();
          o.onProgress?.({ phase, done, total: files.length });
        }
      }),
    ),
  ).catch((error: unknown) => {
    limit.clearQueue();
    throw error;
  });
  o.onProgress?.({ phase, done, total: files.length });
}

/** Why the bytes are not the file's (null: they are). */
async function wrongContent(file: MediaFileRef, bytes: Uint8Array): Promise<string | null> {
  if (bytes.length !== file.bytes) return `has ${bytes.length} bytes, its record says ${file.bytes}`;
  if (file.sha256 !== null && (await sha256(bytes)) !== file.sha256) return `does not have the sha256 its media id is`;
  return null;
}

function fileName(key: BlobKey): string {
  return `media ${key.mediaId} file ${key.name}`;
}

async function readWhole(store: BlobStore, key: BlobKey): Promise<Uint8Array | null> {
  const stream = await store.read(key);
  return stream && collect(stream);
}

async function collect(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Off the event loop (WebCrypto runs in the thread pool). */
async function sha256(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}
