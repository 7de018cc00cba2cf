// The embedded engine's search index and hashtag counts against the rules stated once (search/query.ts's
// matchesQuery over every published tweet; each author's first use of a tag counting for its velocity), through the
// port on real data folders: as events apply, after a crash (a checkpoint and the journal after it), after a reopen
// (a checkpoint alone), and in a store whose checkpoint has no index (it is built after the store opens).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_EDIT_POLICY, InvalidInput, manualClock, parseContent, ratePerMinute, StorageUnavailable, type Tweet, type User } from '@tweetstore/core';
import { documentTerms, matchesQuery, parseSearchQuery, tagKey, type SearchQuery, type TweetStore } from '@tweetstore/store';
import type { LowdbStoreOptions } from '@tweetstore/store-lowdb';
import { crashImage, logCapture, openedStores, tempDirs } from './support.ts';

const stores = openedStores();
const tempDir = tempDirs('tweetstore-search-');

const TOKENS = ['red', 'green', 'blue', 'redder', 'bluebird', 'green-blue', '#red', '#Blue', '@u1', '天気', '🔥', 'café'];
const QUERIES = ['red', 'gre', 'blue', '"red green"', '-blue', '#red', '#blue', '@u1', 'from:u1', '-from:u2', '天気', '🔥', 'bl', '-"green blue"', 'cafe', 'r', '-#red'];

type Op =
  | { kind: 'create'; author: number; words: number[]; draft: boolean }
  | { kind: 'edit'; tweet: number; words: number[] }
  | { kind: 'move'; tweet: number; to: 'publish' | 'archive' | 'restore' }
  | { kind: 'like'; tweet: number; by: number }
  | { kind: 'checkpoint' };

const words = fc.array(fc.nat(TOKENS.length - 1), { minLength: 1, maxLength: 5 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), author: fc.nat(2), words, draft: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('edit' as const), tweet: fc.nat(), words }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), tweet: fc.nat(), to: fc.constantFrom('publish' as const, 'archive' as const, 'restore' as const) }) },
  // changes a chunk but not its texts: its search columns are the last checkpoint's
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('like' as const), tweet: fc.nat(), by: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
);
const query = fc.array(fc.nat(QUERIES.length - 1), { minLength: 1, maxLength: 3 }).map((picks) => picks.map((i) => QUERIES[i]).join(' '));

/** The velocity of n counted uses made just now (the clock stands still here). */
const usesNow = (n: number) => Number((n * ratePerMinute({ value: 1, at: 0 }, 0)).toFixed(6));

/** What the rules say: the tweets as the port last returned them, and who brought each tag onto a published tweet. */
class Model {
  readonly tweets: Tweet[] = [];
  readonly arrived = new Map<string, Set<string>>();

  saw(t: Tweet, before?: Tweet): void {
    const i = this.tweets.findIndex((x) => x.id === t.id);
    if (i < 0) this.tweets.push(t);
    else this.tweets[i] = t;
    const had = new Set(before && before.state === 'published' ? before.hashtags.map(tagKey) : []);
    const publishing = t.state === 'published' && before?.state !== 'archived'; // a restore gives back uses only
    if (publishing) for (const tag of t.hashtags.map(tagKey)) if (!had.has(tag)) (this.arrived.get(tag) ?? this.arrived.set(tag, new Set()).get(tag)!).add(t.author.id);
  }

  search(q: SearchQuery): string[] {
    const doc = (t: Tweet) => ({ ...documentTerms(t.content, t.hashtags, t.mentions), author: t.author.username.toLowerCase() });
    return this.tweets.filter((t) => t.state === 'published' && matchesQuery(q, doc(t))).map((t) => t.id).sort().reverse();
  }

  trends(): Record<string, { uses: number; velocity: number }> {
    const uses = new Map<string, number>();
    for (const t of this.tweets) if (t.state === 'published') for (const tag of new Set(t.hashtags.map(tagKey))) uses.set(tag, (uses.get(tag) ?? 0) + 1);
    return Object.fromEntries([...uses].map(([tag, n]) => [tag, { uses: n, velocity: usesNow(this.arrived.get(tag)!.size) }]));
  }
}

/** Every id the query finds, walking the pages of `latest` (three at a time). */
async function found(store: TweetStore, q: SearchQuery): Promise<string[]> {
  const ids: string[] = [];
  let beforeId: string | undefined;
  for (;;) {
    const page = await store.searchTweets({ viewerId: null, query: q, sort: 'latest', limit: 3, ...(beforeId ? { beforeId } : {}) });
    ids.push(...page.items.map((t) => t.id));
    if (page.next === null) return ids;
    beforeId = (page.next as { beforeId: string }).beforeId;
  }
}

async function trends(store: TweetStore) {
  return Object.fromEntries((await store.trendingHashtags(50)).map((t) => [t.tag, { uses: t.uses, velocity: Number(t.velocity.toFixed(6)) }]));
}

async function agrees(store: TweetStore, model: Model, queries: readonly string[]): Promise<void> {
  for (const q of queries) {
    let parsed: SearchQuery;
    try {
      parsed = parseSearchQuery(q);
    } catch (error) {
      if (error instanceof InvalidInput) continue;
      throw error;
    }
    expect(await found(store, parsed), q).toEqual(model.search(parsed));
  }
  for (const tag of ['red', 'blue']) {
    const listed = await store.listTweets({ viewerId: null, hashtag: tag, limit: 100 });
    expect(listed.items.map((t) => t.id), `#${tag}`).toEqual(model.search(parseSearchQuery(`#${tag}`)));
  }
  expect(await trends(store)).toEqual(model.trends());
}

describe('lowdb engine: search index and hashtags', () => {
  it('answer as the rules over every published tweet do, through edits, transitions, checkpoints, a crash and a reopen', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), fc.array(query, { minLength: 4, maxLength: 8 }), async (ops, queries) => {
        const dataDir = await tempDir();
        const clock = manualClock();
        // chunks of two tweets and two tags, and a checkpoint every few events: most chunks are reused, some rewritten
        const log = logCapture();
        const options = (dir: string): LowdbStoreOptions => ({
          dataDir: dir,
          clock,
          policy: { ...DEFAULT_EDIT_POLICY, windowMs: 0, maxEdits: 0 },
          checkpointRowsPerFile: 2,
          checkpointEveryEvents: 4,
          checkpointIntervalMs: 5,
          logger: log.logger,
        });
        let store = await stores.open(options(dataDir));
        const users: User[] = [];
        for (let i = 1; i <= 3; i++) users.push(await store.registerUser({ username: `u${i}`, displayName: `U${i}`, passwordHash: 'h' }));
        const model = new Model();
        const text = (picks: number[]) => parseContent(picks.map((i) => TOKENS[i]).join(' '));
        for (const o of ops) {
          const t = model.tweets.length > 0 && 'tweet' in o ? model.tweets[o.tweet % model.tweets.length]! : undefined;
          if (o.kind === 'create') model.saw(await store.createTweet({ authorId: users[o.author]!.id, text: text(o.words), draft: o.draft }));
          else if (t && o.kind === 'edit' && t.state !== 'archived') model.saw(await store.editTweet({ id: t.id, actorId: t.author.id, text: text(o.words) }), t);
          else if (t && o.kind === 'like' && t.state === 'published') await store.engage({ id: t.id, userId: users[o.by]!.id, action: 'like' });
          else if (o.kind === 'checkpoint') await vi.waitFor(async () => expect((await store.stats()).details.checkpointSeq).toBe(await store.events.head()));
          else if (t && o.kind === 'move') {
            const moved = await store.transitionTweet({ id: t.id, actorId: t.author.id, to: o.to }).catch(() => null); // a move its state does not allow
            if (moved) model.saw(moved, t);
          }
        }
        await agrees(store, model, queries);
        const crashed = await stores.open(options(await crashImage(dataDir, tempDir)));
        await agrees(crashed, model, queries);
        await stores.close(crashed);
        await stores.close(store);
        store = await stores.open(options(dataDir));
        expect((await store.stats()).details.searchIndexed).toBe(model.tweets.length); // read with the checkpoint, not built
        await agrees(store, model, queries);
        await stores.close(store);
        expect(log.lines.filter((l) => l.level !== 'info')).toEqual([]); // every checkpoint was whole: none fell back
      }),
      { numRuns: 25 },
    );
  }, 300_000);

  it('builds the index after it opens when its checkpoint has none, and writes it with the next checkpoint', async () => {
    const dataDir = await tempDir();
    const clock = manualClock();
    const log = logCapture();
    const options: LowdbStoreOptions = { dataDir, clock, policy: DEFAULT_EDIT_POLICY, checkpointRowsPerFile: 2, logger: log.logger };
    let store = await stores.open(options);
    const model = new Model();
    const ada = await store.registerUser({ username: 'u1', displayName: 'Ada', passwordHash: 'h' });
    for (let i = 0; i < 9; i++) model.saw(await store.createTweet({ authorId: ada.id, text: parseContent(`${TOKENS[i]} ${TOKENS[(i * 5) % TOKENS.length]}`) }));
    // more than one event-loop turn of building
    for (let i = 0; i < 600; i += 100) {
      const filler = await Promise.all(Array.from({ length: 100 }, (_, k) => store.createTweet({ authorId: ada.id, text: parseContent(`filler ${i + k}`) })));
      filler.sort((a, b) => (a.id < b.id ? -1 : 1)).forEach((t) => model.saw(t));
    }
    await stores.close(store);
    // The checkpoint as format 4 wrote it: no search columns in its tweets files, no tags files.
    const [cp] = (await readdir(join(dataDir, 'checkpoints'))).filter((n) => n.startsWith('cp-'));
    const dir = join(dataDir, 'checkpoints', cp!);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    for (const f of manifest.files) {
      if (f.table !== 'tweets') continue;
      const { search, ...columns } = JSON.parse(await readFile(join(dir, f.name), 'utf8'));
      expect(search).toBeDefined();
      await writeFile(join(dir, f.name), JSON.stringify(columns));
    }
    await rewriteManifest(dir, manifest, 4);

    // A store closed while it builds the index stops building, and a search waiting for it is refused.
    store = await stores.open(options);
    const waiting = store.searchTweets({ viewerId: null, query: parseSearchQuery('red'), sort: 'latest', limit: 10 });
    await stores.close(store);
    await expect(waiting).rejects.toThrow(StorageUnavailable);

    store = await stores.open(options);
    expect((await store.stats()).details.searchIndexed).toBeLessThan(609); // built after the open
    const noVelocity = Object.assign(Object.create(model) as Model, { trends: () => ({}) }); // the checkpoint kept none
    await agrees(store, noVelocity, QUERIES);
    expect(log.lines.map((l) => l.msg)).toContain('search index built');
    clock.advance(1); // ids ascend with creation, as a server's do across a restart
    model.saw(await store.createTweet({ authorId: ada.id, text: parseContent('red, one more') }));
    await stores.close(store); // a checkpoint of everything, in today's format
    expect(JSON.parse(await readFile(join(dataDir, 'checkpoints', (await readdir(join(dataDir, 'checkpoints'))).sort().at(-1)!, 'manifest.json'), 'utf8')).format).toBe(5);
    store = await stores.open(options);
    expect((await store.stats()).details.searchIndexed).toBe(610);
    await agrees(store, noVelocity, QUERIES);
  }, 60_000);

  it('matches phrases from the words it keeps in text order, and from the texts of tweets restored without them', async () => {
    const dataDir = await tempDir();
    const clock = manualClock();
    const options: LowdbStoreOptions = { dataDir, clock, policy: { ...DEFAULT_EDIT_POLICY, windowMs: 0, maxEdits: 0 }, checkpointRowsPerFile: 3 };
    let store = await stores.open(options);
    const model = new Model();
    const ada = await store.registerUser({ username: 'u1', displayName: 'Ada', passwordHash: 'h' });
    const phrases = ['"red green"', '"green red"', '"blue red green"', '-"red green" blue', '"green-blue red"', '"red gr"', '"#red blue"'];
    for (const text of ['red green blue', 'green red', 'blue red green #red', 'red blue green', 'green-blue red green', 'red, green.', '#red blue red'])
      model.saw(await store.createTweet({ authorId: ada.id, text: parseContent(text) }));
    await agrees(store, model, phrases);
    const edited = model.tweets[3]!;
    model.saw(await store.editTweet({ id: edited.id, actorId: ada.id, text: parseContent('a longer text: blue red green red') }), edited);
    await agrees(store, model, phrases);
    await stores.close(store);

    store = await stores.open(options);
    await expect.poll(() => wordsIndexed(store)).toBe(7); // read with the checkpoint, decoded after the open
    await agrees(store, model, phrases);
    await stores.close(store);

    // The checkpoint as format 5 wrote it before the words were kept: phrases are matched against the texts.
    const [cp] = (await readdir(join(dataDir, 'checkpoints'))).filter((n) => n.startsWith('cp-')).sort().slice(-1);
    const dir = join(dataDir, 'checkpoints', cp!);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    for (const f of manifest.files.filter((f: { table: string }) => f.table === 'tweets')) {
      const columns = JSON.parse(await readFile(join(dir, f.name), 'utf8'));
      expect(columns.search.sequence).toEqual(expect.any(String));
      delete columns.search.sequence;
      await writeFile(join(dir, f.name), JSON.stringify(columns));
    }
    await rewriteManifest(dir, manifest, 5);
    store = await stores.open(options);
    await agrees(store, model, phrases);
    expect(await wordsIndexed(store)).toBe(0);
    const again = model.tweets[1]!;
    model.saw(await store.editTweet({ id: again.id, actorId: ada.id, text: parseContent('green red blue') }), again);
    expect(await wordsIndexed(store)).toBe(1);
    await agrees(store, model, phrases);
    await stores.close(store); // a checkpoint: every chunk restored without the words is analysed again, once
    store = await stores.open(options);
    await expect.poll(() => wordsIndexed(store)).toBe(7);
    await agrees(store, model, phrases);
  }, 60_000);
});

describe('lowdb engine: words in text order decoded after the store opens', () => {
  const PHRASES = ['"red green"', '"green red"', '"blue red green"', '-"red green" blue', '"green-blue red"', '"red gr"', '"#red blue"', '"café 天気"'];
  const TEXTS = ['red green blue', 'green red', 'blue red green #red', 'red blue green', 'green-blue red green', 'red, green.', '#red blue red', 'café 天気 red'];
  const TWEETS = 40; // 20 chunks of two: 20 turns of decoding

  /** A store of TWEETS tweets, closed (its checkpoint has every chunk's words), and the model of what they say. */
  async function seeded(log = logCapture()) {
    const dataDir = await tempDir();
    const clock = manualClock();
    const options = (dir: string, extra: Partial<LowdbStoreOptions> = {}): LowdbStoreOptions => ({
      dataDir: dir,
      clock,
      policy: { ...DEFAULT_EDIT_POLICY, windowMs: 0, maxEdits: 0 },
      checkpointRowsPerFile: 2,
      logger: log.logger,
      ...extra,
    });
    const store = await stores.open(options(dataDir));
    const ada = await store.registerUser({ username: 'u1', displayName: 'Ada', passwordHash: 'h' });
    const model = new Model();
    for (let i = 0; i < TWEETS; i++) model.saw(await store.createTweet({ authorId: ada.id, text: parseContent(`${TEXTS[i % TEXTS.length]} ${i}`) }));
    await stores.close(store);
    return { dataDir, options, model, ada, log, clock };
  }

  /** Each query's first page, all matched in this turn of the event loop (no decoding between them). */
  const foundNow = (store: TweetStore, queries: readonly string[]) =>
    Promise.all(queries.map(async (q) => (await store.searchTweets({ viewerId: null, query: parseSearchQuery(q), sort: 'latest', limit: 100 })).items.map((t) => t.id)));
  const expected = (model: Model, queries: readonly string[]) => queries.map((q) => model.search(parseSearchQuery(q)));

  it('finds phrases before its chunks are decoded and after, and an edit made before its chunk is decoded keeps its words', async () => {
    const { dataDir, options, model, ada } = await seeded();
    // Edits after the checkpoint, in the journal only (the copy is what a crash leaves): a restart replays them onto
    // tweets whose chunks are still encoded. The like makes its tweet's record, so an edit of it later decides at once.
    const writer = await stores.open(options(dataDir, { checkpointEveryEvents: 1_000_000, checkpointIntervalMs: 3_600_000 }));
    const replayed = model.tweets[21]!;
    model.saw(await writer.editTweet({ id: replayed.id, actorId: ada.id, text: parseContent('green red, and blue') }), replayed);
    const live = model.tweets[TWEETS - 1]!; // in the last chunk: the last decoded
    await writer.engage({ id: live.id, userId: ada.id, action: 'like' });
    const copy = await crashImage(dataDir, tempDir);
    await stores.close(writer);

    const store = await stores.open(options(copy));
    expect(await wordsIndexed(store)).toBe(1); // the replayed edit's words; every chunk still encoded
    const editing = store.editTweet({ id: live.id, actorId: ada.id, text: parseContent('blue red green, now') }); // applied in this turn
    const before = await foundNow(store, PHRASES);
    model.saw(await editing, live);
    expect(before).toEqual(expected(model, PHRASES));
    await expect.poll(() => wordsIndexed(store)).toBe(TWEETS);
    expect(await foundNow(store, PHRASES)).toEqual(expected(model, PHRASES));
    await agrees(store, model, PHRASES);
  }, 60_000);

  it('logs a chunk whose words do not hold together, matches its phrases against the texts, and writes its words again', async () => {
    const { dataDir, options, model, ada, log, clock } = await seeded();
    const [cp] = (await readdir(join(dataDir, 'checkpoints'))).filter((n) => n.startsWith('cp-')).sort().slice(-1);
    const dir = join(dataDir, 'checkpoints', cp!);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    const file = join(dir, manifest.files.find((f: { table: string; chunk: number }) => f.table === 'tweets' && f.chunk === 7).name);
    const columns = JSON.parse(await readFile(file, 'utf8'));
    const bytes = Buffer.from(columns.search.sequence, 'base64');
    bytes[bytes.length - 1] = columns.search.terms.length; // the last word names a term the chunk does not have
    columns.search.sequence = bytes.toString('base64');
    await writeFile(file, JSON.stringify(columns));
    await rewriteManifest(dir, manifest, 5);

    let store = await stores.open(options(dataDir));
    await expect.poll(() => wordsIndexed(store)).toBe(TWEETS - 2);
    expect(log.lines.filter((l) => l.level === 'error').map((l) => [l.msg, l.obj.tweets])).toEqual([
      ["a checkpoint's words in text order do not hold together; those tweets' phrases are matched against their texts", '#14-#15'],
    ]);
    expect(await foundNow(store, PHRASES)).toEqual(expected(model, PHRASES));
    clock.advance(1); // ids ascend with creation, as a server's do across a restart
    model.saw(await store.createTweet({ authorId: ada.id, text: parseContent('red green, still answering') }));
    await agrees(store, model, PHRASES);
    await stores.close(store); // the next checkpoint writes that chunk's search columns from its texts
    log.lines.length = 0;
    store = await stores.open(options(dataDir));
    await expect.poll(() => wordsIndexed(store)).toBe(TWEETS + 1);
    await agrees(store, model, PHRASES);
    expect(log.lines.filter((l) => l.level !== 'info')).toEqual([]);
  }, 60_000);

  it('stops decoding when the store closes', async () => {
    const { dataDir, options, model, log } = await seeded();
    let store = await stores.open(options(dataDir));
    await stores.close(store); // in the turn it opened: before any chunk is decoded
    expect(await wordsIndexed(store)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50)); // many turns: a decoding that went on would use them
    expect(await wordsIndexed(store)).toBe(0);
    expect(log.lines.filter((l) => l.level !== 'info')).toEqual([]);
    store = await stores.open(options(dataDir));
    await expect.poll(() => wordsIndexed(store)).toBe(TWEETS);
    await agrees(store, model, PHRASES);
  }, 60_000);
});

/** Tweets whose words in text order the store's search index has (a restored chunk's: once decoded after the open). */
async function wordsIndexed(store: TweetStore): Promise<number> {
  return (await store.stats()).details.searchWordsIndexed as number;
}

/** Writes the manifest with the files' new sizes and checksums, as a checkpoint of `format`. */
async function rewriteManifest(dir: string, manifest: { format: number; files: { name: string; bytes: number; crc: number }[] }, format: number): Promise<void> {
  const { crc32 } = await import('node:zlib');
  for (const f of manifest.files) {
    const bytes = await readFile(join(dir, f.name));
    Object.assign(f, { bytes: bytes.length, crc: crc32(bytes) });
  }
  const files = format < 5 ? manifest.files.filter((f) => !f.name.startsWith('tags-')) : manifest.files;
  const { check: _, ...body } = { ...manifest, format, files } as typeof manifest & { check?: number };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...body, check: crc32(JSON.stringify(body)) }));
}
