// Everything acknowledged survives closing and reopening the store.
import { describe, expect, it } from 'vitest';
import type { StoreEvent } from '../events.ts';
import type { ContractContext } from './context.ts';

export function durabilityContract(ctx: ContractContext): void {
  describe('durability across reopen', () => {
    it('keeps users, credentials and sessions (open, closed and expired)', async () => {
      const user = await ctx.store.registerUser({ username: 'Erin', displayName: 'Erin', passwordHash: 'scrypt$erin' });
      const expiresAt = new Date(ctx.clock.now() + 3_600_000);
      await ctx.store.openSession('kept', { userId: user.id, expiresAt });
      await ctx.store.openSession('closed', { userId: user.id, expiresAt });
      await ctx.store.openSession('short', { userId: user.id, expiresAt: new Date(ctx.clock.now() + 10) });
      await ctx.store.closeSession('closed');
      const storeId = ctx.store.storeId;
      const store = await ctx.reopen();
      expect(store.storeId).toBe(storeId);
      expect(await store.getUser(user.id)).toEqual(user);
      expect(await store.findCredentials('erin')).toEqual({ user, passwordHash: 'scrypt$erin' });
      expect(await store.findSession('kept')).toEqual({ userId: user.id, expiresAt });
      expect(await store.findSession('closed')).toBeNull();
      ctx.clock.advance(10);
      expect(await store.findSession('short')).toBeNull();
      await expect(store.registerUser({ username: 'ERIN', displayName: 'x', passwordHash: 'h' })).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('keeps tweets, versions, states, engagement, views and the event stream', async () => {
      const [author, fan, other] = [await ctx.user(), await ctx.user(), await ctx.user()];
      const t = await ctx.post(author.id, 'durable #one');
      await ctx.store.editTweet({ id: t.id, actorId: author.id, text: ctx.text('durable #two') });
      await ctx.store.revertTweet({ id: t.id, actorId: author.id, toVersion: 1 });
      const draft = await ctx.post(author.id, 'a draft', { draft: true });
      const archived = await ctx.post(author.id, 'archived');
      await ctx.store.transitionTweet({ id: archived.id, actorId: author.id, to: 'archive' });
      await ctx.post(fan.id, 'a reply', { replyToId: t.id });
      await ctx.post(fan.id, 'same text twice');
      await ctx.post(other.id, 'same text twice');
      await ctx.store.engage({ id: t.id, userId: fan.id, action: 'like' });
      await ctx.store.engage({ id: t.id, userId: other.id, action: 'retweet' });
      for (let i = 0; i < 3; i++) await ctx.store.engage({ id: t.id, userId: fan.id, action: 'view' });

      const before = {
        tweet: await ctx.store.getTweet(t.id, fan.id),
        draft: await ctx.store.getTweet(draft.id, author.id),
        archived: await ctx.store.getTweet(archived.id, author.id),
        versions: await ctx.store.listVersions(t.id, author.id),
        list: await ctx.store.listTweets({ viewerId: author.id, limit: 100, includeArchived: true }),
        top: await ctx.store.topByVelocity(5),
      };
      expect(before.tweet!.engagement).toMatchObject({ likes: 1, retweets: 1, replies: 1, views: 3, likedByCurrentUser: true });
      const stats = await ctx.store.stats();
      const store = await ctx.reopen(); // close() must flush the counted views
      const eventsBefore = (await store.events.after(0, 10_000)) as StoreEvent[];
      expect(await store.getTweet(t.id, fan.id)).toEqual(before.tweet);
      expect(await store.getTweet(draft.id, author.id)).toEqual(before.draft);
      expect(await store.getTweet(draft.id, fan.id)).toBeNull();
      expect(await store.getTweet(archived.id, author.id)).toEqual(before.archived);
      expect(await store.listVersions(t.id, author.id)).toEqual(before.versions);
      expect(await store.listTweets({ viewerId: author.id, limit: 100, includeArchived: true })).toEqual(before.list);
      expect(await store.topByVelocity(5)).toEqual(before.top);
      const after = await store.stats();
      expect(after).toMatchObject({ users: stats.users, tweets: stats.tweets, versions: stats.versions, sessions: stats.sessions });
      expect(after.headSeq).toBe(eventsBefore.length);
      expect(after.headSeq).toBeGreaterThanOrEqual(stats.headSeq);

      // Writes go on after the reopen with the next seq; the like of `fan` is still known (no second like).
      const head = await store.events.head();
      await store.engage({ id: t.id, userId: fan.id, action: 'like' });
      expect(await store.events.head()).toBe(head);
      await store.engage({ id: t.id, userId: author.id, action: 'like' });
      expect(await store.events.head()).toBe(head + 1);
      expect(((await store.events.after(head, 10)) as StoreEvent[]).map((e) => e.seq)).toEqual([head + 1]);
    });

    it('keeps edit counts, idempotency keys and the 200 likes of a burst', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'counted', { idempotencyKey: 'once' });
      await ctx.store.editTweet({ id: t.id, actorId: author.id, text: ctx.text('counted, 1') });
      const fans = [];
      for (let i = 0; i < 200; i++) fans.push(await ctx.user());
      await Promise.all(fans.map((f) => ctx.store.engage({ id: t.id, userId: f.id, action: 'like' })));
      const store = await ctx.reopen();
      expect((await store.getTweet(t.id, author.id))!.editControls.editsRemaining).toBe(ctx.policy.maxEdits - 1);
      expect((await store.getEngagement(t.id, fans[7]!.id))).toMatchObject({ likes: 200, likedByCurrentUser: true });
      const again = await store.createTweet({ authorId: author.id, text: ctx.text('counted'), idempotencyKey: 'once' });
      expect(again.id).toBe(t.id);
      expect((await store.stats()).tweets).toBe(1);
    });

    it('keeps which likes and retweets were taken back: given again after the reopen, they add no velocity', async () => {
      const [author, fan] = [await ctx.user(), await ctx.user()];
      const t = await ctx.post(author.id, 'taken back');
      for (const [give, takeBack] of [['like', 'unlike'], ['retweet', 'unretweet']] as const) {
        await ctx.store.engage({ id: t.id, userId: fan.id, action: give });
        await ctx.store.engage({ id: t.id, userId: fan.id, action: takeBack });
      }
      const { velocity } = await ctx.store.getEngagement(t.id, null);
      const store = await ctx.reopen();
      const head = await store.events.head();
      await store.engage({ id: t.id, userId: fan.id, action: 'like' });
      const again = await store.engage({ id: t.id, userId: fan.id, action: 'retweet' });
      expect(again).toMatchObject({ likes: 1, retweets: 1, likedByCurrentUser: true, retweetedByCurrentUser: true });
      expect(again.velocity.likes).toBeCloseTo(velocity.likes, 10);
      expect(again.velocity.retweets).toBeCloseTo(velocity.retweets, 10);
      // The store decided so from the user's edges (likeTakenBack, retweetTakenBack), and the events record it.
      const events = (await store.events.after(head, 10)) as StoreEvent[];
      expect(events.map((e) => ({ type: e.type, velocity: 'velocity' in e ? e.velocity : undefined }))).toEqual([
        { type: 'Liked', velocity: false },
        { type: 'Retweeted', velocity: false },
      ]);
    });

    it('answers events.after for events from before the reopen', async () => {
      const author = await ctx.user();
      await ctx.post(author.id, 'one');
      const mark = await ctx.store.events.head();
      await ctx.post(author.id, 'two');
      await ctx.post(author.id, 'three');
      const missed = await ctx.store.events.after(mark, 100);
      const store = await ctx.reopen();
      expect(await store.events.after(mark, 100)).toEqual(missed);
      expect(await store.events.after(0, 100)).toHaveLength(4);
    });
  });
}
