// Search (API.md, tweet.search): the current version of published tweets, by the query language of search/query.ts,
// the same in every engine; never a draft or an archived tweet, not even to its author; changed at once by an edit,
// revert, archive, restore or publish, and the same after a reopen.
import { describe, expect, it } from 'vitest';
import type { Tweet } from '@tweetstore/core';
import type { SearchTweets, TweetStore } from '../port.ts';
import { parseSearchQuery } from '../search/query.ts';
import { TOP_WINDOW } from '../search/rules.ts';
import type { ContractContext } from './context.ts';

export function searchContract(ctx: ContractContext): void {
  /** Ids of the matches, newest first (all of them: one page of 100). */
  const find = async (q: string, more: Partial<SearchTweets> = {}, store: TweetStore = ctx.store) => {
    const page = await store.searchTweets({ viewerId: null, query: parseSearchQuery(q), sort: 'latest', limit: 100, ...more });
    return page.items.map((t) => t.content);
  };

  describe('searchTweets', () => {
    it('finds words in any case, accent and width, and every word must occur', async () => {
      const ada = await ctx.user();
      await ctx.post(ada.id, 'Café au LAIT this morning');
      await ctx.post(ada.id, 'cafe culture, no milk');
      await ctx.post(ada.id, 'nothing to see');
      expect(await find('cafe')).toEqual(['cafe culture, no milk', 'Café au LAIT this morning']);
      expect(await find('CAFÉ lait')).toEqual(['Café au LAIT this morning']);
      expect(await find('ｃａｆｅ ｌａｉｔ')).toEqual(['Café au LAIT this morning']);
      expect(await find('cafe tea')).toEqual([]);
    });

    it('matches the last plain word as a prefix too, and no other word', async () => {
      const ada = await ctx.user();
      await ctx.post(ada.id, 'hello world');
      await ctx.post(ada.id, 'hello wordsmith');
      await ctx.post(ada.id, 'help wanted');
      expect(await find('hello wor')).toEqual(['hello wordsmith', 'hello world']);
      expect(await find('hel')).toEqual(['help wanted', 'hello wordsmith', 'hello world']);
      expect(await find('wor hello')).toEqual([]); // only the last word is a prefix
      expect(await find('"hello wor"')).toEqual([]); // a phrase is exact
      expect(await find('hello -wor')).toEqual(['hello wordsmith', 'hello world']); // an excluded word is whole
    });

    it('matches phrases as words in a row, and excludes with -', async () => {
      const ada = await ctx.user();
      await ctx.post(ada.id, 'the quick brown fox');
      await ctx.post(ada.id, 'brown and quick');
      await ctx.post(ada.id, 'a quick brown dog');
      expect(await find('"quick brown"')).toEqual(['a quick brown dog', 'the quick brown fox']);
      expect(await find('"brown quick"')).toEqual([]);
      expect(await find('quick brown -dog')).toEqual(['brown and quick', 'the quick brown fox']);
      expect(await find('quick -"quick brown"')).toEqual(['brown and quick']);
      expect(await find('"Quick   BROWN fox')).toEqual(['the quick brown fox']); // an unclosed quote runs to the end
    });

    it('finds #tags, @mentions and from:user, each apart from the plain word', async () => {
      const [ada, bob] = [await ctx.user(), await ctx.user()];
      await ctx.post(ada.id, 'learning #Rust today');
      await ctx.post(bob.id, 'rust on my bike');
      await ctx.post(bob.id, `thanks @${ada.username} for the #rust tips`);
      expect(await find('#rust')).toEqual([`thanks @${ada.username} for the #rust tips`, 'learning #Rust today']);
      expect(await find('#RUST')).toHaveLength(2);
      expect(await find('rust')).toHaveLength(3);
      expect(await find(`@${ada.username.toUpperCase()}`)).toEqual([`thanks @${ada.username} for the #rust tips`]);
      expect(await find(`rust from:${ada.username}`)).toEqual(['learning #Rust today']);
      expect(await find(`rust -from:${ada.username}`)).toHaveLength(2);
      expect(await find(`from:${ada.username} from:${bob.username}`)).toEqual([]);
      expect(await find('from:nobody_here')).toEqual([]);
      expect(await find('rust -#rust')).toEqual(['rust on my bike']);
    });

    it('finds CJK words without spaces, and emoji as terms', async () => {
      const ada = await ctx.user();
      await ctx.post(ada.id, '今日は良い天気ですね');
      await ctx.post(ada.id, '我们明天见');
      await ctx.post(ada.id, 'shipping it 🔥🔥 today 👍🏽');
      await ctx.post(ada.id, '안녕하세요 세계');
      expect(await find('天気')).toEqual(['今日は良い天気ですね']);
      expect(await find('明天')).toEqual(['我们明天见']);
      expect(await find('세계')).toEqual(['안녕하세요 세계']);
      expect(await find('🔥')).toEqual(['shipping it 🔥🔥 today 👍🏽']);
      expect(await find('👍 today')).toEqual(['shipping it 🔥🔥 today 👍🏽']);
      expect(await find('🎉')).toEqual([]);
    });

    it('reads operator characters as text, never as syntax of an engine', async () => {
      const ada = await ctx.user();
      await ctx.post(ada.id, "don't panic: a|b & c <-> d:* 'e' %_ \\x");
      expect(await find("don't")).toHaveLength(1);
      expect(await find("a & !b | c <-> d:* 'e'")).toHaveLength(1);
      expect(await find('%_ \\x')).toHaveLength(1);
      expect(await find("'e' & \\\\ zzz")).toEqual([]);
    });

    it('never finds drafts or archived tweets, not even for their author, and follows every change at once', async () => {
      const ada = await ctx.user();
      const draft = await ctx.post(ada.id, 'secret plan draft', { draft: true });
      const t = await ctx.post(ada.id, 'first words here');
      const mine = { viewerId: ada.id };
      expect(await find('secret', mine)).toEqual([]);
      await ctx.store.transitionTweet({ id: draft.id, actorId: ada.id, to: 'publish' });
      expect(await find('secret', mine)).toEqual(['secret plan draft']);

      await ctx.store.editTweet({ id: t.id, actorId: ada.id, text: ctx.text('second thoughts now') });
      expect(await find('first')).toEqual([]);
      expect(await find('second')).toEqual(['second thoughts now']);
      await ctx.store.revertTweet({ id: t.id, actorId: ada.id, toVersion: 1 });
      expect(await find('second')).toEqual([]);
      expect(await find('"first words"')).toEqual(['first words here']);

      await ctx.store.transitionTweet({ id: t.id, actorId: ada.id, to: 'archive' });
      expect(await find('first', mine)).toEqual([]);
      await ctx.store.transitionTweet({ id: t.id, actorId: ada.id, to: 'restore' });
      expect(await find('first', mine)).toEqual(['first words here']);
    });

    it('answers the same after a reopen, also for changes made just before it', async () => {
      const ada = await ctx.user();
      const a = await ctx.post(ada.id, 'kept across restarts #durable');
      const b = await ctx.post(ada.id, 'edited before the restart');
      const c = await ctx.post(ada.id, 'archived before the restart');
      await ctx.store.editTweet({ id: b.id, actorId: ada.id, text: ctx.text('rewritten before the restart') });
      await ctx.store.transitionTweet({ id: c.id, actorId: ada.id, to: 'archive' });
      const store = await ctx.reopen();
      expect(await find('restart', {}, store)).toEqual(['rewritten before the restart', 'kept across restarts #durable']);
      expect(await find('#durable', {}, store)).toEqual(['kept across restarts #durable']);
      expect(await find('edited', {}, store)).toEqual([]);
      await store.editTweet({ id: a.id, actorId: ada.id, text: ctx.text('kept and changed after') });
      expect(await find('restarts', {}, store)).toEqual([]);
      expect(await find('changed', {}, store)).toEqual(['kept and changed after']);
    });

    it('pages latest newest first with beforeId, with no duplicates and no gaps while new tweets arrive', async () => {
      const ada = await ctx.user();
      const posted: string[] = [];
      for (let i = 0; i < 7; i++) posted.push((await ctx.post(ada.id, `paging word ${i}`)).id);
      await ctx.post(ada.id, 'unrelated');
      const seen: string[] = [];
      let beforeId: string | undefined;
      for (let page = 0; ; page++) {
        const found = await ctx.store.searchTweets({ viewerId: null, query: parseSearchQuery('paging'), sort: 'latest', limit: 3, ...(beforeId ? { beforeId } : {}) });
        seen.push(...found.items.map((t) => t.id));
        if (found.next === null) break;
        expect(found.next).toEqual({ beforeId: found.items.at(-1)!.id });
        beforeId = (found.next as { beforeId: string }).beforeId;
        if (page === 0) await ctx.post(ada.id, 'paging word late'); // newer than every page: not in this walk
      }
      expect(seen).toEqual(posted.reverse());
    });

    it('ranks top by relevance and engagement, paged by offset without duplicates', async () => {
      const [ada, ...fans] = [await ctx.user(), await ctx.user(), await ctx.user(), await ctx.user()];
      const quiet = await ctx.post(ada.id, 'ranking test one');
      const loved = await ctx.post(ada.id, 'ranking test two');
      const liked = await ctx.post(ada.id, 'ranking test three');
      await ctx.post(ada.id, 'ranking test four');
      for (const fan of fans) await ctx.store.engage({ id: loved.id, userId: fan.id, action: 'like' });
      await ctx.store.engage({ id: liked.id, userId: fans[0]!.id, action: 'like' });
      const top = async (offset?: number, limit = 10) =>
        ctx.store.searchTweets({ viewerId: fans[0]!.id, query: parseSearchQuery('ranking test'), sort: 'top', limit, ...(offset !== undefined ? { offset } : {}) });
      const all = await top();
      expect(all.items.slice(0, 2).map((t) => t.id)).toEqual([loved.id, liked.id]);
      expect(all.items).toHaveLength(4);
      expect(all.items.at(-1)!.id).not.toBe(loved.id);
      expect(all.next).toBeNull();
      expect(all.items[0]!.engagement).toMatchObject({ likes: 3, likedByCurrentUser: true });

      const paged: Tweet[] = [];
      let offset: number | undefined;
      for (;;) {
        const page = await top(offset, 3);
        paged.push(...page.items);
        if (!page.next) break;
        expect(page.next).toEqual({ offset: (offset ?? 0) + 3 });
        offset = (page.next as { offset: number }).offset;
      }
      expect(paged.map((t) => t.id)).toEqual(all.items.map((t) => t.id));
      expect(all.items.map((t) => t.id)).toContain(quiet.id);
      expect(TOP_WINDOW).toBeGreaterThanOrEqual(100);
    });
  });
}
