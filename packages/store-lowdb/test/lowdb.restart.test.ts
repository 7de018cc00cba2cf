// A restart of a large store reads little before it is ready: the tweets files (what the indexes need), not the
// details files (content, counters, likes) nor the history files. These tests hold that what it reads later is
// exactly what was there, that later checkpoints keep it readable, that damage to any file is still found before the
// store opens, and that the retention of checkpoints and journal carries over a restart.
import { execFile } from 'node:child_process';
import { cp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_EDIT_POLICY, manualClock, parseContent, type User } from '@tweetstore/core';
import type { TweetStore } from '@tweetstore/store';
import type { LowdbStoreOptions } from '@tweetstore/store-lowdb';
import { JournalCorruptError } from '../src/journal/index.ts';
import { authoring, engagementAsSeen, logCapture, openedStores, tempDirs } from './support.ts';
import { uploadOf } from '@tweetstore/store/contract';

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
    versions: await Promise.all(page.items.map((t) => store.listVersions(t.id, t.author.id))),
    engagement: await engagementAsSeen(store, page.items, fan.id),
  };
}

/** Nine tweets of every kind: edited, replied to, liked, retweeted, viewed, with media, a draft, an archived one. */
async function nineTweets(store: TweetStore) {
  const [author, fan] = [await register(store), await register(store)];
  const t = [];
  for (let i = 0; i < 7; i++) t.push(await post(store, author, `tweet ${i} #n${i} @${fan.username} 😀 日本語 https://example.com/${i}`));
  t.push(await post(store, fan, 'a reply', { replyToId: t[1]!.id }));
  const picture = await store.recordMedia(uploadOf(author.id, 'a picture', 'what it shows'));
  t.push(await post(store, author, 'a draft', { draft: true, mediaIds: [picture.id] }));
  for (let v = 0; v < 4; v++) await store.editTweet({ id: t[3]!.id, actorId: author.id, text: parseContent(`tweet 3, take ${v}`) });
  await store.revertTweet({ id: t[3]!.id, actorId: author.id, toVersion: 2 });
  await store.engage({ id: t[1]!.id, userId: fan.id, action: 'like' });
  await store.engage({ id: t[5]!.id, userId: fan.id, action: 'retweet' });
  await store.engage({ id: t[5]!.id, userId: fan.id, action: 'view' });
  await store.transitionTweet({ id: t[6]!.id, actorId: author.id, to: 'archive' });
  return { author: author!, fan: fan!, tweets: t };
}

const checkpointNames = async (dataDir: string) => (await readdir(join(dataDir, 'checkpoints'))).filter((n) => n.startsWith('cp-')).sort();

/** Flips a byte of the first journal record's payload in the first segment (not the last) whose records all lie in (after, through]. */
async function damageJournalBetween(dataDir: string, after: number, through: number): Promise<string> {
  const names = (await readdir(join(dataDir, 'journal'))).filter((n) => n.endsWith('.log')).sort();
  const i = names.findIndex((n, i) => i < names.length - 1 && Number(n.slice(0, 20)) > after && Number(names[i + 1]!.slice(0, 20)) - 1 <= through);
  expect(i).toBeGreaterThanOrEqual(0);
  const segment = join(dataDir, 'journal', names[i]!);
  const bytes = await readFile(segment);
  bytes[16 + 4]! ^= 0x01; // past the [u32 length][u32 crc][u64 seq] header
  await writeFile(segment, bytes);
  return segment;
}

const seqOf = (checkpoint: string) => Number(checkpoint.slice(3));

describe('lowdb engine: restart', () => {
  it('answers a restarted store with every field before it has read its details files', async () => {
    const dataDir = await tempDir();
    let store = await stores.open(base(dataDir, { viewsFlushMs: 1 }));
    const { author, fan } = await nineTweets(store);
    await vi.waitFor(async () => expect(await store.events.head()).toBe(21)); // the view is journaled (and the upload before it)
    const expected = await everything(store, author, fan);
    const { users, tweets, versions, sessions, headSeq } = await store.stats();
    await stores.close(store);
    store = await stores.open(base(dataDir));
    expect(await everything(store, author, fan)).toEqual(expected);
    expect(await store.stats()).toMatchObject({ users, tweets, versions, sessions, headSeq });
  });

  it('puts the chunks each checkpoint wrote back into columns, and answers as a replay of its journal does', async () => {
    const dataDir = await tempDir();
    // a checkpoint after every event: each one folds its chunks back while the next writes come in
    let store = await stores.open(base(dataDir, { checkpointEveryEvents: 1, checkpointIntervalMs: 10, viewsFlushMs: 1 }));
    const { author, fan, tweets } = await nineTweets(store);
    const settled = async () => {
      await vi.waitFor(async () => expect((await store.stats()).details.checkpointSeq).toBe(await store.events.head()));
      await new Promise((resolve) => setTimeout(resolve, 20)); // the view's ViewsCounted, and its checkpoint
      await vi.waitFor(async () => expect((await store.stats()).details.checkpointSeq).toBe(await store.events.head()));
    };
    await settled();
    expect((await store.stats()).details.tweetsInColumns).toBe(9); // no tweet has a record left
    const folded = await everything(store, author, fan);
    // writes to tweets in columns: each makes the tweet's record again, from the columns
    await store.engage({ id: tweets[0]!.id, userId: fan.id, action: 'like' });
    await store.editTweet({ id: tweets[3]!.id, actorId: author.id, text: parseContent('tweet 3, once more') });
    await store.revertTweet({ id: tweets[3]!.id, actorId: author.id, toVersion: 1 });
    await store.transitionTweet({ id: tweets[8]!.id, actorId: author.id, to: 'publish' });
    await post(store, fan, 'a second reply', { replyToId: tweets[1]!.id });
    await store.engage({ id: tweets[5]!.id, userId: author.id, action: 'view' });
    await store.engage({ id: tweets[1]!.id, userId: fan.id, action: 'unlike' });
    await settled();
    expect((await store.stats()).details.tweetsInColumns).toBe(10);
    const expected = await everything(store, author, fan);
    expect(expected).not.toEqual(folded);
    await stores.close(store);
    // the truth: the same journal replayed without any checkpoint
    const replayed = await tempDir();
    await cp(dataDir, replayed, { recursive: true });
    await rm(join(replayed, 'checkpoints'), { recursive: true });
    const fromJournal = await stores.open(base(replayed));
    expect((await fromJournal.stats()).details.checkpointSeq).toBe(0);
    expect(await everything(fromJournal, author, fan)).toEqual(expected);
    store = await stores.open(base(dataDir));
    expect(await everything(store, author, fan)).toEqual(expected);
  });

  it('writes the tweets a restart has not filled in yet whole into the next checkpoint', async () => {
    const dataDir = await tempDir();
    let store = await stores.open(base(dataDir));
    const { author, fan, tweets } = await nineTweets(store);
    await stores.close(store);
    // Each chunk holds two tweets: a like fills one in, and the checkpoint on close writes its chunk with the other
    // one taken from the columns its details file was read into.
    for (const i of [0, 3, 5]) {
      store = await stores.open(base(dataDir));
      await store.engage({ id: tweets[i]!.id, userId: author.id, action: 'like' });
      await stores.close(store);
    }
    expect((await checkpointNames(dataDir)).length).toBe(2);
    // the truth: the same journal replayed without any checkpoint
    const replayed = await tempDir();
    await cp(dataDir, replayed, { recursive: true });
    await rm(join(replayed, 'checkpoints'), { recursive: true });
    const fromJournal = await stores.open(base(replayed));
    expect((await fromJournal.stats()).details.checkpointSeq).toBe(0);
    store = await stores.open(base(dataDir));
    expect(await everything(store, author, fan)).toEqual(await everything(fromJournal, author, fan));
  });

  it('shows a call every write made before it, also writes that wait for their tweet\'s details file', async () => {
    const dataDir = await tempDir();
    let store = await stores.open(base(dataDir));
    const { author, fan, tweets } = await nineTweets(store);
    await stores.close(store);
    store = await stores.open(base(dataDir)); // no details file read yet
    // issued together, as concurrent requests arrive: each read comes after the write on the same tweet
    const [liked, engagement, edited, tweet, reply, replies] = await Promise.all([
      store.engage({ id: tweets[0]!.id, userId: fan.id, action: 'like' }),
      store.getEngagement(tweets[0]!.id, fan.id),
      store.editTweet({ id: tweets[4]!.id, actorId: author.id, text: parseContent('tweet 4, edited') }),
      store.getTweet(tweets[4]!.id, author.id),
      post(store, fan, 'a late reply', { replyToId: tweets[2]!.id }),
      store.listTweets({ viewerId: fan.id, limit: 20, replyToId: tweets[2]!.id }),
    ]);
    expect(liked).toMatchObject({ likes: 1, likedByCurrentUser: true });
    expect(engagement).toEqual(liked);
    expect(tweet).toEqual(edited);
    expect(replies.items.map((t) => t.id)).toEqual([reply.id]);
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
    const expected = { tweet: await store.getTweet(edited.id, author.id), versions: await store.listVersions(edited.id, author.id) };
    await stores.close(store);
    const [started] = await checkpointNames(dataDir);
    // Two more checkpoints that change other chunks only: the first one is removed, its files live on as links.
    store = await stores.open(base(dataDir, { checkpointEveryEvents: 1 }));
    for (const t of [tweets[0]!, tweets[7]!]) {
      await store.engage({ id: t.id, userId: author.id, action: 'like' });
      await vi.waitFor(async () => expect((await store.stats()).details.checkpointSeq).toBe(await store.events.head()));
    }
    expect(await checkpointNames(dataDir)).not.toContain(started);
    expect({ tweet: await store.getTweet(edited.id, author.id), versions: await store.listVersions(edited.id, author.id) }).toEqual(expected);
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
    expect((await store.stats()).details.checkpointSeq).toBe(Number(older!.slice(3)));
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
      expect((await store.stats()).details.checkpointBytes).toBe((await Promise.all(names.map(cpBytes))).reduce((a, b) => a + b));
      if (names.length === 2) {
        // The journal reaches back to the older checkpoint (the fallback), not further than its segment.
        const olderSeq = Number(names[0]!.slice(3));
        expect((await store.stats()).oldestRetainedSeq).toBeLessThanOrEqual(olderSeq);
        expect((await store.stats()).oldestRetainedSeq).toBeGreaterThan(olderSeq - 3);
      }
    }
  });

  it('opens past a damaged journal segment the newest checkpoint covers, and refuses with its error once a fallback needs it', async () => {
    const dataDir = await tempDir();
    const options = base(dataDir, { retainEvents: 0, journalSegmentBytes: 300 });
    let store = await stores.open(options);
    const { author, fan } = await nineTweets(store);
    await stores.close(store);
    store = await stores.open(options);
    for (let i = 0; i < 5; i++) await post(store, author, `after the first checkpoint ${i}`);
    const expected = await everything(store, author, fan);
    await stores.close(store);
    const [older, newest] = await checkpointNames(dataDir);
    const segment = await damageJournalBetween(dataDir, seqOf(older!), seqOf(newest!));

    store = await stores.open(options); // nothing after the newest checkpoint to replay: the damaged segment is not read
    expect((await store.stats()).details.checkpointSeq).toBe(seqOf(newest!));
    expect(await everything(store, author, fan)).toEqual(expected);
    await stores.close(store); // nothing new: no checkpoint written

    const tweetsFile = join(dataDir, 'checkpoints', newest!, 'tweets-00006.json'); // written by the newest checkpoint alone
    expect((await stat(tweetsFile)).nlink).toBe(1);
    await writeFile(tweetsFile, (await readFile(tweetsFile, 'utf8')).replace('"', ' "'));
    const error = await stores.open(options).then(() => expect.unreachable('should have been refused'), (caught: unknown) => caught);
    expect(error).toBeInstanceOf(JournalCorruptError);
    expect(error).toMatchObject({ file: segment, offset: 0, message: `journal corrupt: ${segment} at offset 0: checksum mismatch` });
  });

  it('opens past a damaged journal segment the ring reads back after the start, and says so when it reads it', async () => {
    const dataDir = await tempDir();
    const options = base(dataDir, { journalSegmentBytes: 300 });
    let store = await stores.open(options);
    await nineTweets(store);
    await stores.close(store);
    const [checkpoint] = await checkpointNames(dataDir);
    const segment = await damageJournalBetween(dataDir, 0, seqOf(checkpoint!));

    const log = logCapture();
    store = await stores.open({ ...options, logger: log.logger });
    const head = await store.events.head();
    await vi.waitFor(() => expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(1));
    expect(log.lines.find((l) => l.level === 'error')!.obj.err).toMatchObject({ file: segment, offset: 0 });
    await expect(store.events.after(0, 100)).rejects.toMatchObject({ file: segment, offset: 0, reason: 'checksum mismatch' });
    expect(((await store.events.after(head - 1, 100)) as { seq: number }[]).map((e) => e.seq)).toEqual([head]);
  });

  it('uses its checkpoint in a process started with a TypeScript preload: the worker that checks the files does not inherit it', { timeout: 30_000 }, async () => {
    const dataDir = await tempDir();
    const store = await stores.open(base(dataDir));
    await nineTweets(store);
    await stores.close(store);
    const [checkpoint] = await checkpointNames(dataDir);
    const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--import', here('./preload.ts'), here('./open-store.ts'), dataDir]);
    expect(JSON.parse(stdout)).toEqual({ checkpointSeq: seqOf(checkpoint!), warnings: [] });
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
