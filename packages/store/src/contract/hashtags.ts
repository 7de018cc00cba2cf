// Hashtags (API.md, tweet.list({hashtag}) and trends.hashtags): published tweets whose current version carries a tag,
// newest first; each tag's uses and velocity kept as events arrive, each author counted once per tag per hour, and
// archiving withdrawing uses. Trending tweets (trends.tweets) are topByVelocity, whose contract is engagement.ts's.
import { describe, expect, it } from 'vitest';
import { ratePerMinute } from '@tweetstore/core';
import type { HashtagTrend, TweetStore } from '../port.ts';
import { TAG_AUTHOR_WINDOW_MS } from '../search/rules.ts';
import type { ContractContext } from './context.ts';

/** The velocity of n counted uses made just now. */
const usesNow = (n: number) => n * ratePerMinute({ value: 1, at: 0 }, 0);

export function hashtagsContract(ctx: ContractContext): void {
  const tagged = async (hashtag: string, viewerId: string | null = null, store: TweetStore = ctx.store) =>
    (await store.listTweets({ viewerId, hashtag, limit: 100 })).items.map((t) => t.content);
  const trends = async (store: TweetStore = ctx.store) => {
    const items = await store.trendingHashtags(50);
    return Object.fromEntries(items.map((t: HashtagTrend) => [t.tag, { uses: t.uses, velocity: Number(t.velocity.toFixed(6)) }]));
  };
  const near = (n: number) => Number(usesNow(n).toFixed(6));

  describe('listTweets by hashtag', () => {
    it('lists published tweets whose current version carries the tag, newest first, in any case', async () => {
      const [ada, bob] = [await ctx.user(), await ctx.user()];
      const a = await ctx.post(ada.id, 'one #TypeScript');
      await ctx.post(bob.id, 'two #typescript #trpc');
      await ctx.post(ada.id, 'three #typescript draft', { draft: true });
      const d = await ctx.post(bob.id, 'four #typescript archived');
      await ctx.post(bob.id, 'five, just typescript');
      await ctx.store.transitionTweet({ id: d.id, actorId: bob.id, to: 'archive' });
      expect(await tagged('typescript')).toEqual(['two #typescript #trpc', 'one #TypeScript']);
      expect(await tagged('typescript', ada.id)).toEqual(['two #typescript #trpc', 'one #TypeScript']); // no drafts
      expect(await tagged('typescript', bob.id)).toEqual(['two #typescript #trpc', 'one #TypeScript']); // no archived

      await ctx.store.editTweet({ id: a.id, actorId: ada.id, text: ctx.text('one, tag removed') });
      expect(await tagged('typescript')).toEqual(['two #typescript #trpc']);
      await ctx.store.editTweet({ id: a.id, actorId: ada.id, text: ctx.text('one #trpc now') });
      expect(await tagged('trpc')).toEqual(['two #typescript #trpc', 'one #trpc now']); // newest first by id: an edit does not move it
      expect(await tagged('nothing')).toEqual([]);
      const store = await ctx.reopen();
      expect(await tagged('trpc', null, store)).toEqual(['two #typescript #trpc', 'one #trpc now']);
      expect(await tagged('typescript', null, store)).toEqual(['two #typescript #trpc']);
    });

    it('pages with beforeId and combines with authorId', async () => {
      const [ada, bob] = [await ctx.user(), await ctx.user()];
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await ctx.post(i % 2 ? bob.id : ada.id, `page ${i} #paged`)).id);
      const first = await ctx.store.listTweets({ viewerId: null, hashtag: 'paged', limit: 2 });
      const second = await ctx.store.listTweets({ viewerId: null, hashtag: 'paged', limit: 10, beforeId: first.nextBeforeId! });
      expect([...first.items, ...second.items].map((t) => t.id)).toEqual([...ids].reverse());
      expect(second.nextBeforeId).toBeNull();
      const byBob = await ctx.store.listTweets({ viewerId: null, hashtag: 'paged', authorId: bob.id, limit: 10 });
      expect(byBob.items.map((t) => t.id)).toEqual([ids[3], ids[1]]);
    });
  });

  describe('trendingHashtags', () => {
    it('counts each author once per tag per hour, and every published tweet in uses', async () => {
      const [ada, bob, cy] = [await ctx.user(), await ctx.user(), await ctx.user()];
      for (let i = 0; i < 10; i++) await ctx.post(ada.id, `spam ${i} #buyNow`);
      await ctx.post(ada.id, 'real #launch');
      await ctx.post(bob.id, 'yes #launch');
      await ctx.post(cy.id, 'me too #Launch');
      expect(await trends()).toEqual({ launch: { uses: 3, velocity: near(3) }, buynow: { uses: 10, velocity: near(1) } });
      expect((await ctx.store.trendingHashtags(1)).map((t) => t.tag)).toEqual(['launch']);

      ctx.clock.advance(TAG_AUTHOR_WINDOW_MS); // an hour on, the author counts again
      await ctx.post(ada.id, 'again #buynow');
      const later = await trends();
      expect(later.buynow).toMatchObject({ uses: 11, velocity: expect.closeTo(near(1), 3) });
      expect(later.launch).toBeUndefined(); // an hour of decay took it below TAG_MIN_RATE
    });

    it('leaves drafts out until published, withdraws uses on archive and a removing edit, adds them back on restore', async () => {
      const [ada, bob] = [await ctx.user(), await ctx.user()];
      const draft = await ctx.post(ada.id, 'draft #soon', { draft: true });
      expect(await trends()).toEqual({});
      await ctx.store.transitionTweet({ id: draft.id, actorId: ada.id, to: 'publish' });
      const other = await ctx.post(bob.id, 'also #soon');
      expect(await trends()).toEqual({ soon: { uses: 2, velocity: near(2) } });

      await ctx.store.transitionTweet({ id: draft.id, actorId: ada.id, to: 'archive' });
      expect((await trends()).soon!.uses).toBe(1);
      await ctx.store.editTweet({ id: other.id, actorId: bob.id, text: ctx.text('also, no tag') });
      expect(await trends()).toEqual({}); // no published tweet carries it: nothing of it shows
      await ctx.store.transitionTweet({ id: draft.id, actorId: ada.id, to: 'restore' });
      expect((await trends()).soon).toMatchObject({ uses: 1 });
      await ctx.store.editTweet({ id: other.id, actorId: bob.id, text: ctx.text('also #SOON again') });
      expect((await trends()).soon).toMatchObject({ uses: 2 });
    });

    it('keeps uses, velocity and who counted across a reopen, and lets cold tags go', async () => {
      const [ada, bob] = [await ctx.user(), await ctx.user()];
      await ctx.post(ada.id, 'one #kept');
      await ctx.post(bob.id, 'two #kept');
      const before = await trends();
      const store = await ctx.reopen();
      expect(await trends(store)).toEqual(before);
      await ctx.post(ada.id, 'three #kept'); // ada counted within the hour: no velocity
      expect(await trends(ctx.store)).toEqual({ kept: { uses: 3, velocity: before.kept!.velocity } });
      ctx.clock.advance(7 * 24 * 3_600_000);
      expect(await trends(ctx.store)).toEqual({});
    });
  });
}
