// What each viewer may see (API.md, "Visibility"): versions before publication and archived tweets are their author's
// alone, and engagement goes with the tweet. The clock never moves here: every event shares one millisecond, so an
// engine cannot get these right by timestamps.
import { describe, expect, it } from 'vitest';
import { NotFound, type User } from '@tweetstore/core';
import type { TweetStore } from '../port.ts';
import type { ContractContext } from './context.ts';

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
  });
}
