// Checkpoints written by older engines still load: data folders made by the engines of checkpoint formats 1 to 4
// (fixtures/README.md) answer exactly as those engines did, before and after today's engine rewrote them in its own
// format, and their histories go on growing. Their search index, which none of them kept, is built after the open.
import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, manualClock, parseContent, type Tweet } from '@tweetstore/core';
import { documentTerms, matchesQuery, parseSearchQuery, type TweetStore } from '@tweetstore/store';
import type { LowdbStoreOptions } from '@tweetstore/store-lowdb';
import { FORMAT } from '../src/checkpoint/checkpoints.ts';
import { engagementAsSeen, logCapture, openedStores, tempDirs } from './support.ts';

const stores = openedStores();
const tempDir = tempDirs('tweetstore-formats-');
const fixtures = join(import.meta.dirname, 'fixtures');

interface Expected {
  head: number;
  tweets: Tweet[];
  now: number;
}

/** A tweet as the fixtures recorded it: publishedAt joined the port's Tweet later, so it is checked against the
 * tweet's state here and left out of the comparison with the recording. */
function asRecorded({ publishedAt, ...tweet }: Tweet) {
  if (tweet.state === 'draft') expect(publishedAt, tweet.id).toBeNull();
  if (tweet.state === 'published') expect(publishedAt!.getTime(), tweet.id).toBeGreaterThanOrEqual(tweet.createdAt.getTime());
  return tweet;
}

/** What the fixture's engine was asked at the end, asked again (as JSON: dates as strings). */
async function answers(store: TweetStore, expected: Expected) {
  const [ada, yuki] = [expected.tweets.find((t) => t.author.username === 'ada')!.author, (await store.findCredentials('yuki'))!.user];
  const page = await store.listTweets({ viewerId: ada.id, limit: 100, includeArchived: true });
  return JSON.parse(
    JSON.stringify({
      head: await store.events.head(),
      tweets: page.items.map(asRecorded),
      versions: await Promise.all(page.items.map((t) => store.listVersions(t.id, t.author.id))),
      engagement: await engagementAsSeen(store, page.items, yuki.id),
      events: await store.events.after(0, 1000),
      credentials: await store.findCredentials('YUKI'),
      session: await store.findSession('token-hash-1'),
      now: expected.now,
    }),
  );
}

/** What searches find in the store, and what the rules say they find among the recorded tweets. */
async function searches(store: TweetStore, expected: Expected) {
  const queries = ['hello', 'hel', '#tweetstore', '@yuki', 'from:yuki', '天気', '"with a picture"', '😀 -from:yuki'];
  const found = async (q: string) => (await store.searchTweets({ viewerId: null, query: parseSearchQuery(q), sort: 'latest', limit: 100 })).items.map((t) => t.id);
  const doc = (t: Tweet) => ({ ...documentTerms(t.content, t.hashtags, t.mentions), author: t.author.username });
  const rule = (q: string) => expected.tweets.filter((t) => t.state === 'published' && matchesQuery(parseSearchQuery(q), doc(t))).map((t) => t.id);
  return { found: await Promise.all(queries.map(found)), rule: queries.map(rule) };
}

async function checkpointFormat(dataDir: string): Promise<number> {
  const [newest] = (await readdir(join(dataDir, 'checkpoints'))).filter((n) => n.startsWith('cp-')).sort().reverse();
  return (JSON.parse(await readFile(join(dataDir, 'checkpoints', newest!, 'manifest.json'), 'utf8')) as { format: number }).format;
}

describe.each([1, 2, 3, 4])('a data folder of checkpoint format %i', (format) => {
  it('answers as the engine that wrote it did, also once its checkpoint is rewritten, and its histories go on', async () => {
    const expected = JSON.parse(await readFile(join(fixtures, `format-${format}.expected.json`), 'utf8')) as Expected;
    for (const t of expected.tweets) delete (t as Partial<Tweet>).publishedAt; // recorded since format 4: compared as the others are
    const dataDir = await tempDir();
    await cp(join(fixtures, `format-${format}`), dataDir, { recursive: true });
    expect(await checkpointFormat(dataDir)).toBe(format);
    const clock = manualClock(expected.now);
    const log = logCapture();
    const options: LowdbStoreOptions = {
      dataDir,
      clock,
      policy: { ...DEFAULT_EDIT_POLICY, windowMs: 0, maxEdits: 0 },
      keyframeInterval: 3,
      checkpointRowsPerFile: 2,
      logger: log.logger,
    };
    let store = await stores.open(options);
    expect(await answers(store, expected)).toEqual(expected);
    const { found, rule } = await searches(store, expected);
    expect(found).toEqual(rule);
    expect(found.flat().length).toBeGreaterThan(8);
    await stores.close(store); // a checkpoint of everything, in today's format
    expect(await checkpointFormat(dataDir)).toBe(FORMAT);
    store = await stores.open(options);
    expect(await answers(store, expected)).toEqual(expected);
    expect((await searches(store, expected)).found).toEqual(found);
    expect(log.warns()).toEqual([]);

    // The history read back from the rewritten checkpoint grows, and any version can be restored.
    const first = expected.tweets.find((t) => t.content.startsWith('hello #tweetstore') && t.author.username === 'ada')!;
    const before = await store.listVersions(first.id, first.author.id);
    await store.editTweet({ id: first.id, actorId: first.author.id, text: parseContent('hello again') });
    const reverted = await store.revertTweet({ id: first.id, actorId: first.author.id, toVersion: 5 });
    expect(reverted).toMatchObject({ version: before.length + 2, content: before[4]!.content });
    await stores.close(store);
    store = await stores.open(options);
    const after = await store.listVersions(first.id, first.author.id);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((v) => [v.content, v.kind])).toEqual([
      ['hello again', 'edited'],
      [before[4]!.content, 'reverted'],
    ]);
  });
});
