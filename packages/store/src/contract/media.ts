// Media metadata: uploads recorded once per bytes, owners with their own alt text, attachable only by an uploader,
// carried by tweet versions, and swept only when no version carries them.
import { describe, expect, it } from 'vitest';
import { InvalidInput, NotFound } from '@tweetstore/core';
import { uploadOf, type ContractContext } from './context.ts';

const DAY = 24 * 60 * 60 * 1000;

export function mediaContract(ctx: ContractContext): void {
  describe('media', () => {
    it('records an upload once per bytes, with its files as URLs, and each uploader their own alt text', async () => {
      const ada = await ctx.user();
      const bob = await ctx.user();
      const media = await ctx.store.recordMedia(uploadOf(ada.id, 'sunset', 'a red sunset'));
      expect(media).toEqual({
        id: uploadOf(ada.id, 'sunset').id,
        kind: 'image',
        mime: 'image/jpeg',
        bytes: 40_006,
        width: 640,
        height: 480,
        alt: 'a red sunset',
        placeholder: 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG',
        variants: [
          { name: 'original', url: `/media/${media.id}/original`, mime: 'image/jpeg', width: 640, height: 480 },
          { name: 'thumb', url: `/media/${media.id}/thumb`, mime: 'image/webp', width: 160, height: 120 },
        ],
      });
      // the same bytes again: nothing new is written
      const head = await ctx.store.events.head();
      expect(await ctx.store.recordMedia(uploadOf(ada.id, 'sunset'))).toEqual(media);
      expect(await ctx.store.events.head()).toBe(head);
      // someone else's upload of the same bytes: one object, two owners, each with their alt
      expect((await ctx.store.recordMedia(uploadOf(bob.id, 'sunset', 'dusk'))).alt).toBe('dusk');
      expect([await ctx.store.mediaAccess(media.id, ada.id), await ctx.store.mediaAccess(media.id, bob.id)]).toEqual(['uploader', 'uploader']);
      expect((await ctx.store.getMedia(media.id, ada.id))?.alt).toBe('a red sunset');
      expect((await ctx.store.getMedia(media.id, null))?.alt).toBeUndefined();
      expect(await ctx.store.getMedia(uploadOf(ada.id, 'never uploaded').id, null)).toBeNull();
    });

    it('claims stored media for another uploader without its facts, and nothing unknown', async () => {
      const ada = await ctx.user();
      const cy = await ctx.user();
      const id = await ctx.upload(ada.id, 'shared', 'from ada');
      expect(await ctx.store.claimMedia(uploadOf(ada.id, 'unknown').id, cy.id, null)).toBeNull();
      const claimed = await ctx.store.claimMedia(id, cy.id, 'from cy');
      expect(claimed).toEqual({ ...(await ctx.store.getMedia(id, null)), alt: 'from cy' });
      expect(await ctx.store.mediaAccess(id, cy.id)).toBe('uploader');
      const head = await ctx.store.events.head();
      expect((await ctx.store.claimMedia(id, cy.id, null))?.alt).toBe('from cy');
      expect(await ctx.store.events.head()).toBe(head);
    });

    it('lets only an uploader change their alt text, and refuses one too long', async () => {
      const ada = await ctx.user();
      const eve = await ctx.user();
      const id = await ctx.upload(ada.id, 'cat');
      expect((await ctx.store.setMediaAlt(id, ada.id, '  a cat on a mat  ')).alt).toBe('a cat on a mat');
      await expect(ctx.store.setMediaAlt(id, eve.id, 'mine now')).rejects.toBeInstanceOf(NotFound);
      await expect(ctx.store.setMediaAlt(id, ada.id, 'x'.repeat(1001))).rejects.toBeInstanceOf(InvalidInput);
      expect((await ctx.store.getMedia(id, ada.id))?.alt).toBe('a cat on a mat');
    });

    it('attaches only media the author uploaded: at most 4 images or one video, each once', async () => {
      const ada = await ctx.user();
      const eve = await ctx.user();
      const mine = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => ctx.upload(ada.id, n)));
      const hers = await ctx.upload(eve.id, 'hers');
      const head = await ctx.store.events.head();
      await expect(ctx.post(ada.id, 'not mine', { mediaIds: [hers] })).rejects.toBeInstanceOf(InvalidInput);
      await expect(ctx.post(ada.id, 'unknown', { mediaIds: [uploadOf(ada.id, 'never').id] })).rejects.toBeInstanceOf(InvalidInput);
      await expect(ctx.post(ada.id, 'five', { mediaIds: mine })).rejects.toBeInstanceOf(InvalidInput);
      await expect(ctx.post(ada.id, 'twice', { mediaIds: [mine[0]!, mine[0]!] })).rejects.toBeInstanceOf(InvalidInput);
      expect(await ctx.store.events.head()).toBe(head);
      const t = await ctx.post(ada.id, 'four pictures', { mediaIds: mine.slice(0, 4) });
      expect(t.media.map((m) => m.id)).toEqual(mine.slice(0, 4));
      const clip = (await ctx.store.recordMedia({ ...uploadOf(ada.id, 'a clip'), kind: 'video', mime: 'video/mp4' })).id;
      await expect(ctx.post(ada.id, 'a clip and a picture', { mediaIds: [mine[4]!, clip] })).rejects.toBeInstanceOf(InvalidInput);
      expect((await ctx.post(ada.id, 'a clip', { mediaIds: [clip] })).media[0]).toMatchObject({ kind: 'video' });
    });

    it('shows each version with the media it carried, described by the author', async () => {
      const ada = await ctx.user();
      const bob = await ctx.user();
      const one = await ctx.upload(ada.id, 'one', 'first picture');
      const two = await ctx.upload(ada.id, 'two');
      await ctx.store.recordMedia(uploadOf(bob.id, 'one', "bob's words"));
      const t = await ctx.post(ada.id, 'look', { mediaIds: [one] });
      expect(t.media).toMatchObject([{ id: one, alt: 'first picture' }]);
      await ctx.store.editTweet({ id: t.id, actorId: ada.id, text: ctx.text('look'), mediaIds: [two, one] });
      await ctx.store.editTweet({ id: t.id, actorId: ada.id, text: ctx.text('look again'), mediaIds: [] });
      const versions = await ctx.store.listVersions(t.id, ada.id);
      expect(versions.map((v) => v.media.map((m) => m.id))).toEqual([[one], [two, one], []]);
      await ctx.store.revertTweet({ id: t.id, actorId: ada.id, toVersion: 2 });
      expect((await ctx.store.getTweet(t.id, null))?.media.map((m) => m.id)).toEqual([two, one]);
      const reopened = await ctx.reopen();
      expect((await reopened.listVersions(t.id, ada.id)).map((v) => v.media.map((m) => m.alt ?? null))).toEqual([
        ['first picture'],
        [null, 'first picture'],
        [],
        [null, 'first picture'],
      ]);
    });

    it('sweeps only unattached uploads nobody made for the given time, also after a reopen', async () => {
      const ada = await ctx.user();
      const kept = await ctx.upload(ada.id, 'attached');
      const old = await ctx.upload(ada.id, 'old');
      const renewed = await ctx.upload(ada.id, 'renewed');
      const t = await ctx.post(ada.id, 'with media', { mediaIds: [kept] });
      await ctx.store.editTweet({ id: t.id, actorId: ada.id, text: ctx.text('without'), mediaIds: [] });
      ctx.clock.advance(DAY - 1000);
      await ctx.store.recordMedia(uploadOf((await ctx.user()).id, 'renewed'));
      ctx.clock.advance(2000);
      const store = await ctx.reopen();
      expect(await store.sweepMedia(ctx.clock.now() - DAY, 100)).toEqual([old]);
      expect(await store.getMedia(old, null)).toBeNull();
      // a version that once carried it keeps it, even when the tweet no longer does
      expect(await store.getMedia(kept, null)).not.toBeNull();
      expect(await store.getMedia(renewed, null)).not.toBeNull();
      await expect(store.createTweet({ authorId: ada.id, text: ctx.text('too late'), mediaIds: [old] })).rejects.toBeInstanceOf(InvalidInput);
      ctx.clock.advance(DAY);
      expect(await store.sweepMedia(ctx.clock.now() - DAY, 100)).toEqual([renewed]);
      expect(await (await ctx.reopen()).getMedia(renewed, null)).toBeNull();
    });
  });
}
