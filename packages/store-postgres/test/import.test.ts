// importDump: a real embedded data folder (seeded, with edits, reverts, a draft, an archived tweet, replies, likes and
// retweets taken back, views, media with two owners' alt texts, sessions, an idempotency key) exported and imported
// into a fresh PostgreSQL database; verifyCopy through both ports finds nothing that differs; search and hashtags find
// what the folder holds (filled by the import, not the open); the stream continues
// after the head; a cancel leaves the database as it was, a rerun then succeeds; a database with a store is refused.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseContent, PreconditionFailed } from '@tweetstore/core';
import { parseSearchQuery, verifyCopy, type DumpRecord, type StoreEvent } from '@tweetstore/store';
import { exportLowdbStore } from '@tweetstore/store-lowdb';
import postgres from 'postgres';
import { importDump, openPostgresStore, type ImportProgress } from '../src/index.ts';
import { collect, dumpFixtures, type Fixture } from '../../store-lowdb/test/dump-fixture.ts';
import { openedStores, tempDirs } from '../../store-lowdb/test/support.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

const stores = openedStores();
const tempDir = tempDirs('tweetstore-import-');
const { clock, build } = dumpFixtures(stores);

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** A schema of its own per test, so each imports into an empty store. */
const newSchema = () => `import_${randomBytes(4).toString('hex')}`;

async function rowCounts(schema: string) {
  const sql = postgres(db.url, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
  try {
    const [row] = await sql<{ users: string; tweets: string; versions: string; events: string; head: string; store_id: string }[]>`
      select (select count(*) from users) users, (select count(*) from tweets) tweets, (select count(*) from versions) versions,
        (select count(*) from events) events, head, store_id from stream_head`;
    return row!;
  } finally {
    await sql.end();
  }
}

/** What the import wrote for search: terms rows, the uses of #sky, and whether the open has anything left to fill. */
async function searchRowCounts(schema: string) {
  const sql = postgres(db.url, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
  try {
    const [row] = await sql<{ terms: string; sky: number; filled: boolean }[]>`
      select (select count(*) from tweet_terms) terms, (select uses from tag_stats where tag = 'sky') sky, (select done from backfills where name = 'search') filled`;
    return row!;
  } finally {
    await sql.end();
  }
}

async function exported(): Promise<{ f: Fixture; records: DumpRecord[] }> {
  const dir = await tempDir();
  const f = await build(dir);
  return { f, records: await collect(exportLowdbStore(dir, { store: f.store })) };
}

/** The likes and retweets given now and the media files a dump names, counted from its records. */
function edgesAndFiles(records: DumpRecord[]) {
  const tweets = records.flatMap((r) => (r.type === 'tweet' ? [r] : []));
  return {
    likes: tweets.flatMap((t) => t.edges.filter((e) => e.liked)).length,
    retweets: tweets.flatMap((t) => t.edges.filter((e) => e.retweeted)).length,
    files: records.flatMap((r) => (r.type === 'media' ? r.files : [])).length,
  };
}

describe('importDump', { timeout: 60_000 }, () => {
  it('writes what verifyCopy finds equal through both ports, keeps the storeId and continues the stream after the head', async () => {
    const { f, records } = await exported();
    const store = records[0] as Extract<DumpRecord, { type: 'store' }>;
    const schema = newSchema();
    const progress: ImportProgress[] = [];
    const summary = await importDump(records, { url: db.url, schema, batchRows: 50, onProgress: (p) => progress.push(p) });
    expect(summary).toEqual({ storeId: store.storeId, headSeq: store.headSeq, ...store.counts, ...edgesAndFiles(records) });
    expect([...new Set(progress.map((p) => p.phase))]).toEqual(['user', 'session', 'media', 'tweet', 'commit']);
    expect(progress.at(-2)).toEqual({ phase: 'commit', done: 0, total: 1 });
    expect(progress.filter((p) => p.phase === 'tweet').at(-1)).toEqual({ phase: 'tweet', done: store.counts.tweets, total: store.counts.tweets });

    // every published tweet's search terms and tags, written by the import: nothing left for the open to fill
    expect(await searchRowCounts(schema)).toEqual({ terms: String(records.filter((r) => r.type === 'tweet' && r.state === 'published').length), sky: 1, filled: true });

    const target = await openPostgresStore({ url: db.url, schema, clock, policy: { windowMs: 0, maxEdits: 0 }, pollMs: 100 });
    try {
      const found = async (q: string) => (await target.searchTweets({ viewerId: f.ada.id, query: parseSearchQuery(q), sort: 'latest', limit: 10 })).items.map((t) => t.id);
      expect(await found('sky')).toEqual([f.tweets.reply.id, f.tweets.withMedia.id]);
      expect(await found('#sky')).toEqual([f.tweets.withMedia.id]);
      expect(await found('"fourth take"')).toEqual([f.tweets.reverted.id]); // its current version only
      expect(await found('"first take"')).toEqual([]);
      expect(await found('"a draft, edited"')).toEqual([f.tweets.draft.id]); // published since
      expect(await found('"soon archived"')).toEqual([]);
      expect((await target.listTweets({ viewerId: null, hashtag: 'sky', limit: 10 })).items.map((t) => t.id)).toEqual([f.tweets.withMedia.id]);
      const report = await verifyCopy(f.store, target, records);
      expect(report.differences).toEqual([]);
      expect(report.checked).toMatchObject(store.counts);
      expect(target.storeId).toBe(store.storeId);

      // events: none at or before the head; the next write is head + 1
      const head = store.headSeq;
      expect(await target.events.head()).toBe(head);
      expect(await target.events.after(head, 10)).toEqual([]);
      expect(await target.events.after(head - 1, 10)).toBe('gone');
      expect(await target.events.after(0, 10)).toBe('gone');
      expect((await target.stats()).oldestRetainedSeq).toBe(head);
      const seen: StoreEvent[] = [];
      target.events.subscribe((e) => seen.push(e));
      const liked = await target.engage({ id: f.tweets.reply.id, userId: f.ada.id, action: 'like' });
      expect(liked.likes).toBe(1);
      const after = await target.events.after(head, 10);
      expect(after).toMatchObject([{ seq: head + 1, type: 'Liked' }]);
      expect(seen.map((e) => e.seq)).toEqual([head + 1]);
      expect(await target.events.after(head - 1, 10)).toBe('gone');

      // what the engine remembers answers as it did: the idempotency key, the credentials, a like taken back
      const again = await target.createTweet({ authorId: f.ada.id, text: parseContent('posted once only'), idempotencyKey: 'key-1' });
      expect(again.id).toBe(f.tweets.keyed.id);
      expect((await target.findSession(f.tokens.open))?.userId).toBe(f.ada.id);
      expect(await target.findSession(f.tokens.closed)).toBeNull();
      await expect(target.registerUser({ username: f.ada.username.toUpperCase(), displayName: 'X', passwordHash: 'h' })).rejects.toMatchObject({ code: 'CONFLICT' });
    } finally {
      await target.close();
    }
  });

  it('leaves the database as it was when cancelled mid-import, and a rerun succeeds', async () => {
    const { records } = await exported();
    const schema = newSchema();
    const cancel = new AbortController();
    const cancelled = importDump(records, {
      url: db.url,
      schema,
      batchRows: 20,
      signal: cancel.signal,
      onProgress: (p) => {
        if (p.phase === 'tweet' && p.done >= 60) cancel.abort();
      },
    });
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    const before = await rowCounts(schema);
    expect(before).toMatchObject({ users: '0', tweets: '0', versions: '0', events: '0', head: '0' });

    // and a cancel once every row is written (while the media would be copied)
    const late = new AbortController();
    await expect(importDump(records, { url: db.url, schema, signal: late.signal, beforeCommit: async () => late.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await rowCounts(schema)).toEqual(before);

    const store = records[0] as Extract<DumpRecord, { type: 'store' }>;
    await importDump(records, { url: db.url, schema });
    expect(await rowCounts(schema)).toMatchObject({ users: String(store.counts.users), tweets: String(store.counts.tweets), versions: String(store.counts.versions), head: String(store.headSeq), store_id: store.storeId });
  });

  it('refuses a database that holds a store, changing nothing', async () => {
    const { f, records } = await exported();
    const schema = newSchema();
    const running = await openPostgresStore({ url: db.url, schema, clock, policy: { windowMs: 0, maxEdits: 0 } });
    try {
      await running.registerUser({ username: 'already_here', displayName: 'A', passwordHash: 'h' });
    } finally {
      await running.close();
    }
    const before = await rowCounts(schema);
    const refused = importDump(records, { url: db.url, schema });
    await expect(refused).rejects.toBeInstanceOf(PreconditionFailed);
    await expect(refused).rejects.toThrow(/already holds a store \(1 users, 0 tweets, 1 events, head seq 1\)/);
    expect(await rowCounts(schema)).toEqual(before);
    expect(f.store.storeId).not.toBe(before.store_id);
  });

  it('refuses a dump that breaks the format before anything is committed, naming the record', async () => {
    const { records } = await exported();
    const schema = newSchema();
    const cut = records.slice(0, -1); // the last tweet missing: the store record's counts are not met
    await expect(importDump(cut, { url: db.url, schema })).rejects.toThrow(/store record counts/);
    expect(await rowCounts(schema)).toMatchObject({ users: '0', tweets: '0' });
  });
});
