// A restart of a large store reads little before it is ready: the tweets files (what the indexes need), not the
// details files (content, counters, likes) nor the history files. These tests hold that what it reads later is
// exactly what was there, that later checkpoints keep it readable, that damage to any file is still found before the
// store opens, and that the retention of checkpoints and journal carries over a restart.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_EDIT_POLICY, manualClock, parseContent, type User } from '@tweetstore/core';
import type { LowdbStoreOptions, TweetStore } from '@tweetstore/store';
import { authoring, logCapture, openedStores, tempDirs } from './support.ts';

const stores = openedStores();
const tempDir = tempDirs('tweetstore-restart-');
const clock = manualClock();
const { register, post } = authoring('r');

/** Chunks of 2 tweets; details files are read only when their tweets are asked for. */
const base = (dataDir: string, extra: Partial<LowdbStoreOptions> = {}): LowdbStoreOptions => ({
  dataDir,
  clock,
  policy: { ...DEFAULT_EDIT_POLICY, maxEdits: 0 },
  checkpointRowsPerFile: 2,
  readDetailsInBackground: false,
  ...extra,
});

async function everything(store: TweetStore, author: User, fan: User) {
  const page = await store.listTweets({ viewerId: author.id, limit: 100, includeArchived: true });
  return {
    tweets: page.items,
    versions: await Promise.all(page.items.map((t) => store.listVersions(t.id))),
    engagement: await Promise.all(page.items.map((t) => store.getEngagement(t.id, fan.id))),
  };
}

/** Nine tweets of every kind: edited, replied to, liked, retweeted, viewed, with media, a draft, an archived one. */
async function nineTweets(store: TweetStore) {
  const [author, fan] = [await register(store), await register(store)];
  const t = [];
  for (let i = 0; i < 7; i++) t.push(await post(store, author, `tweet ${i} #n${i} @${fan.username} 😀 日本語 https://example.com/${i}`));
  t.push(await post(store, fan, 'a reply', { replyToId: t[1]!.id }));
  t.push(await post(store, author, 'a draft', { draft: true, mediaIds: ['m'.repeat(64)] }));
  for (let v = 0; v < 4; v++) await store.editTweet({ id: t[3]!.id, actorId: author.id, text: parseContent(`tweet 3, take ${v}`) });
  await store.revertTweet({ id: t[3]!.id, actorId: author.id, toVersion: 2 });
  await store.engage({ id: t[1]!.id, userId: fan.id, action: 'like' });
  await store.engage({ id: t[5]!.id, userId: fan.id, action: 'retweet' });
  await store.engage({ id: t[5]!.id, userId: fan.id, action: 'view' });
  await store.transitionTweet({ id: t[6]!.id, actorId: author.id, to: 'archive' });
  return { author: author!, fan: fan!, tweets: t };
}

const checkpointNames = async (dataDir: string) => (await readdir(join(dataDir, 'checkpoints'))).filter((n) => n.startsWith('cp-')).sort();

describe('lowdb engine: restart', () => {
  it('answers a restarted store with every field before it has read its details files', async () => {
    const dataDir = await tempDir();
    let store = await stores.open(base(dataDir, { viewsFlushMs: 1 }));
    const { author, fan } = await nineTweets(store);
    await vi.waitFor(() => expect(store.headSeq()).toBe(20)); // the view is journaled
    const expected = await everything(store, author, fan);
    const { users, tweets, versions, sessions, headSeq } = store.stats();
    await stores.close(store);
    store = await stores.open(base(dataDir));
    expect(await everything(store, author, fan)).toEqual(expected);
    expect(store.stats()).toMatchObject({ users, tweets, versions, sessions, headSeq });
  });

  it('lists tweets that changed before its timelines were built where they are now', async () => {
    const dataDir = await tempDir();
    let store = await stores.open(base(dataDir));
    const { author, fan, tweets } = await nineTweets(store);
    await stores.close(store);
    store = await stores.open(base(dataDir)); // the timelines are built after the first turn of the event loop
    clock.advance(1000); // ids of new tweets sort after the old ones
    const changes = [
      store.transitionTweet({ id: tweets[8]!.id, actorId: author.id, to: 'publish' }),
      store.transitionTweet({ id: tweets[2]!.id, actorId: author.id, to: 'archive' }),
      store.transitionTweet({ id: tweets[6]!.id, actorId: author.id, to: 'restore' }),
      post(store, fan, 'a second reply', { replyToId: tweets[1]!.id }),
    ];
    const page = (q: object) => store.listTweets({ viewerId: author.id, limit: 20, ...q }).then((p) => p.items.map((t) => t.content));
    const [everyone, archived, replies] = [page({}), page({ includeArchived: true }), page({ replyToId: tweets[1]!.id, authorId: fan.id })];
    await Promise.all(changes);
    const now = await Promise.all(tweets.map((t) => store.getTweet(t.id, author.id)));
    const contents = (ids: number[]) => ids.map((i) => now[i]!.content);
    expect(await everyone).toEqual(['a second reply', ...contents([8, 7, 6, 5, 4, 3, 1, 0])]);
    expect(await archived).toEqual(['a second reply', ...contents([8, 7, 6, 5, 4, 3, 2, 1, 0])]);
    expect(await replies).toEqual(['a second reply', 'a reply']);
  });

  it('reads details and histories from later checkpoints once the one it started from is gone', async () => {
    const dataDir = await tempDir();
    let store = await stores.open(base(dataDir));
    const { author, fan, tweets } = await nineTweets(store);
    const edited = tweets[3]!; // chunk 1: its history is in a history file after the checkpoint
    const expected = { tweet: await store.getTweet(edited.id, author.id), versions: await store.listVersions(edited.id) };
    await stores.close(store);
    const [started] = await checkpointNames(dataDir);
    // Two more checkpoints that change other chunks only: the first one is removed, its files live on as links.
    store = await stores.open(base(dataDir, { checkpointEveryEvents: 1 }));
    for (const t of [tweets[0]!, tweets[7]!]) {
      await store.engage({ id: t.id, userId: author.id, action: 'like' });
      await vi.waitFor(() => expect(store.stats().checkpointSeq).toBe(store.headSeq()));
    }
    expect(await checkpointNames(dataDir)).not.toContain(started);
    expect({ tweet: await store.getTweet(edited.id, author.id), versions: await store.listVersions(edited.id) }).toEqual(expected);
    expect(await store.getEngagement(tweets[5]!.id, fan.id)).toMatchObject({ retweets: 1, views: 1, retweetedByCurrentUser: true });
  });

  it.each(['details', 'history'])('finds a damaged %s file before it opens, and falls back to the older checkpoint', async (table) => {
    const dataDir = await tempDir();
    let store = await stores.open(base(dataDir, { retainEvents: 0, journalSegmentBytes: 300 }));
    const { author, fan, tweets } = await nineTweets(store);
    await stores.close(store);
    store = await stores.open(base(dataDir, { retainEvents: 0, journalSegmentBytes: 300 }));
    await store.editTweet({ id: tweets[3]!.id, actorId: author.id, text: parseContent('tweet 3, once more') }); // chunk 1 again
    const expected = await everything(store, author, fan);
    await stores.close(store);
    const [older, newest] = await checkpointNames(dataDir);
    const file = join(dataDir, 'checkpoints', newest!, `${table}-00001.json`);
    expect((await stat(file)).nlink).toBe(1); // written by the newest checkpoint, not shared with the older one
    await writeFile(file, (await readFile(file, 'utf8')).replace('tweet 3', 'tweet 8'));
    const log = logCapture();
    store = await stores.open(base(dataDir, { logger: log.logger }));
    expect(log.warns()).toHaveLength(1);
    expect(log.warns()[0]!.msg).toContain(`${table}-00001.json does not match its checksum`);
    expect(store.stats().checkpointSeq).toBe(Number(older!.slice(3)));
    expect(await everything(store, author, fan)).toEqual(expected);
  });

  it('keeps the two newest checkpoints and the journal from the older one on across restarts', async () => {
    const dataDir = await tempDir();
    const options = base(dataDir, { retainEvents: 0, journalSegmentBytes: 300 });
    const cpBytes = async (name: string) => {
      const dir = join(dataDir, 'checkpoints', name);
      let sum = 0;
      for (const f of await readdir(dir)) sum += (await stat(join(dir, f))).size;
      return sum;
    };
    let store = await stores.open(options);
    const author = await register(store);
    for (let session = 0; session < 3; session++) {
      for (let i = 0; i < 5; i++) await post(store, author, `session ${session}, tweet ${i}`);
      await stores.close(store);
      store = await stores.open(options);
      const names = await checkpointNames(dataDir);
      expect(names).toHaveLength(Math.min(2, session + 1));
      // Both checkpoints count, the one before the newest too (it is known from the start, not only once written).
      expect(store.stats().checkpointBytes).toBe((await Promise.all(names.map(cpBytes))).reduce((a, b) => a + b));
      if (names.length === 2) {
        // The journal reaches back to the older checkpoint (the fallback), not further than its segment.
        const olderSeq = Number(names[0]!.slice(3));
        expect(store.stats().oldestRetainedSeq).toBeLessThanOrEqual(olderSeq);
        expect(store.stats().oldestRetainedSeq).toBeGreaterThan(olderSeq - 3);
      }
    }
  });

  it('finds tweets by id when ids do not ascend with creation', async () => {
    const dataDir = await tempDir();
    let next = 1000;
    const ids = () => `id-${String(next--).padStart(6, '0')}`; // descending
    let store = await stores.open(base(dataDir, { ids }));
    const author = await register(store);
    const tweets = [];
    for (let i = 0; i < 5; i++) tweets.push(await post(store, author, `tweet ${i}`));
    await stores.close(store);
    store = await stores.open(base(dataDir, { ids }));
    tweets.push(await post(store, author, 'after the restart'));
    for (const t of tweets) expect(await store.getTweet(t.id, null)).toMatchObject({ id: t.id, content: t.content });
    expect((await store.listTweets({ viewerId: null, limit: 10 })).items.map((t) => t.id)).toEqual(tweets.map((t) => t.id).sort().reverse());
    expect(await store.getTweet('id-000000', null)).toBeNull();
  });
});
