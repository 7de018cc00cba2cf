// Editing with a complete history: versions, no-op edits, expected versions, the edit policy, reverts, transitions.
import { describe, expect, it } from 'vitest';
import { contentHash, NotFound, parseContent, PreconditionFailed, VersionConflict } from '@tweetstore/core';
import { UNKNOWN_ID, type ContractContext } from './context.ts';


export function editsContract(ctx: ContractContext): void {
  const edit = (id: string, actorId: string, content: string, extra: { expectedVersion?: number; mediaIds?: string[] } = {}) =>
    ctx.store.editTweet({ id, actorId, text: parseContent(content), ...extra });

  describe('editTweet', () => {
    it('appends a version and keeps every earlier one', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'first take');
      const created = ctx.clock.now();
      ctx.clock.advance(1000);
      const edited = await edit(t.id, author.id, 'second take #better');
      expect(edited).toMatchObject({ id: t.id, version: 2, content: 'second take #better', hashtags: ['better'], createdAt: new Date(created) });
      expect(edited.contentHash).toBe(contentHash('second take #better'));
      expect(edited.editedAt).toEqual(new Date(created + 1000));
      expect(edited.editControls.editsRemaining).toBe(ctx.policy.maxEdits - 1);
      expect(await ctx.store.getTweet(t.id, null)).toEqual(edited);
      expect(await ctx.store.listVersions(t.id, author.id)).toEqual([
        { version: 1, content: 'first take', contentHash: contentHash('first take'), media: [], createdAt: new Date(created), kind: 'created' },
        { version: 2, content: 'second take #better', contentHash: contentHash('second take #better'), media: [], createdAt: new Date(created + 1000), kind: 'edited' },
      ]);
    });

    it('treats an edit that changes nothing as no edit: no version, no event, no edit used', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'Cafe\u0301');
      const head = await ctx.store.events.head();
      const same = await edit(t.id, author.id, 'Caf\u00e9'); // the same text once NFC-normalised
      expect(same).toEqual(t);
      expect(await ctx.store.events.head()).toBe(head);
      expect(await ctx.store.listVersions(t.id, author.id)).toHaveLength(1);
      // Documented choice: the no-op check comes first, so it succeeds even after the window closed.
      ctx.clock.advance(ctx.policy.windowMs + 1);
      await expect(edit(t.id, author.id, 'Café')).resolves.toMatchObject({ version: 1 });
    });

    it('counts a change of media alone as an edit', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'with a picture soon');
      const picture = await ctx.upload(author.id, 'a picture');
      const edited = await edit(t.id, author.id, 'with a picture soon', { mediaIds: [picture] });
      expect(edited.version).toBe(2);
      expect(edited.contentHash).toBe(t.contentHash);
      expect((await edit(t.id, author.id, 'with a picture soon')).version).toBe(2); // media kept when not given
    });

    it('rejects a stale expectedVersion with VersionConflict and accepts the current one', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'v1');
      await edit(t.id, author.id, 'v2', { expectedVersion: 1 });
      const stale = edit(t.id, author.id, 'v3', { expectedVersion: 1 });
      await expect(stale).rejects.toBeInstanceOf(VersionConflict);
      await expect(stale).rejects.toMatchObject({ code: 'CONFLICT', expectedVersion: 1, actualVersion: 2 });
      await expect(edit(t.id, author.id, 'v3', { expectedVersion: 2 })).resolves.toMatchObject({ version: 3 });
    });

    it('lets exactly one of two concurrent edits with the same expectedVersion win', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'base');
      const results = await Promise.allSettled([edit(t.id, author.id, 'left', { expectedVersion: 1 }), edit(t.id, author.id, 'right', { expectedVersion: 1 })]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toBeInstanceOf(VersionConflict);
      const versions = await ctx.store.listVersions(t.id, author.id);
      expect(versions).toHaveLength(2);
      expect(versions[1]!.content).toBe(won[0]!.value.content);
    });

    it('enforces the edit window with the clock', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'timely');
      ctx.clock.advance(ctx.policy.windowMs - 1);
      await expect(edit(t.id, author.id, 'just in time')).resolves.toMatchObject({ version: 2 });
      ctx.clock.advance(1);
      const late = edit(t.id, author.id, 'too late');
      await expect(late).rejects.toBeInstanceOf(PreconditionFailed);
      await expect(late).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
      expect(await ctx.store.listVersions(t.id, author.id)).toHaveLength(2);
    });

    it('enforces the number of edits', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'edit 0');
      for (let i = 1; i <= ctx.policy.maxEdits; i++) await edit(t.id, author.id, `edit ${i}`);
      expect((await ctx.store.getTweet(t.id, author.id))!.editControls.editsRemaining).toBe(0);
      await expect(edit(t.id, author.id, 'one too many')).rejects.toBeInstanceOf(PreconditionFailed);
      expect(await ctx.store.listVersions(t.id, author.id)).toHaveLength(ctx.policy.maxEdits + 1);
    });

    it('lets drafts be edited without limit; the policy starts when published', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'draft 0', { draft: true });
      ctx.clock.advance(ctx.policy.windowMs * 2);
      for (let i = 1; i <= ctx.policy.maxEdits + 2; i++) await edit(t.id, author.id, `draft ${i}`);
      const published = await ctx.store.transitionTweet({ id: t.id, actorId: author.id, to: 'publish' });
      expect(t.publishedAt, 'a draft').toBeNull();
      expect(published.publishedAt, 'published later than created').toEqual(new Date(ctx.clock.now()));
      expect(published.createdAt).toEqual(t.createdAt);
      expect(published.editControls).toEqual({ editableUntil: new Date(ctx.clock.now() + ctx.policy.windowMs), editsRemaining: ctx.policy.maxEdits });
      await expect(edit(t.id, author.id, 'after publishing')).resolves.toMatchObject({ version: ctx.policy.maxEdits + 4 });
    });

    it('refuses to edit an archived tweet (PreconditionFailed) or a missing one (NotFound)', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'to archive');
      await ctx.store.transitionTweet({ id: t.id, actorId: author.id, to: 'archive' });
      await expect(edit(t.id, author.id, 'changed')).rejects.toBeInstanceOf(PreconditionFailed);
      await expect(edit(UNKNOWN_ID, author.id, 'changed')).rejects.toBeInstanceOf(NotFound);
      await expect(ctx.store.listVersions(UNKNOWN_ID, author.id)).rejects.toBeInstanceOf(NotFound);
    });
  });

  describe('revertTweet', () => {
    it('appends a new version with the old content and re-derived text fields; history is never rewritten', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'original #one @first');
      await edit(t.id, author.id, 'changed');
      await edit(t.id, author.id, 'changed again');
      ctx.clock.advance(5000);
      const reverted = await ctx.store.revertTweet({ id: t.id, actorId: author.id, toVersion: 1, expectedVersion: 3 });
      const original = parseContent('original #one @first');
      expect(reverted).toMatchObject({ version: 4, content: original.content, contentHash: t.contentHash, hashtags: original.hashtags, mentions: original.mentions });
      expect(reverted.editedAt).toEqual(new Date(ctx.clock.now()));
      expect(reverted.editControls.editsRemaining).toBe(ctx.policy.maxEdits - 3);
      const versions = await ctx.store.listVersions(t.id, author.id);
      expect(versions.map((v) => [v.version, v.kind, v.content])).toEqual([
        [1, 'created', 'original #one @first'],
        [2, 'edited', 'changed'],
        [3, 'edited', 'changed again'],
        [4, 'reverted', 'original #one @first'],
      ]);
    });

    it('creates no version when reverting to the current content', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'a');
      await edit(t.id, author.id, 'b');
      await edit(t.id, author.id, 'a');
      const head = await ctx.store.events.head();
      expect((await ctx.store.revertTweet({ id: t.id, actorId: author.id, toVersion: 1 })).version).toBe(3);
      expect((await ctx.store.revertTweet({ id: t.id, actorId: author.id, toVersion: 3 })).version).toBe(3);
      expect(await ctx.store.events.head()).toBe(head);
    });

    it('refuses an unknown version (NotFound), a stale expectedVersion (VersionConflict) and a closed window', async () => {
      const author = await ctx.user();
      const t = await ctx.post(author.id, 'a');
      await edit(t.id, author.id, 'b');
      for (const toVersion of [0, 3, 99]) {
        await expect(ctx.store.revertTweet({ id: t.id, actorId: author.id, toVersion })).rejects.toBeInstanceOf(NotFound);
      }
      await expect(ctx.store.revertTweet({ id: t.id, actorId: author.id, toVersion: 1, expectedVersion: 1 })).rejects.toBeInstanceOf(VersionConflict);
      await expect(ctx.store.revertTweet({ id: UNKNOWN_ID, actorId: author.id, toVersion: 1 })).rejects.toBeInstanceOf(NotFound);
      ctx.clock.advance(ctx.policy.windowMs);
      await expect(ctx.store.revertTweet({ id: t.id, actorId: author.id, toVersion: 1 })).rejects.toBeInstanceOf(PreconditionFailed);
    });
  });

  describe('transitionTweet', () => {
    it('publishes drafts, archives published tweets and restores archived ones', async () => {
      const [author, other] = [await ctx.user(), await ctx.user()];
      const t = await ctx.post(author.id, 'lifecycle', { draft: true });
      const published = await ctx.store.transitionTweet({ id: t.id, actorId: author.id, to: 'publish' });
      expect(published.state).toBe('published');
      expect(await ctx.store.getTweet(t.id, other.id)).toMatchObject({ state: 'published' });
      await edit(t.id, author.id, 'lifecycle, edited');
      const archived = await ctx.store.transitionTweet({ id: t.id, actorId: author.id, to: 'archive' });
      expect(archived).toMatchObject({ state: 'archived', version: 2 });
      expect((await ctx.store.listTweets({ viewerId: other.id, limit: 10 })).items).toEqual([]);
      expect(await ctx.store.listVersions(t.id, author.id)).toHaveLength(2);
      const restored = await ctx.store.transitionTweet({ id: t.id, actorId: author.id, to: 'restore' });
      expect(restored).toMatchObject({ state: 'published', version: 2, content: 'lifecycle, edited' });
      expect(ids((await ctx.store.listTweets({ viewerId: other.id, limit: 10 })).items)).toEqual([t.id]);
    });

    it('refuses every other transition with PreconditionFailed, and a missing tweet with NotFound', async () => {
      const author = await ctx.user();
      const draft = await ctx.post(author.id, 'draft', { draft: true });
      const published = await ctx.post(author.id, 'published');
      const archived = await ctx.post(author.id, 'archived');
      await ctx.store.transitionTweet({ id: archived.id, actorId: author.id, to: 'archive' });
      const refused: [string, 'publish' | 'archive' | 'restore'][] = [
        [draft.id, 'archive'],
        [draft.id, 'restore'],
        [published.id, 'publish'],
        [published.id, 'restore'],
        [archived.id, 'publish'],
        [archived.id, 'archive'],
      ];
      const head = await ctx.store.events.head();
      for (const [id, to] of refused) {
        await expect(ctx.store.transitionTweet({ id, actorId: author.id, to })).rejects.toBeInstanceOf(PreconditionFailed);
      }
      expect(await ctx.store.events.head()).toBe(head);
      await expect(ctx.store.transitionTweet({ id: UNKNOWN_ID, actorId: author.id, to: 'publish' })).rejects.toBeInstanceOf(NotFound);
    });
  });
}

function ids(items: { id: string }[]): string[] {
  return items.map((t) => t.id);
}
