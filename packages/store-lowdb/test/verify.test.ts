// verifyCopy through the port of two embedded stores: a store and itself, a copy of its folder, and copies that differ
// from it in one like, one version, one alt text, one user; each difference is named.
import { cp } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseContent } from '@tweetstore/core';
import { verifyCopy, type TweetStore, type VerifyProgress } from '@tweetstore/store';
import { exportLowdbStore } from '@tweetstore/store-lowdb';
import { collect, dumpFixtures, type Fixture } from './dump-fixture.ts';
import { openedStores, tempDirs } from './support.ts';

const stores = openedStores();
const tempDir = tempDirs('tweetstore-verify-');
const { options, build } = dumpFixtures(stores);

/** The fixture's folder and a copy of it, both open; `change` is made to the copy. */
async function sourceAndCopy(change: (copy: TweetStore, f: Fixture) => Promise<unknown>) {
  const [dir, copyDir] = [await tempDir(), await tempDir()];
  const f = await build(dir);
  await stores.close(f.store);
  await cp(dir, copyDir, { recursive: true });
  const [source, copy] = [await stores.open(options(dir)), await stores.open(options(copyDir))];
  await change(copy, f);
  return { f, source, copy, copyDir, records: await collect(exportLowdbStore(dir, { store: source })), heads: [await source.events.head(), await copy.events.head()] };
}

describe('verifyCopy', { timeout: 60_000 }, () => {
  it('finds nothing that differs between a store and itself, or a copy of its folder, and counts what it compared', async () => {
    const dir = await tempDir();
    const f = await build(dir);
    const records = await collect(exportLowdbStore(dir, { store: f.store }));
    const progress: VerifyProgress[] = [];
    const itself = await verifyCopy(f.store, f.store, records, { onProgress: (p) => progress.push(p) });
    expect(itself).toEqual({ checked: { users: 10, sessions: 1, media: 2, tweets: 126, versions: 191, reads: expect.any(Number) }, differences: [], differenceCount: 0 });
    // per tweet at least getTweet and listVersions as its author and as anyone, getEngagement as its author
    expect(itself.checked.reads).toBeGreaterThan(3 + 2 * 10 + 1 + 2 * 3 + 5 * 126);
    expect(progress.at(-1)).toEqual({ phase: 'tweet', done: 126, total: 126 });
    expect([...new Set(progress.map((p) => p.phase))]).toEqual(['store', 'user', 'session', 'media', 'tweet']);

    const { source, copy, records: again } = await sourceAndCopy(async () => {});
    expect((await verifyCopy(source, copy, again)).differences).toEqual([]);
  });

  it('names a like the copy has and the store has not', async () => {
    const { f, source, copy, records, heads } = await sourceAndCopy((copy, f) => copy.engage({ id: f.tweets.withMedia.id, userId: f.ada.id, action: 'like' }));
    const { differences } = await verifyCopy(source, copy, records);
    const tweet = `tweet ${f.tweets.withMedia.id}`;
    expect(differences).toEqual(
      expect.arrayContaining([
        `store: head seq: ${heads[0]} in source, ${heads[1]} in target`,
        `${tweet} as author: getTweet engagement.likes: 1 in source, 2 in target`,
        `${tweet} as author: getTweet engagement.likedByCurrentUser: false in source, true in target`,
        `${tweet} as anyone: getTweet engagement.likes: 1 in source, 2 in target`,
        `${tweet} as author: getEngagement likes: 1 in source, 2 in target`,
        `${tweet} as user ${f.bob.id}: getEngagement likes: 1 in source, 2 in target`,
      ]),
    );
    // nothing else differs (a like also moves the tweet's velocity)
    expect(differences.filter((d) => !d.startsWith('store: head seq') && !/\b(likes|likedByCurrentUser|velocity\.likes): /.test(d))).toEqual([]);
  });

  it('names a version the copy has and the store has not', async () => {
    const { f, source, copy, records } = await sourceAndCopy((copy, f) => copy.editTweet({ id: f.tweets.reverted.id, actorId: f.ada.id, text: parseContent('a fifth take') }));
    const { differences } = await verifyCopy(source, copy, records);
    const tweet = `tweet ${f.tweets.reverted.id}`;
    expect(differences).toEqual(
      expect.arrayContaining([
        `${tweet} as author: listVersions length: 5 in source, 6 in target`,
        `${tweet} as anyone: listVersions length: 5 in source, 6 in target`,
        `${tweet} as author: getTweet content: "fourth take, after the checkpoint" in source, "a fifth take" in target`,
        `${tweet} as author: getTweet version: 5 in source, 6 in target`,
      ]),
    );
    expect(differences.filter((d) => !d.startsWith('store: ') && !d.startsWith(tweet))).toEqual([]);
  });

  it('names an alt text that differs, as the one who wrote it sees it', async () => {
    const { f, source, copy, records, heads } = await sourceAndCopy((copy, f) => copy.setMediaAlt(f.media.shared, f.bob.id, 'night falls'));
    expect((await verifyCopy(source, copy, records)).differences).toEqual([
      `store: head seq: ${heads[0]} in source, ${heads[1]} in target`,
      `media ${f.media.shared} as user ${f.bob.id}: getMedia alt: "dusk" in source, "night falls" in target`,
    ]);
  });

  it('names what the copy lacks: a user of the store not in the copy', async () => {
    // the copy is the source here, with one more user than the folder it was copied from
    const { source: original, copy: larger, copyDir, heads } = await sourceAndCopy((copy) => copy.registerUser({ username: 'late_comer', displayName: 'Late', passwordHash: 'h' }));
    const records = await collect(exportLowdbStore(copyDir, { store: larger }));
    const late = (await larger.findCredentials('late_comer'))!.user;
    const { differences, differenceCount } = await verifyCopy(larger, original, records);
    expect(differences).toEqual([
      `store: head seq: ${heads[1]} in source, ${heads[0]} in target`,
      `store: counts users: 11 in source, 10 in target`,
      `user ${late.id}: getUser: ${JSON.stringify({ id: late.id, username: 'late_comer', displayName: 'Late', createdAt: late.createdAt })} in source, null in target`,
      `user ${late.id}: findCredentials(late_comer): ${JSON.stringify({ user: late, passwordHash: 'h' })} in source, null in target`,
    ]);
    expect(differenceCount).toBe(4);
  });
});
