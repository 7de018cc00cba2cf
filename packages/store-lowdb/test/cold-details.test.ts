// A restored chunk stays in columns until a tweet is asked for: its tweets file (ColdIndex) and, once read, its
// details (ColdDetails). get and at make the tweet's record and fill it in; read gives a filled-in copy and leaves the
// tweet as it was (a checkpoint writing the chunk must not make records for all of it); the indexes' questions
// (author, timeline entry, ordinal) make no record; and what comes out is exactly what went into the files.
import { describe, expect, it } from 'vitest';
import { contentHash } from '@tweetstore/store';
import { packFacts } from '../src/projection/facts.ts';
import { NO_MEDIA, tweetRecord, type CheckpointFileRef, type TweetRecord } from '../src/projection/records.ts';
import type { TweetIndexColumns } from '../src/checkpoint/format/tweet-columns.ts';
import { encodeTweets, takenBackOf } from '../src/checkpoint/format/tweet-columns.ts';
import { TweetIndex } from '../src/projection/tweet-index.ts';

const users = ['u-ada', 'u-bob', 'u-cy'];
const userOrdinal = (id: string) => users.indexOf(id);
const at = Date.parse('2026-11-01T00:00:00Z');

function tweet(ordinal: number, content: string, extra: Partial<TweetRecord> = {}): TweetRecord {
  const t = tweetRecord({ id: `t${String(ordinal).padStart(3, '0')}`, ordinal, authorId: users[ordinal % 3]!, replyToId: null, state: 'published', createdAt: at + ordinal * 1000, idempotencyKey: null, versionCount: 1, history: null, velocity: null });
  return Object.assign(t, { content, contentHash: contentHash(content), publishedAt: t.createdAt, weightedLength: content.length, facts: packFacts({ hashtags: ['x'], mentions: [], urls: [] }), mediaIds: NO_MEDIA }, extra);
}

/** The search index is another test's (lowdb.search.test.ts). */
const noTerms = () => ({ terms: [], words: 0, sequence: [] });

/** The tweets as a checkpoint writes them, restored into a TweetIndex with their details file not read yet. */
function restored(tweets: TweetRecord[], userId = (o: number) => users[o], history: CheckpointFileRef | null = null, hot = (_: TweetRecord) => false, readCopies?: number) {
  const { index, details } = encodeTweets(tweets, [], { tweetOrdinal: (id) => tweets.findIndex((t) => t.id === id), userOrdinal, hot, searchTerms: noTerms, termId: () => 0 });
  const json = (x: object) => JSON.parse(JSON.stringify(x)) as never; // as the files hold them
  const tweetIndex = new TweetIndex(userId, readCopies);
  tweetIndex.restore(json(index), history, 8, users.length);
  const ref: CheckpointFileRef = { checkpoint: 'cp-1', file: 'details-00000.json', first: 0, bytes: 0, crc: 0 };
  let reads = 0;
  tweetIndex.defer(ref, 8, () => {
    reads++;
    return Buffer.from(JSON.stringify(details));
  });
  return { tweetIndex, reads: () => reads, index: json(index) as TweetIndexColumns };
}

/** Whether the tweet has a record: read gives the record itself when it has one, else (not kept) a new copy each time. */
const hasRecord = (index: TweetIndex, ordinal: number) => index.read(ordinal, false) === index.read(ordinal, false);

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

  it('makes a record when a tweet is asked for with get or at, and read leaves the tweet as it was', () => {
    const { tweetIndex, reads } = restored(tweets);
    expect(tweetIndex.read(1)!.content).toBe(tweets[1]!.content);
    expect(reads()).toBe(1);
    expect(hasRecord(tweetIndex, 1)).toBe(false); // still in the columns
    const filled = tweetIndex.at(1)!;
    expect(hasRecord(tweetIndex, 1)).toBe(true);
    expect(tweetIndex.get('t001')).toBe(filled);
    expect(strip(filled)).toEqual(strip(tweets[1]!));
    filled.views = 8; // a record is the one the store changes: never made again from the columns
    expect(tweetIndex.get('t001')!.views).toBe(8);
    expect(tweetIndex.read(1)!.views).toBe(8);
    expect(hasRecord(tweetIndex, 3)).toBe(false);
    expect(reads()).toBe(1);
  });

  it('keeps the copies it reads, up to a limit, until the tweet gets a record or its chunk changes', () => {
    const edited = [tweet(0, 'v2', { versionCount: 2, storedVersions: 2 }), ...tweets.slice(1)];
    const old: CheckpointFileRef = { checkpoint: 'cp-1', file: 'history-00000.json', first: 0, bytes: 0, crc: 0 };
    const { tweetIndex, reads } = restored(edited, undefined, old, undefined, 2);
    const copy = tweetIndex.read(1)!;
    expect(tweetIndex.read(1)).toBe(copy); // decoded once
    expect(hasRecord(tweetIndex, 1)).toBe(false);
    const again = tweetIndex.read(1)!;
    expect(again).not.toBe(copy); // hasRecord's reads (not kept) took it out
    expect(tweetIndex.at(1)).toBe(again); // the copy becomes the record
    expect(tweetIndex.read(1)).toBe(again);
    const before = tweetIndex.read(0)!;
    expect(before.history).toBe(old);
    const moved: CheckpointFileRef = { ...old, checkpoint: 'cp-2' };
    tweetIndex.historyMoved(0, moved);
    expect(tweetIndex.read(0)!.history).toBe(moved); // not the copy read before the move
    const [two, three] = [tweetIndex.read(2), tweetIndex.read(3)];
    expect(tweetIndex.read(3)).toBe(three);
    expect(tweetIndex.read(2)).toBe(two); // two copies kept: 2 and 3
    tweetIndex.read(4); // 3 was read least recently: it goes
    expect(tweetIndex.read(2)).toBe(two);
    expect(tweetIndex.read(3)).not.toBe(three);
    expect(reads()).toBe(1);
  });

  it('answers the indexes from the columns, without making records', () => {
    const replying = [...tweets, tweet(6, 'a reply', { replyToId: 't001', state: 'archived', velocity: { views: { value: 2, at }, replies: { value: 0.5, at: at + 1 } } })];
    const { tweetIndex } = restored(replying, undefined, null, (t) => t.ordinal === 6); // a candidate's velocity is in the tweets file
    expect(tweetIndex.size).toBe(7);
    for (const t of replying) {
      expect(tweetIndex.ordinalOf(t.id)).toBe(t.ordinal);
      expect(tweetIndex.authorOf(t.id)).toBe(t.authorId);
      expect(tweetIndex.entryAt(t.ordinal)).toEqual({ id: t.id, authorId: t.authorId, replyToId: t.replyToId, state: t.state });
      expect(tweetIndex.stateAt(t.ordinal)).toBe(t.state);
    }
    expect(tweetIndex.velocityAt(6)).toEqual(replying[6]!.velocity);
    expect(tweetIndex.velocityAt(5)).toBeNull(); // not a candidate: in the details file
    expect(tweetIndex.ordinalOf('t999')).toBe(-1);
    expect(tweetIndex.authorOf('t999')).toBeUndefined();
    tweetIndex.addReplies(1, 2); // counted as a restore does
    expect(replying.every((t) => !hasRecord(tweetIndex, t.ordinal))).toBe(true);
    expect(tweetIndex.get('t001')!.replies).toBe(2);
  });

  it('moves a restored tweet to the history file a later checkpoint wrote, with or without a record', () => {
    const edited = [tweet(0, 'v3', { versionCount: 3, storedVersions: 3 }), tweet(1, 'v2', { versionCount: 2, storedVersions: 2 }), tweet(2, 'once')];
    const old: CheckpointFileRef = { checkpoint: 'cp-1', file: 'history-00000.json', first: 0, bytes: 0, crc: 0 };
    const { tweetIndex } = restored(edited, undefined, old);
    expect(tweetIndex.at(0)!.history).toBe(old);
    const moved: CheckpointFileRef = { ...old, checkpoint: 'cp-2' };
    expect(tweetIndex.historyMoved(0, moved)).toBe(tweetIndex.at(0)); // the caller moves a record's versions
    expect(tweetIndex.historyMoved(1, moved)).toBeUndefined();
    expect(tweetIndex.get('t001')!.history).toBe(moved);
    expect(tweetIndex.get('t002')!.history).toBeNull(); // never edited: no history
  });

  it('refuses a details file that names a user it does not have, before any tweet changes', () => {
    const { tweetIndex } = restored([tweet(0, 'a'), tweet(1, 'b', { likes: new Set(['u-bob']) })], (o) => (o === 1 ? undefined : users[o]));
    expect(() => tweetIndex.get('t000')).toThrow('no user #1');
  });

  it('refuses a tweets file that does not hold together, before any tweet is restored', () => {
    const { index } = restored(tweets);
    const bad = (change: (c: TweetIndexColumns) => void, why: string) => {
      const c = structuredClone(index);
      change(c);
      const fresh = new TweetIndex((o) => users[o]);
      expect(() => fresh.restore(c, null, 8, users.length)).toThrow(why);
      expect(fresh.size).toBe(0);
    };
    bad((c) => (c.author[2] = 3), 'no user #3');
    bad((c) => (c.replyTo[2] = 2), 'replies to a missing tweet');
    bad((c) => (c.versions[2] = 2), 'versions but no history file');
    bad((c) => (c.state = 'ppxppp'), 'has no state');
    bad((c) => c.created.pop(), 'differ in length');
    expect(() => new TweetIndex((o) => users[o]).restore(index, null, 4, users.length)).toThrow('more than 4 tweets');
  });
});

describe('likes and retweets taken back, in the tweets file', () => {
  const tweets = [tweet(0, 'a'), tweet(1, 'b'), tweet(2, 'c')];
  const takenBack = [undefined, { likes: new Set(['u-ada', 'u-cy']) }, { likes: new Set(['u-bob']), retweets: new Set(['u-bob']) }];
  const encoded = () => encodeTweets(tweets, takenBack, { tweetOrdinal: (id) => tweets.findIndex((t) => t.id === id), userOrdinal, hot: () => false, searchTerms: noTerms, termId: () => 0 }).index;

  it('gives back who took back what, for the tweets that have any', () => {
    const c = JSON.parse(JSON.stringify(encoded())) as TweetIndexColumns;
    expect(takenBackOf(c, 3, (o) => users[o])).toEqual(new Map([[1, takenBack[1]], [2, takenBack[2]]]));
    delete c.likesTakenBack; // a tweets file of format 3 has neither
    delete c.retweetsTakenBack;
    expect(takenBackOf(c, 3, (o) => users[o])).toEqual(new Map());
  });

  it('refuses a row past the chunk and a user it does not have', () => {
    const bad = (change: (c: TweetIndexColumns) => void, why: string) => {
      const c = structuredClone(encoded());
      change(c);
      expect(() => takenBackOf(c, 3, (o) => users[o])).toThrow(why);
    };
    bad((c) => (c.likesTakenBack![3] = [0]), 'no tweet #3 for its users');
    bad((c) => (c.retweetsTakenBack![2] = [3]), 'no user #3');
  });
});
