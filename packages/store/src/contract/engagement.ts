// Engagement: idempotent likes and retweets per user, views, velocity, and the velocity ranking.
import { describe, expect, it } from 'vitest';
import { NotFound, PreconditionFailed, type EngageAction } from '@tweetstore/core';
import { UNKNOWN_ID, type ContractContext } from './context.ts';

export function engagementContract(ctx: ContractContext): void {
  const engage = (id: string, userId: string, action: EngageAction) => ctx.store.engage({ id, userId, action });

  describe('engage', () => {
    it('counts a like once per user and tells each viewer whether they liked it', async () => {
      const [author, fan, other] = [await ctx.user(), await ctx.user(), await ctx.user()];
      const t = await ctx.post(author.id, 'likeable');
      expect(await engage(t.id, fan.id, 'like')).toMatchObject({ likes: 1, likedByCurrentUser: true });
      const head = await ctx.store.events.head();
      expect(await engage(t.id, fan.id, 'like')).toMatchObject({ likes: 1, likedByCurrentUser: true });
      expect(await ctx.store.events.head()).toBe(head);
      expect(await ctx.store.getEngagement(t.id, other.id)).toMatchObject({ likes: 1, likedByCurrentUser: false });
      expect((await ctx.store.getTweet(t.id, fan.id))!.engagement).toMatchObject({ likes: 1, likedByCurrentUser: true });
      expect(await engage(t.id, fan.id, 'unlike')).toMatchObject({ likes: 0, likedByCurrentUser: false });
      const afterUnlike = await ctx.store.events.head();
      expect(await engage(t.id, fan.id, 'unlike')).toMatchObject({ likes: 0 });
      expect(await ctx.store.events.head()).toBe(afterUnlike);
    });

    it('counts a retweet once per user, separately from likes', async () => {
      const [author, fan] = [await ctx.user(), await ctx.user()];
      const t = await ctx.post(author.id, 'retweetable');
      await engage(t.id, fan.id, 'retweet');
      expect(await engage(t.id, fan.id, 'retweet')).toMatchObject({ retweets: 1, retweetedByCurrentUser: true, likes: 0, likedByCurrentUser: false });
      expect(await engage(t.id, fan.id, 'unretweet')).toMatchObject({ retweets: 0, retweetedByCurrentUser: false });
      const head = await ctx.store.events.head();
      await engage(t.id, fan.id, 'unretweet');
      expect(await ctx.store.events.head()).toBe(head);
    });

    it('counts 200 concurrent likes from 200 users exactly', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'popular');
      const fans = [];
      for (let i = 0; i < 200; i++) fans.push(await ctx.user());
      const results = await Promise.all(fans.map((f) => engage(t.id, f.id, 'like')));
      expect(results.every((e) => e.likedByCurrentUser)).toBe(true);
      expect((await ctx.store.getEngagement(t.id, null)).likes).toBe(200);
      await Promise.all(fans.map((f) => engage(t.id, f.id, 'like')));
      expect((await ctx.store.getEngagement(t.id, null)).likes).toBe(200);
    });

    it('refuses engagement with drafts and archived tweets (PreconditionFailed) and missing ones (NotFound)', async () => {
      const [author, fan] = [await ctx.user(), await ctx.user()];
      const draft = await ctx.post(author.id, 'draft', { draft: true });
      const archived = await ctx.post(author.id, 'archived');
      await ctx.store.transitionTweet({ id: archived.id, actorId: author.id, to: 'archive' });
      for (const action of ['like', 'retweet', 'view'] as const) {
        await expect(engage(draft.id, author.id, action)).rejects.toBeInstanceOf(PreconditionFailed);
        await expect(engage(archived.id, fan.id, action)).rejects.toBeInstanceOf(PreconditionFailed);
        await expect(engage(UNKNOWN_ID, fan.id, action)).rejects.toBeInstanceOf(NotFound);
      }
      await expect(ctx.store.getEngagement(UNKNOWN_ID, null)).rejects.toBeInstanceOf(NotFound);
    });

    it('counts every view at once, not per user', async () => {
      const [author, fan] = [await ctx.user(), await ctx.user()];
      const t = await ctx.post(author.id, 'seen');
      expect(await engage(t.id, fan.id, 'view')).toMatchObject({ views: 1 });
      await engage(t.id, fan.id, 'view');
      expect(await engage(t.id, author.id, 'view')).toMatchObject({ views: 3 });
      expect((await ctx.store.getEngagement(t.id, null)).views).toBe(3);
      expect((await ctx.store.getTweet(t.id, null))!.engagement.views).toBe(3);
    });
  });

  describe('velocity', () => {
    it('rises with likes, retweets and views and decays with time; unlikes do not add to it', async () => {
      const [author, a, b] = [await ctx.user(), await ctx.user(), await ctx.user()];
      const t = await ctx.post(author.id, 'moving');
      await engage(t.id, a.id, 'like');
      await engage(t.id, b.id, 'like');
      await engage(t.id, a.id, 'retweet');
      const fresh = await engage(t.id, a.id, 'view');
      expect(fresh.velocity.likes).toBeGreaterThan(0);
      expect(fresh.velocity.retweets).toBeGreaterThan(0);
      expect(fresh.velocity.views).toBeGreaterThan(0);
      expect(fresh.velocity.likes).toBeGreaterThan(fresh.velocity.retweets);
      expect(fresh.velocity.replies).toBe(0);
      const unliked = await engage(t.id, b.id, 'unlike');
      expect(unliked.velocity.likes).toBeCloseTo(fresh.velocity.likes, 10);
      ctx.clock.advance(60 * 60_000);
      const later = await ctx.store.getEngagement(t.id, null);
      expect(later.velocity.likes).toBeLessThan(fresh.velocity.likes / 2);
      expect(later.velocity.likes).toBeGreaterThanOrEqual(0);
    });

    it('counts each user once per tweet and kind: like, unlike and like again is one like, however often', async () => {
      const [author, churner, fan, other] = [await ctx.user(), await ctx.user(), await ctx.user(), await ctx.user()];
      const churned = await ctx.post(author.id, 'churned');
      const liked = await ctx.post(author.id, 'liked once each by three');
      for (let i = 0; i < 50; i++) {
        await engage(churned.id, churner.id, 'like');
        await engage(churned.id, churner.id, 'unlike');
        await engage(churned.id, churner.id, 'retweet');
        await engage(churned.id, churner.id, 'unretweet');
      }
      await engage(liked.id, churner.id, 'like');
      await engage(liked.id, fan.id, 'like');
      await engage(liked.id, other.id, 'like');
      const churn = await ctx.store.getEngagement(churned.id, null);
      const real = await ctx.store.getEngagement(liked.id, null);
      expect(churn).toMatchObject({ likes: 0, retweets: 0 });
      expect(churn.velocity.likes).toBeCloseTo(real.velocity.likes / 3, 10);
      expect(churn.velocity.retweets).toBeCloseTo(churn.velocity.likes, 10);
      expect((await ctx.store.topByVelocity(10)).map((e) => e.tweetId)).toEqual([liked.id, churned.id]);
    });

    it('ranks tweets by summed velocity, with the limit, leaving unengaged tweets out', async () => {
      const [author, ...fans] = await Promise.all([ctx.user(), ctx.user(), ctx.user(), ctx.user()]);
      const hot = await ctx.post(author!.id, 'hot');
      const warm = await ctx.post(author!.id, 'warm');
      await ctx.post(author!.id, 'cold');
      for (const fan of fans) await engage(hot.id, fan.id, 'like');
      await engage(hot.id, fans[0]!.id, 'retweet');
      await engage(warm.id, fans[0]!.id, 'like');
      const top = await ctx.store.topByVelocity(10);
      expect(top.map((e) => e.tweetId)).toEqual([hot.id, warm.id]);
      expect(top[0]!.score).toBeGreaterThan(top[1]!.score);
      const hotEngagement = await ctx.store.getEngagement(hot.id, null);
      const sum = Object.values(hotEngagement.velocity).reduce((s, v) => s + v, 0);
      expect(top[0]!.score).toBeCloseTo(sum, 6);
      expect((await ctx.store.topByVelocity(1)).map((e) => e.tweetId)).toEqual([hot.id]);
    });

    it('drops tweets from the ranking once their engagement has decayed, and leaves out archived ones', async () => {
      const [author, fan] = [await ctx.user(), await ctx.user()];
      const [a, b] = [await ctx.post(author.id, 'a'), await ctx.post(author.id, 'b')];
      await engage(a.id, fan.id, 'like');
      await engage(b.id, fan.id, 'like');
      await ctx.store.transitionTweet({ id: b.id, actorId: author.id, to: 'archive' });
      expect((await ctx.store.topByVelocity(10)).map((e) => e.tweetId)).toEqual([a.id]);
      ctx.clock.advance(24 * 60 * 60_000);
      expect(await ctx.store.topByVelocity(10)).toEqual([]);
    });
  });
}
