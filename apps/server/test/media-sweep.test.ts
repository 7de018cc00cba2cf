// The media sweep on a real store and blob folder: uploads no version carries go a day after their last upload,
// records first and files after; files no record names go once a day old; whatever a version carried stays.
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { png } from '../../../packages/media/test/fixtures.ts';
import { openTestApi, type TestApi } from '../../../packages/api/test/setup.ts';
import { sweepMedia } from '../src/media.ts';

const DAY = 24 * 60 * 60 * 1000;
let t: TestApi;
beforeEach(async () => {
  // one account uploads five files at once here (API.md allows three by default)
  t = await openTestApi(undefined, { uploadsAtOnce: 5 });
});
afterEach(() => t.close());

const upload = async (api: Awaited<ReturnType<TestApi['user']>>['api'], width: number) => {
  const form = new FormData();
  form.set('file', new Blob([await png(width, 10)], { type: 'image/png' }), 'a.png');
  return api.media.upload(form);
};

async function stored(): Promise<string[]> {
  const ids: string[] = [];
  for await (const { mediaId } of t.deps.blobs.list()) ids.push(mediaId);
  return ids.sort();
}

it('removes unattached uploads and unrecorded files a day old, and never what a version carried', async () => {
  const log = pino({ level: 'silent' });
  const ada = await t.user('ada');
  const carried = await upload(ada.api, 10);
  const loose = await upload(ada.api, 11);
  const tweet = await ada.api.tweet.create({ content: 'with media', mediaIds: [carried.id] });
  await ada.api.tweet.edit({ id: tweet.id, content: 'without media now', mediaIds: [] });
  // files of an upload whose process died before recording it
  const orphan = 'f'.repeat(64);
  await t.deps.blobs.put({ mediaId: orphan, name: 'original' }, new Uint8Array([1, 2, 3]));

  expect(await sweepMedia(t.store, t.deps.blobs, t.deps.mediaLocks, t.clock.now(), log)).toBe(0);
  expect(await stored()).toEqual([carried.id, loose.id, orphan].sort());

  // the blob folder's clock is the machine's: a day later for both
  t.clock.set(Date.now() + DAY + 60_000);
  expect(await sweepMedia(t.store, t.deps.blobs, t.deps.mediaLocks, t.clock.now(), log)).toBe(2);
  expect(await stored()).toEqual([carried.id]);
  expect(await t.store.getMedia(loose.id, null)).toBeNull();
  expect((await ada.api.tweet.versions({ id: tweet.id })).items[0]!.media.map((m) => m.id)).toEqual([carried.id]);
});

it('never leaves a recorded upload without its files when the same bytes are uploaded during a sweep', async () => {
  const log = pino({ level: 'silent' });
  const ada = await t.user('ada');
  const photos = await Promise.all([20, 21, 22, 23, 24].map((w) => png(w, 10)));
  const uploadBytes = (bytes: Buffer) => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'a.png');
    return ada.api.media.upload(form);
  };
  const first = await Promise.all(photos.map(uploadBytes));
  t.clock.set(Date.now() + DAY + 60_000);
  // the sweep removes them while each is uploaded again: whichever wins, a record has all its files
  const [, again] = await Promise.all([sweepMedia(t.store, t.deps.blobs, t.deps.mediaLocks, t.clock.now(), log), Promise.all(photos.map(uploadBytes))]);
  expect(again.map((m) => m.id)).toEqual(first.map((m) => m.id));
  for (const m of again) {
    const recorded = await t.store.getMedia(m.id, null);
    expect(recorded, 'uploaded again after the sweep, or before it and so not swept').not.toBeNull();
    for (const v of recorded!.variants) expect(await t.deps.blobs.stat({ mediaId: m.id, name: v.name }), `${m.id} ${v.name}`).not.toBeNull();
  }
});
