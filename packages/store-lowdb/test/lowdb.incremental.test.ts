// Incremental checkpoints: only changed chunks are written, unchanged chunk files are reused, a checkpoint captured
// while writes go on holds exactly the state at its seq, and compaction applies the retention rule.
import { cp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { authoring, crashImage, logCapture, openedStores, tempDirs } from './support.ts';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_EDIT_POLICY, manualClock, parseContent, type User } from '@tweetstore/core';
import type { StoreEvent, TweetStore } from '@tweetstore/store';
import { compactStore, storeSizes, type LowdbStoreOptions } from '@tweetstore/store-lowdb';
import { Projection } from '../src/projection/projection.ts';
import { CheckpointCapture, type ChunkRows } from '../src/checkpoint/format/snapshot.ts';
import { CheckpointStore } from '../src/checkpoint/checkpoints.ts';
import { HistoryFiles } from '../src/checkpoint/histories.ts';
import { loadCheckpoint } from '../src/checkpoint/load.ts';

const stores = openedStores();
const tempDir = tempDirs('tweetstore-incremental-');

const clock = manualClock();
const open = (dataDir: string, options: Partial<LowdbStoreOptions> = {}) =>
  stores.open({ dataDir, clock, policy: DEFAULT_EDIT_POLICY, ...options });
const closeStore = stores.close;
const { register, post } = authoring('i');

async function everything(store: TweetStore, viewer: User) {
  const page = await store.listTweets({ viewerId: viewer.id, limit: 1000, includeArchived: true });
  const engagement = await Promise.all(page.items.map((t) => store.getEngagement(t.id, viewer.id)));
  return { tweets: page.items, engagement, versions: await Promise.all(page.items.map((t) => store.listVersions(t.id, t.author.id))) };
}

const cpDir = (dataDir: string, name: string) => join(dataDir, 'checkpoints', name);
async function checkpointNames(dataDir: string): Promise<string[]> {
  return (await readdir(join(dataDir, 'checkpoints'))).filter((n) => n.startsWith('cp-')).sort();
}
async function inodes(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const name of await readdir(dir)) out.set(name, (await stat(join(dir, name))).ino);
  return out;
}

/** 1 author + 1 fan, 12 tweets in chunks of 3: users-00000, tweets-, details- and history-00000..00003, then a checkpoint. */
async function twelveTweets(options: Partial<LowdbStoreOptions> = {}) {
  const dataDir = await tempDir();
  let store = await open(dataDir, { checkpointRowsPerFile: 3, ...options });
  const [author, fan] = [await register(store), await register(store)];
  const tweets = [];
  for (let i = 0; i < 12; i++) tweets.push(await post(store, author, `tweet ${i}`));
  await closeStore(store);
  const log = logCapture();
  store = await open(dataDir, { checkpointRowsPerFile: 3, logger: log.logger, ...options });
  return { dataDir, store, author: author!, fan: fan!, tweets, log };
}

describe('lowdb engine: incremental checkpoints', () => {
  it('writes only the chunks that changed and reuses the files of the others', async () => {
    const { dataDir, store, author, fan, tweets, log } = await twelveTweets();
    await store.engage({ id: tweets[4]!.id, userId: fan.id, action: 'like' }); // chunk 1
    await store.editTweet({ id: tweets[10]!.id, actorId: author.id, text: parseContent('tweet 10, edited') }); // chunk 3
    const expected = await everything(store, author);
    await closeStore(store);

    // The like changes chunk 1's tweets and details; the edit chunk 3's, and its history, and its new word is the
    // search dictionary's 15th term (ids 0-13 are `tweet`, `0`-`11`, `from:`): its last chunk of three grows.
    expect(log.written()).toEqual([expect.objectContaining({ written: 6, reused: 12 })]);
    const [first, second] = await checkpointNames(dataDir);
    const [a, b] = [await inodes(cpDir(dataDir, first!)), await inodes(cpDir(dataDir, second!))];
    const reused = ['users-00000', 'tweets-00000', 'details-00000', 'tweets-00002', 'details-00002', 'history-00000', 'history-00001', 'history-00002'];
    reused.push('terms-00000', 'terms-00001', 'terms-00002', 'terms-00003');
    for (const file of reused) expect(b.get(`${file}.json`)).toBe(a.get(`${file}.json`));
    for (const file of ['tweets-00001', 'details-00001', 'tweets-00003', 'details-00003', 'history-00003', 'terms-00004', 'manifest']) {
      expect(b.get(`${file}.json`)).not.toBe(a.get(`${file}.json`));
    }
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());

    // The older checkpoint goes; the newer one still has every file.
    const again = await open(dataDir, { checkpointRowsPerFile: 3 });
    const thirteenth = await post(again, author, 'a thirteenth tweet'); // chunk 4, new
    await closeStore(again);
    expect(await checkpointNames(dataDir)).toEqual([second, expect.any(String)]);
    const reopened = await open(dataDir, { checkpointRowsPerFile: 3 });
    expect((await reopened.stats()).details.checkpointSeq).toBe(await reopened.events.head());
    const now = await everything(reopened, author);
    const at = now.tweets.findIndex((t) => t.id === thirteenth.id);
    for (const list of [now.tweets, now.versions, now.engagement]) list.splice(at, 1);
    expect(now).toEqual(expected);
  });

  it('keeps the likes and retweets taken back in a chunk whose files it reuses', async () => {
    const { dataDir, store, author, fan, tweets } = await twelveTweets();
    const churned = tweets[1]!; // chunk 0
    for (const action of ['like', 'unlike', 'retweet', 'unretweet'] as const) await store.engage({ id: churned.id, userId: fan.id, action });
    const { velocity } = await store.getEngagement(churned.id, null);
    await closeStore(store);
    const log = logCapture();
    const again = await open(dataDir, { checkpointRowsPerFile: 3, logger: log.logger });
    await again.editTweet({ id: tweets[10]!.id, actorId: author.id, text: parseContent('tweet 10, edited') }); // chunk 3
    await closeStore(again);
    expect(log.written()).toEqual([expect.objectContaining({ written: 4, reused: 14 })]); // chunk 3's three files, the dictionary's last
    const [first, second] = await checkpointNames(dataDir);
    expect((await inodes(cpDir(dataDir, second!))).get('tweets-00000.json')).toBe((await inodes(cpDir(dataDir, first!))).get('tweets-00000.json'));

    const reopened = await open(dataDir, { checkpointRowsPerFile: 3 });
    const head = await reopened.events.head();
    await reopened.engage({ id: churned.id, userId: fan.id, action: 'like' });
    const relike = await reopened.engage({ id: churned.id, userId: fan.id, action: 'retweet' });
    expect(relike).toMatchObject({ likes: 1, retweets: 1, velocity });
    expect(((await reopened.events.after(head, 10)) as StoreEvent[]).map((e) => 'velocity' in e && e.velocity)).toEqual([false, false]);
  });

  it('writes every chunk again when the chunk size changed', async () => {
    const { dataDir, store, fan, tweets } = await twelveTweets();
    await closeStore(store);
    const log = logCapture();
    const resized = await open(dataDir, { checkpointRowsPerFile: 5, logger: log.logger });
    await resized.engage({ id: tweets[0]!.id, userId: fan.id, action: 'like' });
    await closeStore(resized);
    expect(log.written()).toEqual([expect.objectContaining({ written: 13, reused: 0 })]); // users + 3 chunks of 3 files + 3 of 14 terms
  });

  it('detects a corrupt reused chunk when loading, and falls back', async () => {
    const { dataDir, store, author, fan, tweets } = await twelveTweets();
    await store.engage({ id: tweets[4]!.id, userId: fan.id, action: 'like' });
    const expected = await everything(store, author);
    await closeStore(store);
    const [, newest] = await checkpointNames(dataDir);
    const shared = join(cpDir(dataDir, newest!), 'details-00000.json'); // reused: one file in both checkpoints
    await writeFile(shared, (await readFile(shared, 'utf8')).replace('tweet 1', 'tweet 9'));
    const log = logCapture();
    const recovered = await open(dataDir, { checkpointRowsPerFile: 3, logger: log.logger });
    expect(await everything(recovered, author)).toEqual(expected);
    // Both checkpoints share the damaged file: both are moved aside, and the journal holds everything.
    expect(log.warns().map((w) => w.obj.checkpoint)).toHaveLength(2);
    expect(log.warns()[0]!.msg).toContain('details-00000.json does not match its checksum');
    expect((await recovered.stats()).details.checkpointSeq).toBe(0);
  });

  it('captures a checkpoint at one seq while events change chunks not yet written', async () => {
    const dataDir = await tempDir();
    const log = logCapture();
    const rows = 2;
    const store = await open(dataDir, { checkpointRowsPerFile: rows, checkpointEveryEvents: 30, logger: log.logger });
    const author = await register(store);
    const fans = [await register(store), await register(store)];
    const tweets = [];
    for (let i = 0; i < 27; i++) tweets.push(await post(store, author, `tweet ${i}`)); // seq 30 starts a checkpoint
    const checkpointSeq = await store.events.head();
    // The capture has begun but taken no chunk yet: every change below is copied on write, none may leak in.
    const work: Promise<unknown>[] = [];
    for (const [i, t] of tweets.entries()) {
      work.push(store.editTweet({ id: t.id, actorId: author.id, text: parseContent(`tweet ${i}, edited`) }));
      work.push(store.engage({ id: t.id, userId: fans[i % 2]!.id, action: i % 3 ? 'like' : 'retweet' }));
      if (i % 4 === 0) work.push(store.engage({ id: t.id, userId: fans[i % 2]!.id, action: i % 3 ? 'unlike' : 'unretweet' }));
    }
    for (let round = 0; round < 5; round++) {
      await new Promise((resolve) => setImmediate(resolve)); // and more between the chunks
      for (const t of tweets.slice(round * 5, round * 5 + 5)) work.push(store.transitionTweet({ id: t.id, actorId: author.id, to: 'archive' }));
    }
    await Promise.all(work);
    await vi.waitFor(async () => expect((await store.stats()).details.checkpointSeq).toBe(checkpointSeq));

    // The checkpoint alone equals the events up to its seq applied to an empty projection.
    const storeId = JSON.parse(await readFile(join(dataDir, 'store.json'), 'utf8')).storeId as string;
    const checkpoints = new CheckpointStore(join(dataDir, 'checkpoints'), storeId);
    const { projection } = await loadCheckpoint(checkpoints, `cp-${String(checkpointSeq).padStart(16, '0')}`, clock.now());
    const replayed = new Projection();
    for (const event of (await store.events.after(0, checkpointSeq)) as StoreEvent[]) replayed.apply(event);
    const chunkRows: ChunkRows = { users: rows, sessions: rows, media: rows, texts: rows, tweets: rows, tags: rows, terms: rows };
    const histories = new HistoryFiles(checkpoints);
    expect(await rowsOf(projection, chunkRows, histories)).toEqual(await rowsOf(replayed, chunkRows, histories));

    // And recovery from it plus the journal is exactly today's state.
    const expected = await everything(store, author);
    const head = await store.events.head();
    const image = await tempDir();
    await cp(dataDir, image, { recursive: true });
    const recovered = await open(image, { checkpointRowsPerFile: rows });
    expect(await recovered.events.head()).toBe(head);
    expect(await everything(recovered, author)).toEqual(expected);
  });
});

describe('compactStore', () => {
  it('writes a checkpoint, keeps two checkpoints and the journal from the older one on, and reports sizes', async () => {
    const dataDir = await tempDir();
    const options = { retainEvents: 0, journalSegmentBytes: 300, checkpointEveryEvents: 10 };
    const store = await open(dataDir, options);
    const author = await register(store);
    for (let i = 0; i < 40; i++) await post(store, author, `tweet ${i}`);
    await vi.waitFor(async () => expect((await store.stats()).details.checkpointSeq).toBeGreaterThanOrEqual(30));
    for (let i = 0; i < 3; i++) await post(store, author, `after ${i}`);
    const expected = await everything(store, author);
    const head = await store.events.head();
    // Crashed: no final checkpoint, and (after a restart) the engine does not know the older checkpoint.
    const image = await crashImage(dataDir, tempDir);
    const complete = [];
    for (const name of await checkpointNames(image)) if ((await readdir(cpDir(image, name))).includes('manifest.json')) complete.push(name);
    const previousNewest = complete.at(-1)!;

    const { before, after } = await compactStore(image, undefined, { retainEvents: 0 });
    expect(await checkpointNames(image)).toEqual([previousNewest, `cp-${String(head).padStart(16, '0')}`]);
    expect(after.checkpoints).toBe(2);
    expect(after.journalSegments).toBeLessThan(before.journalSegments);
    expect(after.journalBytes).toBeLessThan(before.journalBytes);
    expect(await storeSizes(image)).toEqual(after);
    const older = previousNewest;
    const reopened = await open(image, options);
    expect(await everything(reopened, author)).toEqual(expected);
    // The fallback still works: the journal reaches back to the older checkpoint.
    expect((await reopened.stats()).oldestRetainedSeq).toBeLessThanOrEqual(Number(older.slice(3)));
  });
});

/** Every file of a projection as a full checkpoint would hold it. */
async function rowsOf(p: Projection, rows: ChunkRows, histories: HistoryFiles) {
  const capture = new CheckpointCapture(p, clock.now(), rows, null, (ref) => histories.read(ref));
  const files = [];
  for (const step of capture.steps) files.push(...(await step.take()));
  capture.finish();
  return files;
}
