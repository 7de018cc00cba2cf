// seedStore through the port: the asked counts, valid and varied content, and the same contents for the same seed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, parseContent, type Tweet } from '@tweetstore/core';
import { seedStore, type SeedSummary, type TweetStore } from '@tweetstore/store';
import { openLowdbStore } from '@tweetstore/store-lowdb';

const dirs: string[] = [];
const stores: TweetStore[] = [];
afterEach(async () => {
  await Promise.allSettled(stores.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function seeded(seed: number, counts = { tweets: 2000, edits: 500, users: 50 }) {
  const dir = await mkdtemp(join(tmpdir(), 'tweetstore-seed-'));
  dirs.push(dir);
  const store = await openLowdbStore({ dataDir: dir, clock: manualClock(), policy: { windowMs: 0, maxEdits: 0 } });
  stores.push(store);
  const progress: [number, number, string][] = [];
  const summary = await seedStore(store, { ...counts, seed, window: 300 }, (done, total, phase) => progress.push([done, total, phase]));
  return { store, summary, progress, tweets: await allTweets(store) };
}

/** Oldest first. */
async function allTweets(store: TweetStore): Promise<Tweet[]> {
  const out: Tweet[] = [];
  let beforeId: string | undefined;
  for (;;) {
    const page = await store.listTweets({ viewerId: null, limit: 500, ...(beforeId ? { beforeId } : {}) });
    out.push(...page.items);
    if (!page.nextBeforeId) return out.reverse();
    beforeId = page.nextBeforeId;
  }
}

/** What the seed decides, without the ids and times the store gives. */
function contents(tweets: Tweet[]) {
  const index = new Map(tweets.map((t, i) => [t.id, i]));
  return tweets.map((t) => ({
    content: t.content,
    author: t.author.username,
    version: t.version,
    replyTo: t.replyToId === null ? null : index.get(t.replyToId),
    likes: t.engagement.likes,
    retweets: t.engagement.retweets,
  }));
}

describe('seedStore', { timeout: 60_000 }, () => {
  it('fills a store with the asked counts of users, tweets, edits, likes and retweets', async () => {
    const { store, summary, progress, tweets } = await seeded(7);
    expect(summary).toMatchObject<Partial<SeedSummary>>({ users: 50, tweets: 2000, edits: 500, likes: 2000, retweets: 400, cancelled: false, password: 'tweetstore-seed' });
    expect(await store.stats()).toMatchObject({ users: 50, tweets: 2000, versions: 2500 });
    expect(tweets).toHaveLength(2000);
    expect(tweets.reduce((n, t) => n + t.version - 1, 0)).toBe(500);
    expect(tweets.reduce((n, t) => n + t.engagement.likes, 0)).toBe(2000);
    expect(tweets.reduce((n, t) => n + t.engagement.retweets, 0)).toBe(400);
    expect(tweets.filter((t) => t.replyToId !== null)).toHaveLength(summary.replies);
    expect(summary.replies).toBeGreaterThan(200);
    expect(new Set(tweets.map((t) => t.author.id)).size).toBeGreaterThan(40);
    // Zipf-ish: the most liked tweet has far more likes than the average of one.
    expect(Math.max(...tweets.map((t) => t.engagement.likes))).toBeGreaterThan(10);
    expect(progress.at(-1)).toEqual([4950, 4950, 'retweets']);
    expect((await store.findCredentials('ada_0'))?.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
  });

  it('writes valid text with emoji, skin tones, ZWJ sequences, CJK, URLs, hashtags and mentions in varied lengths', async () => {
    const { store, tweets } = await seeded(11);
    for (const t of tweets) {
      const parsed = parseContent(t.content);
      expect(parsed.valid, t.content).toBe(true);
      expect(parsed.content).toBe(t.content);
      // the seeder composes a text's facts from its tokens': they must be what parsing the whole text gives
      const facts = ({ weightedLength, hashtags, mentions, urls }: Pick<Tweet, 'weightedLength' | 'hashtags' | 'mentions' | 'urls'>) => ({ weightedLength, hashtags, mentions, urls });
      expect(facts(t), t.content).toEqual(facts(parsed));
    }
    const share = (test: (t: Tweet) => boolean) => tweets.filter(test).length / tweets.length;
    expect(share((t) => /\p{Extended_Pictographic}/u.test(t.content))).toBeGreaterThan(0.3);
    expect(share((t) => /[\u{1F3FB}-\u{1F3FF}]/u.test(t.content))).toBeGreaterThan(0.02);
    expect(share((t) => t.content.includes('\u200D'))).toBeGreaterThan(0.02);
    expect(share((t) => /[\u3040-\u30FF\u4E00-\u9FFF\uAC00-\uD7AF]/u.test(t.content))).toBeGreaterThan(0.1);
    expect(share((t) => t.urls.length > 0)).toBeGreaterThan(0.05);
    expect(share((t) => t.hashtags.length > 0)).toBeGreaterThan(0.1);
    expect(share((t) => t.mentions.length > 0)).toBeGreaterThan(0.05);
    const lengths = tweets.map((t) => t.weightedLength);
    expect(Math.min(...lengths)).toBeLessThan(20);
    expect(Math.max(...lengths)).toBeGreaterThan(260);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(280);
    // Edits are small: each edited tweet's versions differ from the one before, and every version is valid.
    const edited = tweets.filter((t) => t.version > 1).slice(0, 50);
    expect(edited.length).toBeGreaterThan(10);
    for (const t of edited) {
      const versions = await store.listVersions(t.id, t.author.id);
      expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
      versions.forEach((v) => expect(parseContent(v.content).valid).toBe(true));
      versions.slice(1).forEach((v, i) => expect(v.content).not.toBe(versions[i]!.content));
    }
  });

  it('gives the same contents for the same seed, and other contents for another seed', async () => {
    const counts = { tweets: 800, edits: 300, users: 20 };
    const [a, b, c] = await Promise.all([seeded(3, counts), seeded(3, counts), seeded(4, counts)]);
    expect(contents(a.tweets)).toEqual(contents(b.tweets));
    expect(a.summary).toEqual({ ...b.summary, elapsedMs: a.summary.elapsedMs });
    expect(contents(c.tweets).map((t) => t.content)).not.toEqual(contents(a.tweets).map((t) => t.content));
  });

  it('stops issuing when its signal is aborted and says how far it got', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tweetstore-seed-'));
    dirs.push(dir);
    const store = await openLowdbStore({ dataDir: dir, clock: manualClock(), policy: { windowMs: 0, maxEdits: 0 } });
    stores.push(store);
    const abort = new AbortController();
    const summary = await seedStore(store, { tweets: 5000, edits: 0, users: 10, window: 200, signal: abort.signal }, (done) => {
      if (done >= 1000) abort.abort();
    });
    expect(summary.cancelled).toBe(true);
    expect(summary.tweets).toBeGreaterThan(0);
    expect(summary.tweets).toBeLessThan(5000);
    expect((await store.stats()).tweets).toBe(summary.tweets);
  });
});
