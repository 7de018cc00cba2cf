// A chunk's details, once read, stay in columns (ColdDetails) until a tweet is asked for: get and at fill the tweet
// in, read gives a filled-in copy and leaves the tweet as it was (a checkpoint writing the chunk must not fill in
// every tweet of it), and what comes out is exactly what went into the details file.
import { describe, expect, it } from 'vitest';
import { contentHash } from '../src/content-hash.ts';
import { packFacts } from '../src/domain/facts.ts';
import { NO_MEDIA, tweetRecord, type CheckpointFileRef, type TweetRecord } from '../src/domain/records.ts';
import { decodeTweetIndex, encodeTweets } from '../src/domain/tweet-columns.ts';
import { TweetIndex } from '../src/domain/tweet-index.ts';

const users = ['u-ada', 'u-bob', 'u-cy'];
const userOrdinal = (id: string) => users.indexOf(id);
const at = Date.parse('2026-11-01T00:00:00Z');

function tweet(ordinal: number, content: string, extra: Partial<TweetRecord> = {}): TweetRecord {
  const t = tweetRecord({ id: `t${String(ordinal).padStart(3, '0')}`, ordinal, authorId: users[ordinal % 3]!, replyToId: null, state: 'published', createdAt: at + ordinal * 1000, idempotencyKey: null, versionCount: 1, history: null, velocity: null });
  return Object.assign(t, { content, contentHash: contentHash(content), publishedAt: t.createdAt, weightedLength: content.length, facts: packFacts({ hashtags: ['x'], mentions: [], urls: [] }), mediaIds: NO_MEDIA }, extra);
}

/** The tweets as a checkpoint writes them, restored into a TweetIndex with their details file not read yet. */
function restored(tweets: TweetRecord[], userId = (o: number) => users[o]) {
  const { index, details } = encodeTweets(tweets, { tweetOrdinal: (id) => tweets.findIndex((t) => t.id === id), userOrdinal, hot: () => false });
  const json = (x: object) => JSON.parse(JSON.stringify(x)) as never; // as the files hold them
  const tweetIndex = new TweetIndex(userId);
  for (const t of decodeTweetIndex(json(index), { first: 0, history: null, userId: (o) => users[o], tweetId: (o) => tweets[o]?.id })) tweetIndex.add(t);
  const ref: CheckpointFileRef = { checkpoint: 'cp-1', file: 'details-00000.json', first: 0, bytes: 0, crc: 0 };
  let reads = 0;
  tweetIndex.defer(ref, tweets.length, () => {
    reads++;
    return Buffer.from(JSON.stringify(details));
  });
  return { tweetIndex, reads: () => reads };
}

const strip = (t: TweetRecord) => ({ ...t, likes: t.likes && [...t.likes].sort(), retweets: t.retweets && [...t.retweets].sort() });

describe('details kept in columns', () => {
  const tweets = [
    tweet(0, 'plain ascii'),
    tweet(1, 'emoji 😀👨‍👩‍👧 and 日本語', { likes: new Set(['u-bob', 'u-cy']), views: 7, editedAt: at + 5000, editsSincePublish: 2 }),
    tweet(2, 'lone \ud800 surrogate', { retweets: new Set(['u-ada']), mediaIds: ['m'.repeat(64)] }),
    tweet(3, 'plain ascii'), // the same text: stored once in the file
    tweet(4, '', { state: 'draft', publishedAt: null }),
    tweet(5, 'after \udc00 the same', { velocity: { likes: { value: 1.5, at: at + 9000 } } }),
  ];

  it('gives every tweet exactly its fields, whether read as a copy or filled in', () => {
    const { tweetIndex } = restored(tweets);
    for (const t of tweets) expect(strip(tweetIndex.read(t.ordinal)!)).toEqual(strip(t));
    for (const t of tweets) expect(strip(tweetIndex.get(t.id)!)).toEqual(strip(t));
  });

  it('fills a tweet in when it is asked for with get or at, and read leaves it as it was', () => {
    const { tweetIndex, reads } = restored(tweets);
    expect(tweetIndex.read(1)!.content).toBe(tweets[1]!.content);
    expect(reads()).toBe(1);
    expect(tweetIndex.peekAt(1)).toMatchObject({ content: '', likes: null, views: 0 }); // still in the columns
    const filled = tweetIndex.at(1)!;
    expect(filled).toBe(tweetIndex.peekAt(1));
    expect(strip(filled)).toEqual(strip(tweets[1]!));
    expect(tweetIndex.read(1)).toBe(filled); // no copy once filled in
    filled.views = 8; // a filled-in tweet is the one the store changes: never filled in again from the columns
    expect(tweetIndex.get('t001')!.views).toBe(8);
    expect(tweetIndex.peekAt(3)!.content).toBe('');
    expect(reads()).toBe(1);
  });

  it('refuses a details file that names a user it does not have, before any tweet changes', () => {
    const { tweetIndex } = restored([tweet(0, 'a'), tweet(1, 'b', { likes: new Set(['u-bob']) })], (o) => (o === 1 ? undefined : users[o]));
    expect(() => tweetIndex.get('t000')).toThrow('no user #1');
    expect(tweetIndex.peekAt(0)!.content).toBe('');
  });
});
