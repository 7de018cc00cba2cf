// media.upload through the router (createCaller), on a real store and blob folder with real image files: the id is
// the bytes' sha256, the same file is stored once, bad and oversized uploads are refused and store nothing, and a
// tweet carries only media its author uploaded.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '@tweetstore/core';
import { bigJpeg, jpegWithGps, png } from '../../media/test/fixtures.ts';
import { codeOf, openTestApi, type TestApi } from './setup.ts';

let t: TestApi;
beforeEach(async () => {
  t = await openTestApi();
});
afterEach(() => t.close());

const form = (bytes: Uint8Array, filename = 'photo.jpg', type = 'image/jpeg', alt?: string) => {
  const f = new FormData();
  f.set('file', new Blob([bytes], { type }), filename);
  if (alt !== undefined) f.set('alt', alt);
  return f;
};

async function storedIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const { mediaId } of t.deps.blobs.list()) ids.push(mediaId);
  return ids;
}

describe('media.upload', () => {
  it('stores an image under the sha256 of its bytes, with its variants and placeholder, once however often it is sent', async () => {
    const ada = await t.user('ada');
    const bytes = await jpegWithGps();
    const media = await ada.api.media.upload(form(bytes, 'holiday.jpg', 'image/jpeg', 'a red wall'));
    expect(media).toMatchObject({ id: sha256Hex(bytes), kind: 'image', mime: 'image/jpeg', bytes: bytes.length, width: 32, height: 64, alt: 'a red wall' });
    expect(media.variants.map((v) => [v.name, v.mime])).toEqual([
      ['original', 'image/jpeg'],
      ['thumb', 'image/webp'],
      ['medium', 'image/webp'],
      ['large', 'image/webp'],
    ]);
    expect(media.variants[0]!.url).toBe(`/media/${media.id}/original`);
    expect(media.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    for (const v of media.variants) expect(await t.deps.blobs.stat({ mediaId: media.id, name: v.name })).not.toBeNull();

    const head = await t.store.events.head();
    expect(await ada.api.media.upload(form(bytes, 'again.jpg'))).toEqual(media);
    expect(await t.store.events.head()).toBe(head);
    const bob = await t.user('bob');
    expect((await bob.api.media.upload(form(bytes, 'same.jpg'))).id).toBe(media.id);
    expect(await storedIds()).toEqual([media.id]);
  });

  it('refuses what is not an accepted image or video, whatever its name and declared type, and stores nothing', async () => {
    const ada = await t.user('ada');
    const head = await t.store.events.head();
    const jpeg = await bigJpeg();
    const cases: [Uint8Array, string, string][] = [
      [new TextEncoder().encode('<html><script>alert(1)</script></html>'), 'cat.jpg', 'image/jpeg'],
      [new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'logo.svg', 'image/svg+xml'],
      [new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37]), 'paper.png', 'image/png'],
      [jpeg.subarray(0, jpeg.length / 2), 'cut.jpg', 'image/jpeg'],
      [(await png()).subarray(0, 60), 'cut.png', 'image/png'],
      [new Uint8Array(0), 'empty.jpg', 'image/jpeg'],
    ];
    for (const [bytes, name, type] of cases) expect(await codeOf(ada.api.media.upload(form(bytes, name, type))), name).toBe('BAD_REQUEST');
    expect(await codeOf(ada.api.media.upload(new FormData()))).toBe('BAD_REQUEST');
    expect(await t.store.events.head()).toBe(head);
    expect(await storedIds()).toEqual([]);
  });

  it('refuses an image over the image limit with PAYLOAD_TOO_LARGE', async () => {
    t.deps.mediaLimits = { imageBytes: 10_000, videoBytes: 1_000_000 };
    const ada = await t.user('ada');
    const jpeg = await bigJpeg();
    expect(jpeg.length).toBeGreaterThan(10_000);
    expect(await codeOf(ada.api.media.upload(form(jpeg)))).toBe('PAYLOAD_TOO_LARGE');
    expect(await storedIds()).toEqual([]);
  });

  it('is for signed-in users only', async () => {
    expect(await codeOf(t.anonymous.media.upload(form(await png(), 'a.png', 'image/png')))).toBe('UNAUTHORIZED');
  });
});

describe('media on tweets', () => {
  it('attaches the author’s own uploads on create and edit, refuses anyone else’s, and keeps each version’s media', async () => {
    const ada = await t.user('ada');
    const eve = await t.user('eve');
    const first = await ada.api.media.upload(form(await png(20, 10), 'a.png', 'image/png', 'first'));
    const second = await ada.api.media.upload(form(await png(30, 10), 'b.png', 'image/png'));
    const hers = await eve.api.media.upload(form(await png(40, 10), 'c.png', 'image/png'));

    expect(await codeOf(ada.api.tweet.create({ content: 'not mine', mediaIds: [hers.id] }))).toBe('BAD_REQUEST');
    const tweet = await ada.api.tweet.create({ content: 'with a picture', mediaIds: [first.id] });
    expect(tweet.media).toEqual([first]);
    const edited = await ada.api.tweet.edit({ id: tweet.id, content: 'with a picture', mediaIds: [second.id, first.id] });
    expect(edited.media.map((m) => m.id)).toEqual([second.id, first.id]);
    const { items } = await eve.api.tweet.versions({ id: tweet.id });
    expect(items.map((v) => v.media.map((m) => m.id))).toEqual([[first.id], [second.id, first.id]]);
    expect(items[0]!.media[0]!.alt).toBe('first');
  });

  it('lets only the uploader describe their media', async () => {
    const ada = await t.user('ada');
    const eve = await t.user('eve');
    const media = await ada.api.media.upload(form(await png(), 'a.png', 'image/png'));
    expect((await ada.api.media.setAlt({ id: media.id, alt: 'a blue square' })).alt).toBe('a blue square');
    expect(await codeOf(eve.api.media.setAlt({ id: media.id, alt: 'mine' }))).toBe('NOT_FOUND');
    expect(await codeOf(ada.api.media.setAlt({ id: media.id, alt: 'x'.repeat(1001) }))).toBe('BAD_REQUEST');
    expect((await ada.api.media.get({ id: media.id })).alt).toBe('a blue square');
    await ada.api.tweet.create({ content: 'posted', mediaIds: [media.id] }); // public from now on
    expect((await t.anonymous.media.get({ id: media.id })).alt).toBeUndefined();
  });
});
