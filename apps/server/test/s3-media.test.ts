// Media in S3 through the real server: TWEETSTORE_BLOB_STORE=s3 on s3rver (a real S3-protocol server, in this
// process). An upload over the HTTP API is stored as objects in the bucket (nothing in the data folder), and
// /media/... answers exactly what a server on disk answers for the same upload: status, type, ETag, caching, byte
// ranges and bytes.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, createClient, type TweetstoreClient } from '@tweetstore/client';
import { bigJpeg, jpegWithGps } from '../../../packages/media/test/fixtures.ts';
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from '../../../packages/store-postgres/test/support/s3rver.ts';
import { startServerProcess, tempDataDir, type ServerProcess } from './harness.ts';
import { freePort } from './redis-server.ts';

const BUCKET = 'tweetstore-media';

interface Instance {
  server: ServerProcess;
  api: TweetstoreClient;
  token: string;
}

const form = (bytes: Uint8Array, filename: string, type: string) => {
  const f = new FormData();
  f.set('file', new Blob([bytes], { type }), filename);
  return f;
};

/** What a client sees of a media answer: status, the headers that describe it, and the bytes. */
async function answer(instance: Instance, urlPath: string, init: { method?: string; headers?: Record<string, string>; signedIn?: boolean } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.signedIn) headers.authorization = `Bearer ${instance.token}`;
  const res = await fetch(instance.server.url + urlPath, { method: init.method ?? 'GET', headers });
  const described = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'etag', 'cache-control', 'x-content-type-options'];
  return {
    status: res.status,
    headers: Object.fromEntries(described.map((name) => [name, res.headers.get(name)])),
    bytes: Buffer.from(await res.arrayBuffer()).toString('base64'),
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('media in S3 through the real server', () => {
  let s3: RunningS3rver;
  let s3Dir: string;
  let onDisk: Instance;
  let onS3: Instance;
  const cleanups: (() => Promise<unknown>)[] = [];

  const start = async (env: Record<string, string>): Promise<Instance> => {
    const data = await tempDataDir();
    const server = await startServerProcess(data.dir, env);
    const anon = createClient({ url: server.url });
    const { token } = await anon.auth.register.mutate({ username: 'photographer', password: 'media-password-1' });
    await closeClient(anon);
    const api = createClient({ url: server.url, token });
    cleanups.push(async () => {
      await closeClient(api);
      expect(await server.kill('SIGTERM'), server.output()).toBe(0);
      await data.remove();
    });
    return { server, api, token };
  };

  beforeAll(async () => {
    s3Dir = await mkdtemp(path.join(tmpdir(), 'tweetstore-s3rver-'));
    s3 = await startS3rver(s3Dir);
    [onDisk, onS3] = await Promise.all([
      start({}),
      start({
        TWEETSTORE_BLOB_STORE: 's3',
        TWEETSTORE_S3_ENDPOINT: s3.endpoint,
        TWEETSTORE_S3_BUCKET: BUCKET,
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      }),
    ]);
  }, 60_000);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await s3?.close();
    await rm(s3Dir, { recursive: true, force: true });
  });

  it('stores an upload in the bucket, and serves it exactly as the disk engine does, before and after it is posted', async () => {
    const [photo, big] = await Promise.all([jpegWithGps(), bigJpeg()]);
    for (const [bytes, name] of [[photo, 'holiday.jpg'], [big, 'big.jpg']] as const) {
      const [fromDisk, fromS3] = await Promise.all([onDisk.api.media.upload.mutate(form(bytes, name, 'image/jpeg')), onS3.api.media.upload.mutate(form(bytes, name, 'image/jpeg'))]);
      expect(fromS3).toEqual(fromDisk);
      const media = fromS3;

      // in the bucket, and nowhere in the S3 server's data folder
      const objects = (await filesUnder(path.join(s3Dir, BUCKET))).filter((file) => file.includes(media.id));
      expect(objects.length).toBeGreaterThanOrEqual(media.variants.length);
      expect(await filesUnder(path.join(onS3.server.dataDir, 'media'))).toEqual([]);
      expect((await filesUnder(path.join(onDisk.server.dataDir, 'media'))).some((file) => file.includes(media.id))).toBe(true);

      const original = media.variants.find((v) => v.name === 'original') ?? media.variants[0]!;
      const size = Number((await answer(onDisk, original.url, { signedIn: true, method: 'HEAD' })).headers['content-length']);
      expect(size).toBeGreaterThan(200);
      const asks: [string, Parameters<typeof answer>[2]][] = [];
      for (const variant of media.variants) asks.push([variant.url, { signedIn: true }]);
      asks.push(
        [`/media/${media.id}`, { signedIn: true }],
        [original.url, { signedIn: true, method: 'HEAD' }],
        [original.url, { signedIn: true, headers: { range: 'bytes=100-199' } }],
        [original.url, { signedIn: true, headers: { range: 'bytes=-10' } }],
        [original.url, { signedIn: true, headers: { range: `bytes=${size - 1}-` } }],
        [original.url, { signedIn: true, headers: { range: `bytes=${size + 10}-` } }],
        [original.url, { signedIn: true, headers: { range: 'bytes=0-9', 'if-range': `"${media.id.slice(0, 32)}-original"` } }],
        [original.url, { signedIn: true, headers: { 'if-none-match': `"${media.id.slice(0, 32)}-original"` } }],
        [original.url, {}], // not posted yet: nobody else's
        [`/media/${media.id}/nope`, { signedIn: true }],
      );
      const compare = async (when: string) => {
        for (const [urlPath, init] of asks) {
          const [disk, s3Answer] = await Promise.all([answer(onDisk, urlPath, init), answer(onS3, urlPath, init)]);
          expect(s3Answer, `${when}: ${init?.method ?? 'GET'} ${urlPath} ${JSON.stringify(init?.headers ?? {})}`).toEqual(disk);
        }
      };
      await compare('before posting');
      // the answers checked are the ones a real client relies on
      const whole = await answer(onS3, original.url, { signedIn: true });
      expect(whole.status).toBe(200);
      expect(Buffer.from(whole.bytes, 'base64').length).toBe(size);
      const part = await answer(onS3, original.url, { signedIn: true, headers: { range: 'bytes=100-199' } });
      expect([part.status, part.headers['content-range']]).toEqual([206, `bytes 100-199/${size}`]);

      await Promise.all([onDisk, onS3].map((i) => i.api.tweet.create.mutate({ content: `posted ${name}`, mediaIds: [media.id] })));
      await compare('after posting');
      expect((await answer(onS3, original.url)).headers['cache-control']).toBe('public, max-age=300');
    }
  });
});

describe('an S3 server that does not answer at start', () => {
  it('stops the start with an error naming TWEETSTORE_BLOB_STORE=s3 and the endpoint', async () => {
    const data = await tempDataDir();
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    try {
      const failed = await startServerProcess(data.dir, { TWEETSTORE_BLOB_STORE: 's3', TWEETSTORE_S3_ENDPOINT: endpoint, TWEETSTORE_S3_BUCKET: BUCKET, AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' }).then(
        (server) => `started: ${server.url}`,
        (error: Error) => error.message,
      );
      expect(failed).toContain('server exited (1) before listening');
      expect(failed).toContain('TWEETSTORE_BLOB_STORE=s3: ');
      expect(failed).toContain(BUCKET);
    } finally {
      await data.remove();
    }
  });
});
