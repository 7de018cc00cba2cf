// The event feed: global gap-free seqs, events.after with 'gone', and subscribers that see durable events in order.
import { describe, expect, it } from 'vitest';
import { StorageUnavailable, UsernameTaken } from '@tweetstore/core';
import type { StoreEvent } from '../events.ts';
import type { ContractContext } from './context.ts';

export function eventsContract(ctx: ContractContext): void {
  describe('events', () => {
    it('starts at seq 0 and gives every change the next seq', async () => {
      expect(await ctx.store.events.head()).toBe(0);
      expect(await ctx.store.events.after(0, 10)).toEqual([]);
      const author = await ctx.user();
      expect(await ctx.store.events.head()).toBe(1);
      const t = await ctx.post(author.id, 'hello');
      const fan = await ctx.user();
      await ctx.store.engage({ id: t.id, userId: fan.id, action: 'like' });
      const events = await ctx.store.events.after(0, 100);
      expect(events).not.toBe('gone');
      const list = events as StoreEvent[];
      expect(list.map((e) => [e.seq, e.type])).toEqual([
        [1, 'UserRegistered'],
        [2, 'TweetCreated'],
        [3, 'UserRegistered'],
        [4, 'Liked'],
      ]);
      expect(list[1]).toMatchObject({ tweetId: t.id, authorId: author.id, content: 'hello', contentHash: t.contentHash, state: 'published', at: ctx.clock.now() });
      expect(list[3]).toMatchObject({ tweetId: t.id, userId: fan.id });
      expect(await ctx.store.events.head()).toBe(4);
    });

    it('answers events.after with a limit, [] at the head and gone beyond it', async () => {
      for (let i = 0; i < 5; i++) await ctx.user();
      const page = (await ctx.store.events.after(1, 2)) as StoreEvent[];
      expect(page.map((e) => e.seq)).toEqual([2, 3]);
      expect(((await ctx.store.events.after(3, 100)) as StoreEvent[]).map((e) => e.seq)).toEqual([4, 5]);
      expect(await ctx.store.events.after(5, 10)).toEqual([]);
      expect(await ctx.store.events.after(6, 10)).toBe('gone');
      expect(await ctx.store.events.after(1_000_000, 10)).toBe('gone');
    });

    it('keeps seqs gap-free under concurrent writes and delivers each durable event once, in order', async () => {
      const seen: StoreEvent[] = [];
      let headWhenSeen = true;
      const heads: Promise<void>[] = [];
      const unsubscribe = ctx.store.events.subscribe((event) => {
        heads.push(ctx.store.events.head().then((head) => void (head < event.seq && (headWhenSeen = false))));
        seen.push(event);
      });
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'busy');
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++) writes.push(ctx.user().then((u) => ctx.store.engage({ id: t.id, userId: u.id, action: 'like' })));
      writes.push(ctx.store.editTweet({ id: t.id, actorId: author.id, text: ctx.text('busy, edited') }));
      await Promise.all(writes);
      expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: await ctx.store.events.head() }, (_, i) => i + 1));
      await Promise.all(heads);
      expect(headWhenSeen).toBe(true);
      expect(await ctx.store.events.after(0, 1000)).toEqual(seen);
      unsubscribe();
      await ctx.user();
      expect(seen).toHaveLength((await ctx.store.events.head()) - 1);
    });

    it('has delivered an event to subscribers by the time its command resolves', async () => {
      const seen: number[] = [];
      ctx.store.events.subscribe((event) => seen.push(event.seq));
      await ctx.user();
      expect(seen).toEqual([1]);
      const author = await ctx.user();
      await ctx.post(author.id, 'x');
      expect(seen).toEqual([1, 2, 3]);
    });

    it('appends no event for a rejected command', async () => {
      const user = await ctx.user();
      const head = await ctx.store.events.head();
      await expect(ctx.store.registerUser({ username: user.username.toUpperCase(), displayName: 'x', passwordHash: 'h' })).rejects.toBeInstanceOf(UsernameTaken);
      expect(await ctx.store.events.head()).toBe(head);
      expect(await ctx.store.events.after(head, 10)).toEqual([]);
    });
  });

  describe('stats, writable and close', () => {
    it('counts users, tweets, versions and sessions and reports the head', async () => {
      const empty = await ctx.store.stats();
      expect(empty).toMatchObject({ users: 0, tweets: 0, versions: 0, sessions: 0, headSeq: 0, oldestRetainedSeq: 0 });
      expect(empty.engine).toBe(ctx.store.engine);
      expect(ctx.store.storeId).toEqual(expect.any(String));
      expect(ctx.store.storeId).not.toBe('');
      const author = await ctx.user();
      await ctx.store.openSession('s', { userId: author.id, expiresAt: new Date(ctx.clock.now() + 60_000) });
      const t = await ctx.post(author.id, 'one');
      await ctx.store.editTweet({ id: t.id, actorId: author.id, text: ctx.text('one, edited') });
      await ctx.post(author.id, 'two', { draft: true });
      const stats = await ctx.store.stats();
      expect(stats).toMatchObject({ users: 1, tweets: 2, versions: 3, sessions: 1, headSeq: 5 });
      expect(Object.values(stats.details).every(Number.isFinite)).toBe(true);
      expect(stats.oldestRetainedSeq).toBe(0);
    });

    it('is writable while open and refuses writes with StorageUnavailable once closed', async () => {
      expect(await ctx.store.writable()).toBe(true);
      const author = await ctx.user();
      await ctx.store.close();
      expect(await ctx.store.writable()).toBe(false);
      await expect(ctx.post(author.id, 'too late')).rejects.toBeInstanceOf(StorageUnavailable);
      await expect(ctx.store.close()).resolves.toBeUndefined();
    });
  });
}
