// What each viewer may see (API.md, "Visibility"): versions before publication and archived tweets are their author's
// alone, engagement goes with the tweet, and media are public only while a version anyone may see carries them. The
// clock never moves here: every event shares one millisecond, so an engine cannot get these right by timestamps.
import { describe, expect, it } from 'vitest';
import { NotFound, type User } from '@tweetstore/core';
import type { TweetStore } from '../port.ts';
import { uploadOf, type ContractContext } from './context.ts';

export function visibilityContract(ctx: ContractContext): void {
  const edit = (id: string, author: User, content: string, mediaIds?: string[]) => ctx.store.editTweet({ id, actorId: author.id, text: ctx.text(content), mediaIds });
  const move = (id: string, author: User, to: 'publish' | 'archive' | 'restore') => ctx.store.transitionTweet({ id, actorId: author.id, to });
  const seen = async (store: TweetStore, id: string, viewerId: string | null) => (await store.listVersions(id, viewerId)).map((v) => [v.version, v.content]);

  describe('visibility', () => {
    it('shows others the versions from the one a tweet was published at, and its author every one', async () => {
      const [author, other] = [await ctx.user(), await ctx.user()];
      const t = await ctx.post(author.id, 'draft one', { draft: true });
      await edit(t.id, author, 'draft two');
      await edit(t.id, author, 'draft three');
      await expect(ctx.store.listVersions(t.id, other.id)).rejects.toBeInstanceOf(NotFound);
      await expect(ctx.store.listVersions(t.id, null)).rejects.toBeInstanceOf(NotFound);
      await move(t.id, author, 'publish');
      await edit(t.id, author, 'public four');
      const everyVersion = [
        [1, 'draft one'],
        [2, 'draft two'],
        [3, 'draft three'],
        [4, 'public four'],
      ];
      const fromPublished = everyVersion.slice(2);
      expect(await seen(ctx.store, t.id, author.id)).toEqual(everyVersion);
      expect(await seen(ctx.store, t.id, other.id)).toEqual(fromPublished);
      expect(await seen(ctx.store, t.id, null)).toEqual(fromPublished);

      await move(t.id, author, 'archive');
      await expect(ctx.store.listVersions(t.id, other.id)).rejects.toBeInstanceOf(NotFound);
      expect(await seen(ctx.store, t.id, author.id)).toEqual(everyVersion);
      const store = await ctx.reopen();
      await expect(store.listVersions(t.id, null)).rejects.toBeInstanceOf(NotFound);
      await store.transitionTweet({ id: t.id, actorId: author.id, to: 'restore' });
      expect(await seen(store, t.id, other.id)).toEqual(fromPublished);
      expect(await seen(store, t.id, author.id)).toEqual(everyVersion);

      const open = await ctx.post(author.id, 'public from the start');
      await edit(open.id, author, 'public, edited');
      expect(await seen(store, open.id, null)).toEqual([
        [1, 'public from the start'],
        [2, 'public, edited'],
      ]);
    });

    it('gives the engagement of a tweet only to whom may see it', async () => {
      const [author, other] = [await ctx.user(), await ctx.user()];
      const t = await ctx.post(author.id, 'liked, then archived');
      await ctx.store.engage({ id: t.id, userId: other.id, action: 'like' });
      expect(await ctx.store.getEngagement(t.id, null)).toMatchObject({ likes: 1 });
      await move(t.id, author, 'archive');
      await expect(ctx.store.getEngagement(t.id, other.id)).rejects.toBeInstanceOf(NotFound);
      await expect(ctx.store.getEngagement(t.id, null)).rejects.toBeInstanceOf(NotFound);
      expect(await ctx.store.getEngagement(t.id, author.id)).toMatchObject({ likes: 1 });
      const draft = await ctx.post(author.id, 'a draft', { draft: true });
      await expect(ctx.store.getEngagement(draft.id, other.id)).rejects.toBeInstanceOf(NotFound);
      expect(await ctx.store.getEngagement(draft.id, author.id)).toMatchObject({ likes: 0 });
    });

    it('makes media public while a version anyone may see carries them, else its uploaders alone may fetch them', async () => {
      const [ada, bob, cy] = [await ctx.user(), await ctx.user(), await ctx.user()];
      const [early, late] = [await ctx.upload(ada.id, 'early'), await ctx.upload(ada.id, 'late')];
      await ctx.store.recordMedia(uploadOf(cy.id, 'late')); // cy uploaded the same bytes
      const access = (store: TweetStore, id: string) => Promise.all([ada.id, bob.id, cy.id, null].map((viewer) => store.mediaAccess(id, viewer)));
      const uploadersOnly = (cyToo: boolean) => ['uploader', null, cyToo ? 'uploader' : null, null];
      const everyone = ['public', 'public', 'public', 'public'];

      const t = await ctx.post(ada.id, 'draft with a picture', { mediaIds: [early], draft: true });
      expect(await access(ctx.store, early)).toEqual(uploadersOnly(false));
      await edit(t.id, ada, 'draft with another picture', [late]);
      expect(await access(ctx.store, late)).toEqual(uploadersOnly(true));
      await move(t.id, ada, 'publish');
      // only a version before publication carried `early`: it stays its uploader's
      expect([await access(ctx.store, early), await access(ctx.store, late)]).toEqual([uploadersOnly(false), everyone]);
      await edit(t.id, ada, 'no picture any more', []);
      expect(await access(ctx.store, late)).toEqual(everyone); // a version anyone sees still carries it
      await move(t.id, ada, 'archive');
      expect(await access(ctx.store, late)).toEqual(uploadersOnly(true));
      let store = await ctx.reopen();
      expect([await access(store, early), await access(store, late)]).toEqual([uploadersOnly(false), uploadersOnly(true)]);
      await store.transitionTweet({ id: t.id, actorId: ada.id, to: 'restore' });
      expect(await access(store, late)).toEqual(everyone);

      // carried by two published tweets: public until both are archived
      const second = await ctx.post(ada.id, 'the same picture again', { mediaIds: [late] });
      store = await ctx.reopen();
      await store.transitionTweet({ id: t.id, actorId: ada.id, to: 'archive' });
      expect(await access(store, late)).toEqual(everyone);
      await store.transitionTweet({ id: second.id, actorId: ada.id, to: 'archive' });
      expect(await access(store, late)).toEqual(uploadersOnly(true));
      expect(await store.mediaAccess(uploadOf(ada.id, 'never uploaded').id, ada.id)).toBeNull();
    });
  });
}
