// Tweets written before migration 003 (their search rows taken away, as the migration finds them) are filled at open
// by the shared analyzer: by instances filling at once, each batch once, with progress logged; search, list({hashtag})
// and hashtag uses then answer as they did when every change wrote them, and changes after it carry on from there.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, manualClock, parseContent, ratePerMinute } from '@tweetstore/core';
import { parseSearchQuery, type TweetStore } from '@tweetstore/store';
import { openPostgresStore } from '../src/index.ts';
import { fillSearch } from '../src/engine/backfill.ts';
import { connect } from '../src/engine/connect.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const text = parseContent;

async function answers(store: TweetStore) {
  const found = async (q: string) => (await store.searchTweets({ viewerId: null, query: parseSearchQuery(q), sort: 'latest', limit: 100 })).items.map((t) => t.content);
  const tagged = async (tag: string) => (await store.listTweets({ viewerId: null, hashtag: tag, limit: 100 })).items.map((t) => t.content);
  return {
    hello: await found('hello'),
    launch: await found('#launch'),
    mention: await found('@ada_b'),
    phrase: await found('"after edit"'),
    edited: await found('before'),
    draftOrArchived: await found('draft'),
    fill: (await found('filler wor')).length,
    tagged: { launch: await tagged('launch'), later: await tagged('later'), fill: (await tagged('fill')).length },
  };
}

describe('filling search terms and tags at open', () => {
  it('fills tweets written before them once, with instances filling at once, and carries on with the changes after', async () => {
    const clock = manualClock();
    const options = { url: db.url, schema: `b_${randomBytes(4).toString('hex')}`, clock, policy: DEFAULT_EDIT_POLICY };
    let store = await openPostgresStore(options);
    const ada = await store.registerUser({ username: 'ada_b', displayName: 'Ada', passwordHash: 'h' });
    const bob = await store.registerUser({ username: 'bob_b', displayName: 'Bob', passwordHash: 'h' });
    await store.createTweet({ authorId: ada.id, text: text('hello #Launch world') });
    const second = await store.createTweet({ authorId: bob.id, text: text('second #launch, hello @ada_b') });
    await store.createTweet({ authorId: ada.id, text: text('a draft #launch'), draft: true });
    const gone = await store.createTweet({ authorId: bob.id, text: text('archived draft words #launch') });
    await store.transitionTweet({ id: gone.id, actorId: bob.id, to: 'archive' });
    const edited = await store.createTweet({ authorId: ada.id, text: text('before edit') });
    await store.editTweet({ id: edited.id, actorId: ada.id, text: text('after edit #later') });
    for (let i = 0; i < 30; i++) await store.createTweet({ authorId: i % 2 ? ada.id : bob.id, text: text(`filler words ${i} #fill`) });
    const before = await answers(store);
    expect(before).toMatchObject({ hello: ['second #launch, hello @ada_b', 'hello #Launch world'], phrase: ['after edit #later'], edited: [], draftOrArchived: [], fill: 30 });
    await store.close();

    // as migration 003 finds a store: no terms, no tags, nothing counted
    const sql = connect({ url: db.url, poolSize: 1, schema: options.schema });
    await sql`truncate tweet_terms, tweet_tags, tag_stats, tag_authors`;
    await sql`update backfills set done = false, after_id = ''`;

    const logged: { msg: string | undefined; obj: object }[] = [];
    const logger = { info: (obj: object, msg?: string) => logged.push({ obj, msg }), warn: () => {}, error: () => {} };
    const pools = [0, 1, 2].map(() => connect({ url: db.url, poolSize: 1, schema: options.schema }));
    await Promise.all(pools.map((pool) => fillSearch(pool, logger, 4)));
    await Promise.all(pools.map((pool) => pool.end()));
    // 33 published tweets in batches of 4, shared among the three
    const done = logged.filter((l) => l.msg === 'the search terms and hashtags are filled').map((l) => (l.obj as { filled: number }).filled);
    expect(done.reduce((a, b) => a + b, 0)).toBe(33);
    expect(await sql`select tag, uses from tag_stats order by tag`).toEqual([
      { tag: 'fill', uses: 30 },
      { tag: 'later', uses: 1 },
      { tag: 'launch', uses: 2 },
    ]);

    store = await openPostgresStore(options);
    try {
      expect(await answers(store)).toEqual(before);
      await store.transitionTweet({ id: second.id, actorId: bob.id, to: 'archive' });
      await store.createTweet({ authorId: ada.id, text: text('again #launch') });
      expect(await store.trendingHashtags(10)).toEqual([{ tag: 'launch', uses: 2, velocity: ratePerMinute({ value: 1, at: clock.now() }, clock.now()) }]);
    } finally {
      await store.close();
      await sql.end();
    }
  });
});
