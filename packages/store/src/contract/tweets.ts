// Creating, reading and listing tweets: the tweet object, visibility, pagination, replies and idempotency keys.
import { describe, expect, it } from 'vitest';
import { contentHash, InvalidInput, isId, NotFound, parseContent, PreconditionFailed, type Tweet } from '@tweetstore/core';
import { UNKNOWN_ID, type ContractContext } from './context.ts';

const DAY = 24 * 60 * 60 * 1000;
const ids = (tweets: Tweet[]) => tweets.map((t) => t.id);

export function tweetsContract(ctx: ContractContext): void {
  describe('createTweet and getTweet', () => {
    it('returns the whole tweet with derived text fields, version 1 and zero engagement', async () => {
      const author = await ctx.user();
      const raw = 'Cafe\u0301 #news with @someone at https://example.com/a';
      const parsed = parseContent(raw);
      const tweet = await ctx.post(author.id, raw);
      const now = ctx.clock.now();
      expect(isId(tweet.id)).toBe(true);
      expect(tweet).toEqual({
        id: tweet.id,
        author,
        content: parsed.content,
        contentHash: contentHash(parsed.content),
        weightedLength: parsed.weightedLength,
        hashtags: parsed.hashtags,
        mentions: parsed.mentions,
        urls: parsed.urls,
        media: [],
        replyToId: null,
        state: 'published',
        version: 1,
        createdAt: new Date(now),
        publishedAt: new Date(now),
        editedAt: null,
        editControls: { editableUntil: new Date(now + ctx.policy.windowMs), editsRemaining: ctx.policy.maxEdits },
        engagement: {
          likes: 0,
          retweets: 0,
          replies: 0,
          views: 0,
          likedByCurrentUser: false,
          retweetedByCurrentUser: false,
          velocity: { likes: 0, retweets: 0, replies: 0, views: 0 },
        },
      });
      expect(parsed.content).toBe('Caf\u00e9 #news with @someone at https://example.com/a');
      expect(await ctx.store.getTweet(tweet.id, null)).toEqual(tweet);
    });

    it('refuses text with nothing visible or with stray control characters, on create and edit, and stores nothing', async () => {
      const author = await ctx.user();
      const kept = await ctx.post(author.id, 'kept as it is');
      for (const content of ['\u200B\u2800\u3164\u2060', '\uFEFF\u115F\u1160\uFFA0', ' \n\t', 'NUL\0', 'escape \x1B[2J']) {
        await expect(ctx.post(author.id, content)).rejects.toBeInstanceOf(InvalidInput);
        await expect(ctx.store.editTweet({ id: kept.id, actorId: author.id, text: parseContent(content) })).rejects.toBeInstanceOf(InvalidInput);
      }
      expect(ids((await ctx.store.listTweets({ viewerId: author.id, authorId: author.id, limit: 100 })).items)).toEqual([kept.id]);
      expect(await ctx.store.listVersions(kept.id, author.id)).toHaveLength(1);
      expect(await ctx.post(author.id, 'lines\r\nand\ttabs\nstay')).toMatchObject({ content: 'lines\r\nand\ttabs\nstay' });
    });

    it('gives identical text one contentHash and different text another', async () => {
      const [a, b] = [await ctx.user(), await ctx.user()];
      const t1 = await ctx.post(a.id, 'same words');
      const t2 = await ctx.post(b.id, 'same words');
      const t3 = await ctx.post(a.id, 'other words');
      expect(t1.id).not.toBe(t2.id);
      expect(t1.contentHash).toBe(t2.contentHash);
      expect(t3.contentHash).not.toBe(t1.contentHash);
    });

    it('shows drafts and archived tweets only to their author', async () => {
      const [author, other] = [await ctx.user(), await ctx.user()];
      const draft = await ctx.post(author.id, 'draft', { draft: true });
      expect(draft.state).toBe('draft');
      expect(await ctx.store.getTweet(draft.id, author.id)).toMatchObject({ id: draft.id, state: 'draft' });
      expect(await ctx.store.getTweet(draft.id, other.id)).toBeNull();
      expect(await ctx.store.getTweet(draft.id, null)).toBeNull();
      const published = await ctx.post(author.id, 'soon archived');
      await ctx.store.transitionTweet({ id: published.id, actorId: author.id, to: 'archive' });
      expect(await ctx.store.getTweet(published.id, author.id)).toMatchObject({ state: 'archived' });
      expect(await ctx.store.getTweet(published.id, other.id)).toBeNull();
      expect(await ctx.store.getTweet(UNKNOWN_ID, author.id)).toBeNull();
    });

    it('refuses a reply to a missing or hidden tweet with NotFound, and to an own unpublished one with PreconditionFailed', async () => {
      const [author, other] = [await ctx.user(), await ctx.user()];
      const othersDraft = await ctx.post(other.id, 'their draft', { draft: true });
      const othersArchived = await ctx.post(other.id, 'their archived');
      await ctx.store.transitionTweet({ id: othersArchived.id, actorId: other.id, to: 'archive' });
      const ownDraft = await ctx.post(author.id, 'my draft', { draft: true });
      const ownArchived = await ctx.post(author.id, 'my archived');
      await ctx.store.transitionTweet({ id: ownArchived.id, actorId: author.id, to: 'archive' });
      for (const replyToId of [UNKNOWN_ID, othersDraft.id, othersArchived.id]) {
        await expect(ctx.post(author.id, 'reply', { replyToId })).rejects.toBeInstanceOf(NotFound);
      }
      for (const replyToId of [ownDraft.id, ownArchived.id]) {
        await expect(ctx.post(author.id, 'reply', { replyToId })).rejects.toBeInstanceOf(PreconditionFailed);
      }
      expect((await ctx.store.stats()).tweets).toBe(4);
    });
  });

  describe('listTweets', () => {
    it('lists newest first with the visibility rules and filters', async () => {
      const [alice, bob] = [await ctx.user(), await ctx.user()];
      const a1 = await ctx.post(alice.id, 'a1');
      const b1 = await ctx.post(bob.id, 'b1');
      const aDraft = await ctx.post(alice.id, 'a draft', { draft: true });
      const bDraft = await ctx.post(bob.id, 'b draft', { draft: true });
      const aReply = await ctx.post(alice.id, 'a reply to b1', { replyToId: b1.id });
      const bReply = await ctx.post(bob.id, 'b reply to b1', { replyToId: b1.id });
      const aArchived = await ctx.post(alice.id, 'a archived');
      await ctx.store.transitionTweet({ id: aArchived.id, actorId: alice.id, to: 'archive' });
      const bArchived = await ctx.post(bob.id, 'b archived');
      await ctx.store.transitionTweet({ id: bArchived.id, actorId: bob.id, to: 'archive' });
      const list = async (q: Partial<Parameters<typeof ctx.store.listTweets>[0]>) =>
        ids((await ctx.store.listTweets({ viewerId: null, limit: 100, ...q })).items);

      expect(await list({})).toEqual([bReply.id, aReply.id, b1.id, a1.id]);
      expect(await list({ viewerId: alice.id })).toEqual([bReply.id, aReply.id, aDraft.id, b1.id, a1.id]);
      expect(await list({ viewerId: alice.id, includeArchived: true })).toEqual([aArchived.id, bReply.id, aReply.id, aDraft.id, b1.id, a1.id]);
      expect(await list({ viewerId: bob.id, includeArchived: true })).toEqual([bArchived.id, bReply.id, aReply.id, bDraft.id, b1.id, a1.id]);
      expect(await list({ authorId: alice.id })).toEqual([aReply.id, a1.id]);
      expect(await list({ authorId: alice.id, viewerId: alice.id })).toEqual([aReply.id, aDraft.id, a1.id]);
      expect(await list({ authorId: alice.id, viewerId: bob.id, includeArchived: true })).toEqual([aReply.id, a1.id]);
      expect(await list({ replyToId: b1.id })).toEqual([bReply.id, aReply.id]);
      expect(await list({ replyToId: b1.id, authorId: alice.id })).toEqual([aReply.id]);
      expect(await list({ replyToId: a1.id })).toEqual([]);
    });

    it('pages with limit and nextBeforeId, ending with null', async () => {
      const author = await ctx.user();
      const posted: string[] = [];
      for (let i = 0; i < 7; i++) posted.push((await ctx.post(author.id, `tweet ${i}`)).id);
      const seen: string[] = [];
      let beforeId: string | undefined;
      const sizes: number[] = [];
      for (;;) {
        const page = await ctx.store.listTweets({ viewerId: null, limit: 3, ...(beforeId ? { beforeId } : {}) });
        sizes.push(page.items.length);
        seen.push(...ids(page.items));
        if (page.nextBeforeId === null) break;
        expect(page.nextBeforeId).toBe(page.items.at(-1)!.id);
        beforeId = page.nextBeforeId;
      }
      expect(sizes).toEqual([3, 3, 1]);
      expect(seen).toEqual([...posted].reverse());
      const exact = await ctx.store.listTweets({ viewerId: null, limit: 7 });
      expect(exact.nextBeforeId).toBeNull();
    });

    it('keeps a cursor correct while new tweets arrive', async () => {
      const author = await ctx.user();
      const old: string[] = [];
      for (let i = 0; i < 6; i++) old.push((await ctx.post(author.id, `old ${i}`)).id);
      const page1 = await ctx.store.listTweets({ viewerId: null, limit: 3 });
      for (let i = 0; i < 4; i++) await ctx.post(author.id, `new ${i}`);
      const page2 = await ctx.store.listTweets({ viewerId: null, limit: 3, beforeId: page1.nextBeforeId! });
      expect([...ids(page1.items), ...ids(page2.items)]).toEqual([...old].reverse());
      expect(page2.nextBeforeId).toBeNull();
    });
  });

  describe('replies', () => {
    it('counts only published replies, moved by publish, archive and restore', async () => {
      const [author, replier] = [await ctx.user(), await ctx.user()];
      const parent = await ctx.post(author.id, 'parent');
      const replies = async () => (await ctx.store.getEngagement(parent.id, null)).replies;
      const r1 = await ctx.post(replier.id, 'first reply', { replyToId: parent.id });
      expect(r1.replyToId).toBe(parent.id);
      expect(await replies()).toBe(1);
      const draft = await ctx.post(replier.id, 'draft reply', { replyToId: parent.id, draft: true });
      expect(await replies()).toBe(1);
      await ctx.store.transitionTweet({ id: draft.id, actorId: replier.id, to: 'publish' });
      expect(await replies()).toBe(2);
      await ctx.store.transitionTweet({ id: r1.id, actorId: replier.id, to: 'archive' });
      expect(await replies()).toBe(1);
      await ctx.store.transitionTweet({ id: r1.id, actorId: replier.id, to: 'restore' });
      expect(await replies()).toBe(2);
      expect((await ctx.store.getTweet(parent.id, null))!.engagement.velocity.replies).toBeGreaterThan(0);
    });
  });

  describe('idempotency keys', () => {
    it('returns the original tweet for the same key from the same author', async () => {
      const author = await ctx.user();
      const first = await ctx.post(author.id, 'once', { idempotencyKey: 'k1' });
      ctx.clock.advance(60_000);
      const again = await ctx.post(author.id, 'once, retried with other text', { idempotencyKey: 'k1' });
      expect(again.id).toBe(first.id);
      expect(again.content).toBe('once');
      expect((await ctx.store.stats()).tweets).toBe(1);
    });

    it('creates one tweet for concurrent duplicates', async () => {
      const author = await ctx.user();
      const results = await Promise.all(Array.from({ length: 5 }, () => ctx.post(author.id, 'burst', { idempotencyKey: 'k2' })));
      expect(new Set(ids(results)).size).toBe(1);
      expect((await ctx.store.listTweets({ viewerId: null, limit: 10 })).items).toHaveLength(1);
    });

    it('creates a new tweet for the same key after 24 hours', async () => {
      const author = await ctx.user();
      const first = await ctx.post(author.id, 'day one', { idempotencyKey: 'k3' });
      ctx.clock.advance(DAY - 1);
      expect((await ctx.post(author.id, 'still day one', { idempotencyKey: 'k3' })).id).toBe(first.id);
      ctx.clock.advance(1);
      const later = await ctx.post(author.id, 'day two', { idempotencyKey: 'k3' });
      expect(later.id).not.toBe(first.id);
      expect(later.content).toBe('day two');
    });

    it('keeps keys of different users apart', async () => {
      const [a, b] = [await ctx.user(), await ctx.user()];
      const ta = await ctx.post(a.id, 'mine', { idempotencyKey: 'shared' });
      const tb = await ctx.post(b.id, 'mine', { idempotencyKey: 'shared' });
      expect(tb.id).not.toBe(ta.id);
      expect(tb.author.id).toBe(b.id);
    });
  });
}
