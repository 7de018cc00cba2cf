// Media through the real server: uploads over the typed client's httpLink (FormData), files served at
// /media/<sha256>[/<variant>] with their type, nosniff, caching by who may fetch them, ETag revalidation and byte
// ranges, no EXIF in any served image, and no way to reach any other file. (Who may fetch what: visibility.test.ts.)
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, createClient, isTRPCClientError, type TweetstoreClient } from '@tweetstore/client';
import { jpegWithGps } from '../../../packages/media/test/fixtures.ts';
import { recordVideos, type Recorded } from '../../../packages/media/test/video-fixtures.ts';
import { startServerProcess, tempDataDir, type ServerProcess } from './harness.ts';

const form = (bytes: Uint8Array, filename: string, type: string, alt?: string) => {
  const f = new FormData();
  f.set('file', new Blob([bytes], { type }), filename);
  if (alt !== undefined) f.set('alt', alt);
  return f;
};

describe('media over HTTP', () => {
  let server: ServerProcess;
  let remove: () => Promise<void>;
  let api: TweetstoreClient;
  let videos: Recorded;
  let token: string;

  beforeAll(async () => {
    const data = await tempDataDir();
    remove = data.remove;
    [server, videos] = await Promise.all([startServerProcess(data.dir, { TWEETSTORE_MEDIA_MAX_IMAGE_MB: '1' }), recordVideos()]);
    const anon = createClient({ url: server.url });
    ({ token } = await anon.auth.register.mutate({ username: 'photographer', password: 'media-password-1' }));
    api = createClient({ url: server.url, token });
  }, 60_000);
  afterAll(async () => {
    await closeClient(api);
    expect(await server.kill('SIGTERM')).toBe(0);
    await remove();
  });

  it('uploads a photo, posts it, and serves every file without EXIF, typed, cached publicly and revalidated by ETag', async () => {
    const media = await api.media.upload.mutate(form(await jpegWithGps(), 'holiday.jpg', 'image/jpeg', 'a red wall'));
    const tweet = await api.tweet.create.mutate({ content: 'look at this wall', mediaIds: [media.id] });
    expect(tweet.media).toEqual([media]);
    for (const variant of media.variants) {
      const res = await fetch(server.url + variant.url);
      expect(res.status, variant.name).toBe(200);
      expect(res.headers.get('content-type')).toBe(variant.mime);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
      const bytes = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect(meta.exif, `${variant.name} carries EXIF`).toBeUndefined();
      expect([meta.width, meta.height]).toEqual([variant.width, variant.height]);
      const again = await fetch(server.url + variant.url, { headers: { 'if-none-match': res.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
    // /media/<id> alone is the original
    const plain = await fetch(`${server.url}/media/${media.id}`);
    expect(plain.headers.get('content-type')).toBe('image/jpeg');
  });

  it('serves video as uploaded, with byte ranges', async () => {
    const media = await api.media.upload.mutate(form(videos.mp4, 'clip.mp4', 'video/mp4'));
    expect(media).toMatchObject({ kind: 'video', mime: 'video/mp4', bytes: videos.mp4.length, width: 160, height: 120 });
    const url = `${server.url}/media/${media.id}/original`;
    // not posted yet: its uploader's alone, and for their browser alone
    const uploaderFetch = (input: string, init: RequestInit = {}) => fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
    const whole = await uploaderFetch(url);
    expect(whole.headers.get('cache-control')).toBe('private, no-cache');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.compare(Buffer.from(await whole.arrayBuffer()), videos.mp4)).toBe(0);
    const part = await uploaderFetch(url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${videos.mp4.length}`);
    expect(Buffer.compare(Buffer.from(await part.arrayBuffer()), videos.mp4.subarray(100, 200))).toBe(0);
    const tail = await uploaderFetch(url, { headers: { range: 'bytes=-10' } });
    expect(Buffer.compare(Buffer.from(await tail.arrayBuffer()), videos.mp4.subarray(-10))).toBe(0);
    const beyond = await uploaderFetch(url, { headers: { range: `bytes=${videos.mp4.length + 10}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${videos.mp4.length}`);
    const head = await uploaderFetch(url, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(videos.mp4.length));
    const webm = await api.media.upload.mutate(form(videos.webm, 'clip.webm', 'video/webm'));
    expect((await uploaderFetch(`${server.url}/media/${webm.id}`)).headers.get('content-type')).toBe('video/webm');
  });

  it('answers 404 for unknown ids and variants, and for every path that tries to leave the media folder', async () => {
    const media = await api.media.upload.mutate(form(videos.webm, 'clip.webm', 'video/webm'));
    // sent as written (fetch would resolve the dots first)
    const rawGet = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(server.url);
        http.get({ hostname, port, path, headers: { authorization: `Bearer ${token}` } }, (res) => resolve(res.resume().statusCode!)).on('error', reject);
      });
    const paths = [
      `/media/${'0'.repeat(64)}`,
      `/media/${media.id}/thumb`, // a video has no thumbnail
      `/media/${media.id}/nope`,
      `/media/${media.id.toUpperCase()}`,
      `/media/${media.id}/../../journal`,
      `/media/${media.id.slice(0, 2)}/${media.id}/original`,
      '/media/../package.json',
      '/media/%2e%2e/%2e%2e/package.json',
      `/media/${media.id}/..%2F..%2Fstore.json`,
      `/media/${media.id}/original/`,
      '/media/',
    ];
    for (const p of paths) expect(await rawGet(p), p).toBe(404);
    expect(await rawGet(`/media/${media.id}`)).toBe(200);
  });

  it('refuses an image over the configured limit with PAYLOAD_TOO_LARGE, and a disguised file with BAD_REQUEST', async () => {
    const big = await sharp(randomBytes(800 * 800 * 3), { raw: { width: 800, height: 800, channels: 3 } }).png().toBuffer();
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const code = (e: unknown) => (isTRPCClientError(e) ? (e.data as { code?: string }).code : String(e));
    await expect(api.media.upload.mutate(form(big, 'big.png', 'image/png')).catch(code)).resolves.toBe('PAYLOAD_TOO_LARGE');
    await expect(api.media.upload.mutate(form(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'cat.jpg', 'image/jpeg')).catch(code)).resolves.toBe('BAD_REQUEST');
    // as a browser sees it: a typed error with a message, and never the server's stack
    const res = await fetch(`${server.url}/trpc/media.upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form(new TextEncoder().encode('%PDF-1.7'), 'a.png', 'image/png'),
    });
    const body = await res.text();
    expect(res.status).toBe(400);
    expect(body).toContain('unsupported media type: application/pdf');
    expect(body).not.toContain('stack');
  });

  it('answers uploads sent in chunks, and refuses one without a file, one not multipart, and one signed out', async () => {
    const { hostname, port } = new URL(server.url);
    const post = (headers: Record<string, string>, body: Buffer) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ hostname, port, method: 'POST', path: '/trpc/media.upload', headers }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        });
        req.on('error', reject);
        // in two writes without a content-length: chunked transfer encoding
        req.write(body.subarray(0, 100));
        req.end(body.subarray(100));
      });
    const multipart = async (f: FormData) => {
      const r = new Request('http://x/', { method: 'POST', body: f });
      return { type: r.headers.get('content-type')!, body: Buffer.from(await r.arrayBuffer()) };
    };
    const photo = await multipart(form(await jpegWithGps(), 'wall.jpg', 'image/jpeg', 'sent in chunks'));
    const ok = await post({ authorization: `Bearer ${token}`, 'content-type': photo.type }, photo.body);
    expect(ok.status, ok.body).toBe(200);
    expect(JSON.parse(ok.body).result.data.json).toMatchObject({ kind: 'image', alt: 'sent in chunks' });

    const onlyAlt = new FormData();
    onlyAlt.set('alt', 'no file here');
    const noFile = await multipart(onlyAlt);
    const refusedNoFile = await post({ authorization: `Bearer ${token}`, 'content-type': noFile.type }, noFile.body);
    expect([refusedNoFile.status, JSON.parse(refusedNoFile.body).error.json.data.code]).toEqual([400, 'BAD_REQUEST']);
    const json = await post({ authorization: `Bearer ${token}`, 'content-type': 'application/json' }, Buffer.from('{"json":{}}'));
    expect([json.status, JSON.parse(json.body).error.json.data.code]).toEqual([400, 'BAD_REQUEST']);
    const signedOut = await post({ 'content-type': photo.type }, photo.body);
    expect([signedOut.status, JSON.parse(signedOut.body).error.json.data.code]).toEqual([401, 'UNAUTHORIZED']);
    // refused before the procedure ran, and still counted
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tweetstore_calls_total\{[^}]*path="media\.upload"[^}]*code="UNAUTHORIZED"[^}]*\} 1/);
  });

  it('refuses an upload that declares more than the largest allowed before reading it', async () => {
    const { hostname, port } = new URL(server.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ hostname, port, method: 'POST', path: '/trpc/media.upload', headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(500 * 1024 * 1024) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('--x\r\n'); // and nothing more: the answer must not wait for the 500 MB
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.json.data.code).toBe('PAYLOAD_TOO_LARGE');
    expect(answer.body).toContain('larger than the largest allowed (100 MiB)');
  });
});
