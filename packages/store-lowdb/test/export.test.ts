// exportLowdbStore on a real data folder: the records an import reads back (schema, order, references, each version's
// text against its hash), each thing of the store once and as the port shows it, the same after a restart, and the
// folder's lock, cancellation and writes during an export.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInput, PreconditionFailed, StorageUnavailable } from '@tweetstore/core';
import { dumpLines, nextContent, readDump, type DumpRecord, type DumpTweet, type TweetStore } from '@tweetstore/store';
import { exportLowdbStore, type ExportProgress } from '@tweetstore/store-lowdb';
import { collect, dumpFixtures } from './dump-fixture.ts';
import { openedStores, tempDirs } from './support.ts';

const stores = openedStores();
const tempDir = tempDirs('tweetstore-export-');
const { clock, options, build } = dumpFixtures(stores);

const ofType = <T extends DumpRecord['type']>(records: DumpRecord[], type: T) => records.filter((r): r is Extract<DumpRecord, { type: T }> => r.type === type);

/** What the port shows of a tweet record's tweet, as its author, next to what the record says. */
async function portView(store: TweetStore, r: DumpTweet) {
  const [tweet, versions] = await Promise.all([store.getTweet(r.id, r.authorId), store.listVersions(r.id, r.authorId)]);
  let text = '';
  const rebuilt = r.versions.map((v) => (text = nextContent(text, v.body)));
  return {
    shown: {
      tweet: tweet && { ...tweet, author: tweet.author.id, media: tweet.media.map((m) => m.id), editControls: undefined, engagement: { ...tweet.engagement, velocity: undefined } },
      versions: versions.map((v) => ({ content: v.content, contentHash: v.contentHash, kind: v.kind, at: v.createdAt.getTime(), media: v.media.map((m) => m.id) })),
    },
    recorded: {
      tweet: {
        id: r.id,
        author: r.authorId,
        content: r.content,
        contentHash: r.contentHash,
        weightedLength: r.weightedLength,
        hashtags: r.hashtags,
        mentions: r.mentions,
        urls: r.urls,
        media: r.mediaIds,
        replyToId: r.replyToId,
        state: r.state,
        version: r.versionCount,
        createdAt: new Date(r.createdAt),
        publishedAt: r.publishedAt === null ? null : new Date(r.publishedAt),
        editedAt: r.editedAt === null ? null : new Date(r.editedAt),
        editControls: undefined,
        engagement: {
          likes: r.edges.filter((e) => e.liked).length,
          retweets: r.edges.filter((e) => e.retweeted).length,
          replies: r.replies,
          views: r.views,
          likedByCurrentUser: r.edges.some((e) => e.userId === r.authorId && e.liked),
          retweetedByCurrentUser: r.edges.some((e) => e.userId === r.authorId && e.retweeted),
          velocity: undefined,
        },
      },
      versions: r.versions.map((v, i) => ({ content: rebuilt[i], contentHash: v.contentHash, kind: v.kind, at: v.at, media: v.mediaIds })),
    },
  };
}

describe('exportLowdbStore', { timeout: 60_000 }, () => {
  it('gives the store, then each user, open session, media object and tweet once, as the port shows them, and an import reads them back', async () => {
    const dir = await tempDir();
    const f = await build(dir);
    const progress: ExportProgress[] = [];
    const records = await collect(exportLowdbStore(dir, { store: f.store, onProgress: (p) => progress.push(p) }));

    // NDJSON out and back in through the schema and the import's checks (order, references, hashes, counts)
    const lines = await collect(dumpLines(records));
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(await collect(readDump(lines.map((l) => l.slice(0, -1))))).toEqual(records);

    const [store, ...rest] = records;
    const stats = await f.store.stats();
    expect(store).toEqual({
      type: 'store',
      format: 'tweetstore-dump',
      version: 1,
      storeId: f.store.storeId,
      headSeq: await f.store.events.head(),
      engine: 'lowdb',
      exportedAt: clock.now(),
      counts: { users: stats.users, sessions: 1, media: stats.media, tweets: stats.tweets, versions: stats.versions },
    });
    expect(rest.map((r) => r.type)).toEqual([...ofType(records, 'user'), ...ofType(records, 'session'), ...ofType(records, 'media'), ...ofType(records, 'tweet')].map((r) => r.type));
    expect(stats).toMatchObject({ users: 10, tweets: 126, versions: 126 + 60 + 5 });

    for (const u of ofType(records, 'user')) {
      expect(await f.store.findCredentials(u.username)).toEqual({ user: { id: u.id, username: u.username, displayName: u.displayName, createdAt: new Date(u.createdAt) }, passwordHash: u.passwordHash });
    }
    // the session still open; not the closed one, nor the one expired since
    expect(ofType(records, 'session')).toEqual([{ type: 'session', tokenHash: f.tokens.open, userId: f.ada.id, expiresAt: (await f.store.findSession(f.tokens.open))!.expiresAt.getTime() }]);
    expect(await f.store.findSession(f.tokens.expired)).toBeNull();

    const media = ofType(records, 'media');
    expect(media.map((m) => [m.id, m.owners, m.attached])).toEqual([
      [f.media.shared, [{ userId: f.ada.id, alt: 'a red sunset' }, { userId: f.bob.id, alt: 'dusk' }], true],
      [f.media.unattached, [{ userId: f.bob.id, alt: '' }], false],
    ]);
    for (const m of media) {
      const { type, owners, attached, uploadedAt, files, placeholder, ...facts } = m;
      const shown = await f.store.getMedia(m.id, owners[0]!.userId);
      expect(shown).toMatchObject({ ...facts, placeholder, variants: files.map((file) => ({ name: file.name, mime: file.mime })) });
      expect(shown!.alt).toBe(owners[0]!.alt || undefined);
    }

    const tweets = ofType(records, 'tweet');
    expect(tweets.map((t) => t.id)).toEqual(tweets.map((t) => t.id).sort()); // creation order (ids sort by creation)
    for (const r of tweets) {
      const { shown, recorded } = await portView(f.store, r);
      expect(shown, r.id).toEqual(recorded);
      for (const e of r.edges) {
        expect(await f.store.getEngagement(r.id, r.state === 'published' ? e.userId : r.authorId), r.id).toMatchObject(
          r.state === 'published' ? { likedByCurrentUser: e.liked, retweetedByCurrentUser: e.retweeted } : {},
        );
      }
    }
    const byId = new Map(tweets.map((t) => [t.id, t]));
    // its like was taken back before the checkpoint the store was reopened from, which holds that
    expect(byId.get(f.tweets.keyed.id)).toMatchObject({
      idempotencyKey: 'key-1',
      edges: [{ userId: f.bob.id, liked: false, retweeted: false, likeTakenBack: true, retweetTakenBack: false }],
    });
    expect(byId.get(f.tweets.reply.id)!.edges).toEqual(
      [
        { userId: f.ada.id, liked: false, retweeted: false, likeTakenBack: false, retweetTakenBack: true },
        { userId: f.bob.id, liked: false, retweeted: false, likeTakenBack: true, retweetTakenBack: false },
      ].sort((a, b) => (a.userId < b.userId ? -1 : 1)),
    );
    expect(byId.get(f.tweets.withMedia.id)).toMatchObject({ replies: 1, views: 2, mediaIds: [f.media.shared], hashtags: ['sky'] });
    expect(byId.get(f.tweets.withMedia.id)!.velocity).toEqual({ likes: expect.any(Object), retweets: expect.any(Object), replies: expect.any(Object), views: expect.any(Object) });
    expect(byId.get(f.tweets.reverted.id)!.versions.map((v) => v.kind)).toEqual(['created', 'edited', 'edited', 'reverted', 'edited']);
    expect(byId.get(f.tweets.draft.id)).toMatchObject({ state: 'published', versionCount: 2, editsSincePublish: 0 });
    expect(byId.get(f.tweets.archived.id)!.state).toBe('archived');
    expect(byId.get(f.tweets.reply.id)!.replyToId).toBe(f.tweets.withMedia.id);

    // progress: each phase from 0 to its total, in order
    const ends = progress.filter((p) => p.done === p.total);
    expect(ends.map((p) => [p.phase, p.total])).toEqual([
      ['user', 10],
      ['session', 1],
      ['media', 2],
      ['tweet', 126],
    ]);
    expect(progress.every((p, i) => i === 0 || p.phase !== progress[i - 1]!.phase || p.done >= progress[i - 1]!.done)).toBe(true);
  });

  it('gives the same records from the folder after a restart from its checkpoint as from the store before it, likes and retweets taken back too', async () => {
    const dir = await tempDir();
    const f = await build(dir);
    const before = await collect(exportLowdbStore(dir, { store: f.store }));
    await stores.close(f.store); // writes a checkpoint: the journal after it is empty
    const after = await collect(exportLowdbStore(dir, { clock }));
    const takenBack = (records: DumpRecord[]) => ofType(records, 'tweet').flatMap((t) => t.edges.filter((e) => e.likeTakenBack || e.retweetTakenBack));
    expect(takenBack(before)).toHaveLength(3); // one taken back before the fixture's own restart, two after it
    expect(after).toEqual(before);
    // and the restarted folder reads back as a whole
    expect(await collect(readDump(await collect(dumpLines(after))))).toHaveLength(after.length);
  });

  it('refuses a folder a server holds, naming the server, and takes the store handed in instead', async () => {
    const dir = await tempDir();
    const f = await build(dir);
    await expect(collect(exportLowdbStore(dir))).rejects.toThrow(new StorageUnavailable(`cannot export ${dir}: data folder ${dir} is already open in this process`));
    expect((await collect(exportLowdbStore(dir, { store: f.store })))[0]).toMatchObject({ type: 'store', storeId: f.store.storeId });
    await stores.close(f.store);

    // a server in another process: its pid in the folder's lock
    const server = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      await writeFile(join(dir, 'LOCK'), `${server.pid}\n`);
      const refused = collect(exportLowdbStore(dir));
      await expect(refused).rejects.toBeInstanceOf(StorageUnavailable);
      await expect(refused).rejects.toThrow(`cannot export ${dir}: data folder ${dir} is in use by process ${server.pid}; stop it first`);
    } finally {
      server.kill();
    }
  });

  it('refuses what is not an embedded data folder, and a store open on another folder', async () => {
    const [dir, other] = [await tempDir(), await tempDir()];
    await expect(collect(exportLowdbStore(dir))).rejects.toThrow(new InvalidInput(`${dir} is not a tweetstore data folder (it has no store.json)`, { dataDir: dir }));
    const f = await build(other);
    await expect(collect(exportLowdbStore(dir, { store: f.store }))).rejects.toThrow(new InvalidInput(`the store handed in is open on ${other}, not on ${dir}`));
  });

  it('stops when cancelled, and leaves the folder closed', async () => {
    const dir = await tempDir();
    await stores.close((await build(dir)).store);
    const cancel = new AbortController();
    const given: DumpRecord[] = [];
    const exporting = (async () => {
      for await (const r of exportLowdbStore(dir, { clock, signal: cancel.signal })) {
        given.push(r);
        if (r.type === 'tweet') cancel.abort();
      }
    })();
    await expect(exporting).rejects.toMatchObject({ name: 'AbortError' });
    expect(given.filter((r) => r.type === 'tweet')).toHaveLength(1);
    await stores.close(await stores.open(options(dir))); // the lock was let go
  });

  it('fails rather than mix two states when the store handed in is written to during the export', async () => {
    const dir = await tempDir();
    const f = await build(dir);
    const exporting = (async () => {
      for await (const r of exportLowdbStore(dir, { store: f.store })) if (r.type === 'tweet') await f.store.engage({ id: r.id, userId: f.ada.id, action: 'like' });
    })();
    await expect(exporting).rejects.toBeInstanceOf(PreconditionFailed);
    await expect(exporting).rejects.toThrow(/^the store changed during the export \(seq \d+, now \d+\)/);
  });
});
