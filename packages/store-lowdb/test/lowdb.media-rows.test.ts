// Media rows of checkpoints written before rows named the tweets that show them (`shownBy`): today's engine finds
// those tweets again from the uploaders' tweets and histories, answers who may fetch each media as before, and writes
// the rows whole at its next checkpoint.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, manualClock, parseContent } from '@tweetstore/core';
import { uploadOf } from '@tweetstore/store/contract';
import type { TweetStore } from '@tweetstore/store';
import type { LowdbStoreOptions } from '@tweetstore/store-lowdb';
import { authoring, logCapture, openedStores, tempDirs } from './support.ts';

const stores = openedStores();
const tempDir = tempDirs('tweetstore-media-rows-');
const { register, post } = authoring('m');

interface Manifest {
  files: { name: string; table: string; bytes: number; crc: number }[];
  check: number;
}

/**
 * Rewrites the newest checkpoint's media rows as an engine before `shownBy` wrote them, manifest and all; returns
 * what the rows said, by media id.
 */
async function dropShownBy(dataDir: string): Promise<Record<string, string[] | undefined>> {
  const [newest] = (await readdir(join(dataDir, 'checkpoints'))).filter((n) => n.startsWith('cp-')).sort().reverse();
  const dir = join(dataDir, 'checkpoints', newest!);
  const { check: _, ...manifest } = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const said: Record<string, string[] | undefined> = {};
  for (const f of manifest.files.filter((file) => file.table === 'media')) {
    const data = JSON.parse(await readFile(join(dir, f.name), 'utf8')) as { rows: { id: string; shownBy?: string[] }[] };
    for (const row of data.rows) {
      said[row.id] = row.shownBy;
      delete row.shownBy;
    }
    const text = JSON.stringify(data);
    await writeFile(join(dir, f.name), text);
    Object.assign(f, { bytes: Buffer.byteLength(text), crc: crc32(text) });
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, check: crc32(JSON.stringify(manifest)) }));
  return said;
}

describe('media rows without the tweets that show them', () => {
  it('are found again from the tweets, answer as before, and are written whole at the next checkpoint', async () => {
    const dataDir = await tempDir();
    const log = logCapture();
    const options: LowdbStoreOptions = { dataDir, clock: manualClock(), policy: DEFAULT_EDIT_POLICY, checkpointRowsPerFile: 2, logger: log.logger };
    let store = await stores.open(options);
    const [ada, bob] = [await register(store), await register(store)];
    const media = await Promise.all(['draft only', 'published', 'archived', 'bob', 'loose'].map(async (name, i) => (await store.recordMedia(uploadOf(i === 3 ? bob.id : ada.id, name))).id));
    const [draftOnly, published, archived, bobs, loose] = media as [string, string, string, string, string];
    await post(store, bob, 'bob first', { mediaIds: [bobs] });
    const t = await post(store, ada, 'a draft', { mediaIds: [draftOnly], draft: true });
    await store.editTweet({ id: t.id, actorId: ada.id, text: parseContent('then published'), mediaIds: [published] });
    await store.transitionTweet({ id: t.id, actorId: ada.id, to: 'publish' });
    await store.editTweet({ id: t.id, actorId: ada.id, text: parseContent('no picture now'), mediaIds: [] });
    const gone = await post(store, ada, 'soon archived', { mediaIds: [archived] });
    await store.transitionTweet({ id: gone.id, actorId: ada.id, to: 'archive' });
    const answers = (s: TweetStore) => Promise.all(media.flatMap((id) => [null, ada.id, bob.id].map((viewer) => s.mediaAccess(id, viewer))));
    const before = await answers(store);
    expect(before.filter((a) => a === 'public')).toHaveLength(2 * 3); // `published` and bob's

    await stores.close(store);
    const written = await dropShownBy(dataDir);
    expect(written).toEqual({ [draftOnly]: [], [published]: [t.id], [archived]: [gone.id], [bobs]: [expect.any(String)], [loose]: [] });
    store = await stores.open(options);
    expect(await answers(store)).toEqual(before);
    await store.transitionTweet({ id: t.id, actorId: ada.id, to: 'archive' });
    expect(await store.mediaAccess(published, bob.id)).toBeNull();
    await store.transitionTweet({ id: t.id, actorId: ada.id, to: 'restore' });

    await stores.close(store);
    expect(await dropShownBy(dataDir)).toEqual(written); // the next checkpoint wrote them whole
    expect(log.warns()).toEqual([]);
  });
});
