// The conversation around a tweet: its ancestors root first, the tweet, and its direct replies oldest first, each as
// the viewer may see it (API.md, "Visibility"): an ancestor the viewer may not see is left out, nothing of it shown.
import { describe, expect, it } from 'vitest';
import { NotFound, type Tweet, type User } from '@tweetstore/core';
import type { ThreadQuery, TweetStore } from '../port.ts';
import { UNKNOWN_ID, type ContractContext } from './context.ts';

const ids = (tweets: Tweet[]) => tweets.map((t) => t.id);

export function threadsContract(ctx: ContractContext): void {
  const move = (id: string, author: User, to: 'publish' | 'archive' | 'restore') => ctx.store.transitionTweet({ id, actorId: author.id, to });
  const thread = async (id: string, viewerId: string | null, more: Partial<ThreadQuery> = {}, store: TweetStore = ctx.store) => {
    const found = await store.getThread({ id, viewerId, limit: 100, ...more });
    return { ancestors: ids(found.ancestors), tweet: found.tweet.id, replies: ids(found.replies), nextAfterId: found.nextAfterId };
  };

  describe('getThread', () => {
    it('gives the ancestors root first, the tweet, and only its direct replies oldest first', async () => {
      const [ada, bob] = [await ctx.user(), await ctx.user()];
      const root = await ctx.post(ada.id, 'root');
      const reply = await ctx.post(bob.id, 'reply', { replyToId: root.id });
      const replyToReply = await ctx.post(ada.id, 'reply to the reply', { replyToId: reply.id });
      const first = await ctx.post(bob.id, 'first answer', { replyToId: replyToReply.id });
      const second = await ctx.post(ada.id, 'second answer', { replyToId: replyToReply.id });
      await ctx.post(bob.id, 'an answer to an answer', { replyToId: first.id });
      await ctx.post(bob.id, 'a reply elsewhere', { replyToId: root.id });

      const found = await ctx.store.getThread({ id: replyToReply.id, viewerId: null, limit: 20 });
      expect(found.ancestors.map((t) => t.content)).toEqual(['root', 'reply']);
      expect(found.tweet).toEqual(await ctx.store.getTweet(replyToReply.id, null));
      expect(found.replies.map((t) => t.content)).toEqual(['first answer', 'second answer']);
      expect(found.nextAfterId).toBeNull();
      expect(await thread(root.id, bob.id)).toMatchObject({ ancestors: [], replies: [reply.id, expect.any(String)] });
      expect(await thread(second.id, bob.id)).toEqual({ ancestors: [root.id, reply.id, replyToReply.id], tweet: second.id, replies: [], nextAfterId: null });
    });

    it('pages replies with nextAfterId while new replies arrive, with no duplicates and no gaps', async () => {
      const [ada, bob] = [await ctx.user(), await ctx.user()];
      const root = await ctx.post(ada.id, 'root');
      const replies: string[] = [];
      for (let i = 0; i < 5; i++) replies.push((await ctx.post(bob.id, `reply ${i}`, { replyToId: root.id })).id);
      const seen: string[] = [];
      let afterId: string | undefined;
      for (let page = 0; ; page++) {
        const found = await thread(root.id, null, { limit: 2, ...(afterId ? { afterId } : {}) });
        seen.push(...found.replies);
        if (found.nextAfterId === null) break;
        expect(found.nextAfterId).toBe(found.replies.at(-1));
        afterId = found.nextAfterId;
        // replies arriving between pages go after the ones already given
        if (page < 2) replies.push((await ctx.post(ada.id, `late reply ${page}`, { replyToId: root.id })).id);
      }
      expect(seen).toEqual(replies);
      expect((await thread(root.id, null, { limit: 7 })).nextAfterId).toBeNull();
    });

    it('leaves an archived ancestor out for others and shows it to its author, across a reopen', async () => {
      const [ada, bob, cy] = [await ctx.user(), await ctx.user(), await ctx.user()];
      const root = await ctx.post(ada.id, 'root');
      const middle = await ctx.post(bob.id, 'middle', { replyToId: root.id });
      const leaf = await ctx.post(cy.id, 'leaf', { replyToId: middle.id });
      await move(middle.id, bob, 'archive');

      const check = async (store: TweetStore) => {
        const seenByOthers = await store.getThread({ id: leaf.id, viewerId: cy.id, limit: 20 });
        expect(seenByOthers.ancestors.map((t) => t.content)).toEqual(['root']);
        expect(JSON.stringify(seenByOthers)).not.toContain('middle');
        expect(await thread(leaf.id, null, {}, store)).toMatchObject({ ancestors: [root.id] });
        expect(await thread(leaf.id, bob.id, {}, store)).toMatchObject({ ancestors: [root.id, middle.id] });
        expect(await thread(root.id, cy.id, {}, store)).toMatchObject({ replies: [] });
        expect(await thread(root.id, bob.id, {}, store)).toMatchObject({ replies: [middle.id] });
        await expect(store.getThread({ id: middle.id, viewerId: cy.id, limit: 20 })).rejects.toBeInstanceOf(NotFound);
      };
      await check(ctx.store);
      await check(await ctx.reopen());
      await ctx.store.transitionTweet({ id: middle.id, actorId: bob.id, to: 'restore' });
      expect(await thread(leaf.id, null)).toMatchObject({ ancestors: [root.id, middle.id] });
    });

    it('shows a draft reply to its author alone', async () => {
      const [ada, bob] = [await ctx.user(), await ctx.user()];
      const root = await ctx.post(ada.id, 'root');
      const published = await ctx.post(ada.id, 'a published reply', { replyToId: root.id });
      const draft = await ctx.post(bob.id, 'a draft reply', { replyToId: root.id, draft: true });
      expect(await thread(root.id, bob.id)).toMatchObject({ replies: [published.id, draft.id] });
      expect(await thread(root.id, ada.id)).toMatchObject({ replies: [published.id] });
      expect(await thread(root.id, null)).toMatchObject({ replies: [published.id] });
      expect(await thread(draft.id, bob.id)).toMatchObject({ ancestors: [root.id], tweet: draft.id });
      await expect(ctx.store.getThread({ id: draft.id, viewerId: ada.id, limit: 20 })).rejects.toBeInstanceOf(NotFound);
      await move(draft.id, bob, 'publish');
      expect(await thread(root.id, ada.id)).toMatchObject({ replies: [published.id, draft.id] });
    });

    it('answers a chain 300 levels deep whole', async () => {
      const author = await ctx.user();
      const chain = [(await ctx.post(author.id, 'level 0')).id];
      for (let level = 1; level < 300; level++) chain.push((await ctx.post(author.id, `level ${level}`, { replyToId: chain.at(-1)! })).id);
      expect(await thread(chain.at(-1)!, null)).toEqual({ ancestors: chain.slice(0, -1), tweet: chain.at(-1), replies: [], nextAfterId: null });
      expect(await thread(chain[150]!, null, { limit: 1 })).toEqual({ ancestors: chain.slice(0, 150), tweet: chain[150], replies: [chain[151]], nextAfterId: null });
    });

    it('refuses an unknown tweet and one the viewer may not see with NotFound', async () => {
      const [ada, bob] = [await ctx.user(), await ctx.user()];
      const draft = await ctx.post(ada.id, 'a draft', { draft: true });
      const archived = await ctx.post(ada.id, 'archived');
      await move(archived.id, ada, 'archive');
      for (const [id, viewerId] of [
        [UNKNOWN_ID, ada.id],
        [draft.id, bob.id],
        [draft.id, null],
        [archived.id, bob.id],
        [archived.id, null],
      ] as const) {
        await expect(ctx.store.getThread({ id, viewerId, limit: 20 })).rejects.toBeInstanceOf(NotFound);
      }
      expect(await thread(archived.id, ada.id)).toMatchObject({ tweet: archived.id });
    });
  });
}
