// `tweetstore migrate`, as an operator runs it: a real data folder (seeded, then written through a real server on the
// embedded engine: uploads by two users with their own alt texts, edits, a revert, a draft published, an archived
// tweet, a reply, likes and retweets taken back, views, an idempotency key, sessions), the server stopped, the command
// run as a child process into a fresh PostgreSQL database and an s3rver bucket, then a real server started on them
// with TWEETSTORE_STORE=postgres: it serves what the old one served, the old session tokens sign in, and the event
// stream continues after the folder's last event.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, createClient, type TweetstoreClient } from '@tweetstore/client';
import { systemClock } from '@tweetstore/core';
import { seedStore } from '@tweetstore/store';
import { openLowdbStore } from '@tweetstore/store-lowdb';
import { bigJpeg, jpegWithGps } from '../../../packages/media/test/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../../../packages/store-postgres/test/support/postgres.ts';
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from '../../../packages/store-postgres/test/support/s3rver.ts';
import { allTweets, startServerProcess, startSignal, tempDataDir, type ServerProcess } from './harness.ts';

const bin = fileURLToPath(new URL('../../../packages/client/bin/tweetstore.mjs', import.meta.url));

type Api = TweetstoreClient;
type Tweet = Awaited<ReturnType<Api['tweet']['get']['query']>>;

function migrate(from: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [bin, 'migrate', '--from', from], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

const form = (bytes: Uint8Array, alt: string) => {
  const f = new FormData();
  f.set('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'photo.jpg');
  f.set('alt', alt);
  return f;
};

/** What a tweet shows, without its velocity (rates decay with time). */
const shown = (t: Tweet) => ({ ...t, engagement: { ...t.engagement, velocity: undefined } });

describe('tweetstore migrate', { timeout: 180_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  const clients: Api[] = [];
  let db: TestDatabase;
  let s3: RunningS3rver;
  let folder: string;
  let env: Record<string, string>;
  const before: {
    tokens: { ada: string; bob: string };
    ids: { ada: string; bob: string };
    tweets: Record<'withMedia' | 'keyed' | 'draft' | 'archived' | 'reply' | 'reverted', Tweet>;
    timeline: Tweet[];
    archivedAsAuthor: Tweet;
    versions: unknown;
    media: { shared: string; unattached: string };
    files: Map<string, Buffer>;
    head: number;
    storeId: string;
  } = {} as never;

  const client = (url: string, token?: string) => {
    const api = createClient({ url, ...(token ? { token } : {}), transport: 'ws' });
    clients.push(api);
    return api;
  };

  const fetchFile = async (server: ServerProcess, urlPath: string, token: string) => {
    const res = await fetch(server.url + urlPath, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, urlPath).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };

  beforeAll(async () => {
    const data = await tempDataDir();
    cleanups.push(data.remove);
    folder = path.join(data.dir, 'data');
    const seeded = await openLowdbStore({ dataDir: folder, clock: systemClock, policy: { windowMs: 0, maxEdits: 0 } });
    await seedStore(seeded, { tweets: 300, edits: 150, users: 12, seed: 7 });
    await seeded.close();

    const old = await startServerProcess(folder);
    try {
      const anon = client(old.url);
      const ada = await anon.auth.register.mutate({ username: 'ada_migrates', password: 'migrate-password-1' });
      const bob = await anon.auth.register.mutate({ username: 'bob_migrates', password: 'migrate-password-1' });
      before.tokens = { ada: ada.token, bob: bob.token };
      before.ids = { ada: ada.user.id, bob: bob.user.id };
      const [asAda, asBob] = [client(old.url, ada.token), client(old.url, bob.token)];
      const photo = await jpegWithGps();
      const shared = await asAda.media.upload.mutate(form(photo, 'a red wall'));
      await asBob.media.upload.mutate(form(photo, 'bricks'));
      const unattached = await asBob.media.upload.mutate(form(await bigJpeg(), 'never posted'));
      before.media = { shared: shared.id, unattached: unattached.id };
      const withMedia = await asAda.tweet.create.mutate({ content: 'the wall #migrate', mediaIds: [shared.id] });
      const keyed = await asAda.tweet.create.mutate({ content: 'once only', idempotencyKey: 'migrate-key-1' });
      const draft = await asAda.tweet.create.mutate({ content: 'a draft', draft: true });
      await asAda.tweet.edit.mutate({ id: draft.id, content: 'a draft, edited' });
      await asAda.tweet.publish.mutate({ id: draft.id });
      const archived = await asBob.tweet.create.mutate({ content: 'soon archived' });
      await asBob.tweet.archive.mutate({ id: archived.id });
      const reply = await asBob.tweet.create.mutate({ content: '@ada_migrates nice wall', replyToId: withMedia.id });
      const reverted = await asAda.tweet.create.mutate({ content: 'first take' });
      await asAda.tweet.edit.mutate({ id: reverted.id, content: 'second take' });
      await asAda.tweet.edit.mutate({ id: reverted.id, content: 'third take 🌵' });
      await asAda.tweet.revert.mutate({ id: reverted.id, toVersion: 1 });
      for (const action of ['like', 'retweet', 'view'] as const) await asBob.tweet.engage.mutate({ id: withMedia.id, action });
      for (const action of ['like', 'unlike'] as const) await asBob.tweet.engage.mutate({ id: keyed.id, action });
      for (const action of ['retweet', 'unretweet'] as const) await asAda.tweet.engage.mutate({ id: reply.id, action });

      const get = (id: string) => asAda.tweet.get.query({ id });
      before.tweets = {
        withMedia: await get(withMedia.id),
        keyed: await get(keyed.id),
        draft: await get(draft.id),
        archived: await asBob.tweet.get.query({ id: archived.id }),
        reply: await get(reply.id),
        reverted: await get(reverted.id),
      };
      before.archivedAsAuthor = before.tweets.archived;
      before.versions = await client(old.url).tweet.versions.query({ id: reverted.id });
      before.files = new Map();
      for (const m of [shared, unattached]) for (const v of m.variants) before.files.set(v.url, await fetchFile(old, v.url, bob.token));
      before.timeline = await allTweets(client(old.url));
    } finally {
      await Promise.all(clients.splice(0).map(closeClient));
      expect(await old.kill('SIGTERM')).toBe(0);
    }
    // the folder's head and identity, as the store itself tells them
    const closed = await openLowdbStore({ dataDir: folder, clock: systemClock, policy: { windowMs: 0, maxEdits: 0 } });
    before.head = await closed.events.head();
    before.storeId = closed.storeId;
    await closed.close();

    db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const s3dir = await mkdtemp(path.join(tmpdir(), 'tweetstore-migrate-s3-'));
    s3 = await startS3rver(s3dir);
    cleanups.push(async () => {
      await s3.close();
      await rm(s3dir, { recursive: true, force: true });
    });
    env = {
      TWEETSTORE_DATABASE_URL: db.url,
      TWEETSTORE_BLOB_STORE: 's3',
      TWEETSTORE_S3_ENDPOINT: s3.endpoint,
      TWEETSTORE_S3_BUCKET: `tweetstore-migrate-${randomBytes(4).toString('hex')}`,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      TWEETSTORE_DATA_DIR: path.join(data.dir, 'unused'),
    };
  }, 180_000);

  afterAll(async () => {
    await Promise.all(clients.map(closeClient));
    while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
  });

  it('copies the folder into PostgreSQL + S3 and finds 0 differences; a server on them serves what the old one served', async () => {
    const run = await migrate(folder, env);
    expect(run.code, `${run.out}\n${run.err}`).toBe(0);
    expect(run.out).toMatch(/users 14 · sessions 2 · tweets 30\d · versions \d+ · likes \d+ · retweets \d+ · media 2 · files \d+ \(\d+ copied, 0 already there\)/);
    expect(run.out).toContain('differences: 0');
    expect(run.out).toContain(`events continue after ${before.head}`);
    // stderr is no terminal here: one line per phase
    expect(run.err).toContain('Ctrl-C cancels');
    expect(run.err).toMatch(/^import: user 14\/14, session 2\/2, media 2\/2, tweet 30\d\/30\d in [\d.]+ s$/m);
    expect(run.err).toMatch(/^media: copy (\d+)\/\1 in [\d.]+ s$/m);
    expect(run.err).toMatch(/^verify: store 1\/1, user 14\/14, session 2\/2, media 2\/2, tweet 30\d\/30\d, files (\d+)\/\1 in [\d.]+ s$/m);

    // a rerun into the same database is refused, changing nothing
    const again = await migrate(folder, env);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already holds a store (14 users');

    const server = await startServerProcess(env.TWEETSTORE_DATA_DIR!, { ...env, TWEETSTORE_STORE: 'postgres' });
    try {
      const [asAda, asBob, anon] = [client(server.url, before.tokens.ada), client(server.url, before.tokens.bob), client(server.url)];
      // sessions issued before the migration sign in
      expect((await asAda.auth.me.query())?.id).toBe(before.ids.ada);
      expect((await asBob.auth.me.query())?.id).toBe(before.ids.bob);
      // tweets, versions, likes, media as they were
      for (const t of Object.values(before.tweets)) {
        const viewer = t.id === before.tweets.archived.id ? asBob : asAda;
        expect(shown(await viewer.tweet.get.query({ id: t.id }))).toEqual(shown(t));
      }
      expect(before.tweets.withMedia.engagement).toMatchObject({ likes: 1, retweets: 1, replies: 1 });
      expect(await anon.tweet.versions.query({ id: before.tweets.reverted.id })).toEqual(before.versions);
      expect((await allTweets(anon)).map(shown)).toEqual(before.timeline.map(shown));
      for (const [url, bytes] of before.files) expect((await fetchFile(server, url, before.tokens.bob)).equals(bytes), url).toBe(true);
      // the idempotency key is remembered
      expect((await asAda.tweet.create.mutate({ content: 'once only', idempotencyKey: 'migrate-key-1' })).id).toBe(before.tweets.keyed.id);

      // the stream continues after the folder's head: from it, the next event; from before it, a reset
      const fromHead: unknown[] = [];
      const fromOlder: unknown[] = [];
      const [headStarted, olderStarted] = [startSignal(), startSignal()];
      const subs = [
        asAda.tweet.onChange.subscribe({ lastEventId: `${before.head}@${before.storeId}` }, { onStarted: headStarted.onStarted, onData: (d) => fromHead.push(d) }),
        asAda.tweet.onChange.subscribe({ lastEventId: `${before.head - 1}@${before.storeId}` }, { onStarted: olderStarted.onStarted, onData: (d) => fromOlder.push(d) }),
      ];
      await Promise.all([headStarted.started, olderStarted.started]);
      const posted = await asAda.tweet.create.mutate({ content: 'the first tweet after the move' });
      await expect.poll(() => fromHead.length).toBeGreaterThan(0);
      await expect.poll(() => fromOlder.length).toBeGreaterThan(1);
      subs.forEach((s) => s.unsubscribe());
      expect(fromHead[0]).toMatchObject({ id: `${before.head + 1}@${before.storeId}`, data: { type: 'created', tweet: { id: posted.id } } });
      expect(fromOlder[0]).toMatchObject({ data: { type: 'reset' } });
      expect(fromOlder[1]).toMatchObject({ id: `${before.head + 1}@${before.storeId}` });
    } finally {
      await Promise.all(clients.splice(0).map(closeClient));
      expect(await server.kill('SIGTERM')).toBe(0);
    }
  });
});
