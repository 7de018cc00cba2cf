// GET/HEAD /media/<sha256>[/<variant>]: a media object's files, from the blob store, to whom may fetch them: anyone
// once a version anyone may see carries them, else only their uploaders (by session cookie or bearer token), and to
// everyone else the 404 of an unknown id. Only ids and variant names the store knows are ever looked up (so no request
// can name another file), with the type the upload was sniffed as, `nosniff`, a strong ETag (the bytes of a key never
// change), and byte ranges for video. Caching follows who may fetch them (cacheControl).
import type http from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, KeyedLock, TweetStore } from '@tweetstore/store';
import type { Logger } from 'pino';
import parseRange from 'range-parser';

const MEDIA_PATH = /^\/media\/([0-9a-f]{64})(?:\/([a-z][a-z0-9-]{0,31}))?$/;

export function isMediaPath(pathname: string): boolean {
  return pathname.startsWith('/media/');
}

/** Media stop being public when the last tweet showing them is archived: copies cached as public are used this long at most. */
export const PUBLIC_MEDIA_MAX_AGE_S = 300;

/**
 * Public media may be cached anywhere for a while, then revalidated (a 304 while still public). An uploader's own
 * media are for their browser alone, and asked again at each use, so signing out or another user of the browser gets
 * no copy. Not `immutable`: the bytes never change, but who may fetch them does.
 */
function cacheControl(access: 'public' | 'uploader'): string {
  return access === 'public' ? `public, max-age=${PUBLIC_MEDIA_MAX_AGE_S}` : 'private, no-cache';
}

function notFound(res: http.ServerResponse): void {
  // not stored either: the same id may be public a moment later
  res.writeHead(404, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }).end('{"error":"not found"}');
}

/** `viewerOf`: the signed-in user making the request (session cookie or bearer token), or null. */
export function createMediaHandler(store: TweetStore, blobs: BlobStore, log: Logger, viewerOf: (req: http.IncomingMessage) => Promise<string | null>) {
  return async function serveMedia(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> {
    const match = MEDIA_PATH.exec(pathname);
    if (!match) return notFound(res);
    const [, id, name = 'original'] = match as unknown as [string, string, string | undefined];
    const viewerId = await viewerOf(req);
    const access = await store.mediaAccess(id, viewerId);
    if (!access) return notFound(res);
    const media = await store.getMedia(id, viewerId);
    const variant = media?.variants.find((v) => v.name === name);
    if (!variant) return notFound(res);
    const key = { mediaId: id, name };
    const stat = await blobs.stat(key);
    if (!stat) {
      log.error({ mediaId: id, name }, 'media file missing from the blob store');
      return notFound(res);
    }
    const etag = `"${id.slice(0, 32)}-${name}"`;
    const headers: http.OutgoingHttpHeaders = {
      'content-type': variant.mime,
      'x-content-type-options': 'nosniff',
      'cache-control': cacheControl(access),
      etag,
      'accept-ranges': 'bytes',
      // opened on its own, a file is shown, never run
      'content-security-policy': "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
    };
    if (req.headers['if-none-match']?.split(/\s*,\s*/).some((tag) => tag === etag || tag === `W/${etag}` || tag === '*')) {
      res.writeHead(304, headers).end();
      return;
    }
    let range: { start: number; end: number } | undefined;
    const asked = req.headers.range;
    // If-Range with another validator means the client's copy is not ours: the whole file then
    const ifRange = req.headers['if-range'];
    if (asked && (!ifRange || ifRange === etag)) {
      const ranges = parseRange(stat.bytes, asked, { combine: true });
      if (ranges === -1) {
        res.writeHead(416, { ...headers, 'content-range': `bytes */${stat.bytes}` }).end();
        return;
      }
      // a malformed header, or several ranges: the whole file (RFC 9110 lets a server ignore Range)
      if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) range = ranges[0];
    }
    const length = range ? range.end - range.start + 1 : stat.bytes;
    const status = range ? 206 : 200;
    if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${stat.bytes}`;
    headers['content-length'] = length;
    if (req.method === 'HEAD') {
      res.writeHead(status, headers).end();
      return;
    }
    const body = await blobs.read(key, range);
    if (!body) return notFound(res);
    res.writeHead(status, headers);
    await pipeline(body, res).catch((err: unknown) => {
      // a client that goes away mid-download is not an error of ours
      if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') log.warn({ err, mediaId: id, name }, 'media response failed');
    });
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Removes unattached uploads nobody made for a day, their records first and then their files; and files a day old
 * that no record names (an upload whose process died after writing its files, before recording it). Returns how
 * many media objects went.
 */
export async function sweepMedia(store: TweetStore, blobs: BlobStore, locks: KeyedLock, now: number, log: Logger): Promise<number> {
  // files go only while no record names them, checked under the id's lock: an upload of the same bytes since
  // (which writes its files, then records them, under that lock) keeps them
  const removeUnrecorded = (id: string) =>
    locks.run(id, async () => {
      if (await store.getMedia(id, null)) return false;
      await blobs.remove(id);
      return true;
    });
  let removed = 0;
  for (;;) {
    const ids = await store.sweepMedia(now - DAY_MS, 100);
    for (const id of ids) await removeUnrecorded(id);
    removed += ids.length;
    if (ids.length < 100) break;
  }
  let orphans = 0;
  for await (const { mediaId, writtenAt } of blobs.list()) {
    if (writtenAt < now - DAY_MS && (await removeUnrecorded(mediaId))) orphans++;
  }
  if (removed + orphans > 0) log.info({ removed, orphans }, 'removed unattached media older than a day');
  return removed + orphans;
}
