// The visibility matrix (API.md, "Visibility") through createCaller: anonymous, another user and the author, each
// reading a draft, a tweet published after draft versions, and an archived tweet, through every read. A secret (a
// draft's text, a version before publication, an archived tweet's text, media only they carried) must appear nowhere
// in anything anyone but the author is sent; the author reads it all. Subscriptions over a real socket, and GET
// /media: apps/server/test/visibility.test.ts. Here also: rights that end with the session, on the store's clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import superjson from 'superjson';
import { uploadOf } from '@tweetstore/store/contract';
import { codeOf, openTestApi, type TestApi } from './setup.ts';

let t: TestApi;
beforeEach(async () => {
  t = await openTestApi({ windowMs: 0, maxEdits: 0 });
});
afterEach(() => t.close());

type Api = TestApi['anonymous'];

/** Every secret has SECRET in its text; a media id only secret versions carried is a secret too. */
async function world() {
  const ada = await t.user('ada');
  const bob = await t.user('bob');
  const [draftPicture, prePicture, publicPicture, archivedPicture] = await Promise.all(
    ['draft', 'before publication', 'public', 'archived'].map(async (name) => (await t.store.recordMedia(uploadOf(ada.id, name))).id),
  );
  const draft = await ada.api.tweet.create({ content: 'DRAFT SECRET one', draft: true, mediaIds: [draftPicture!] });
  await ada.api.tweet.edit({ id: draft.id, content: 'DRAFT SECRET two #hidden' });

  // versions 1 and 2 are drafts; published at 3; then edited to 4
  const published = await ada.api.tweet.create({ content: 'PREPUB SECRET one', draft: true, mediaIds: [prePicture!] });
  await ada.api.tweet.edit({ id: published.id, content: 'PREPUB SECRET two' });
  await ada.api.tweet.edit({ id: published.id, content: 'public three', mediaIds: [publicPicture!] });
  await ada.api.tweet.publish({ id: published.id });
  await ada.api.tweet.edit({ id: published.id, content: 'public four' });
  await bob.api.tweet.engage({ id: published.id, action: 'like' });
  await ada.api.tweet.create({ content: 'DRAFT SECRET reply', draft: true, replyToId: published.id });

  const archived = await ada.api.tweet.create({ content: 'ARCHIVED SECRET #hidden', mediaIds: [archivedPicture!] });
  await bob.api.tweet.engage({ id: archived.id, action: 'like' });
  await bob.api.tweet.engage({ id: archived.id, action: 'retweet' });
  const underArchived = await bob.api.tweet.create({ content: 'a reply to what is archived next', replyToId: archived.id });
  await ada.api.tweet.archive({ id: archived.id });

  const secrets = ['SECRET', draftPicture!, prePicture!, archivedPicture!];
  return { ada, bob, draft, published, archived, underArchived, media: { draftPicture, prePicture, publicPicture, archivedPicture }, secrets };
}

/** The answer as it goes on the wire, or the error code. */
async function sent(call: Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(superjson.serialize(await call));
  } catch (error) {
    return `error ${(error as { code?: string }).code}`;
  }
}

describe('the visibility matrix: every read', () => {
  it('shows anyone but the author no draft, no version before publication, no archived tweet and none of their media', async () => {
    const w = await world();
    const reads: [string, (api: Api) => Promise<unknown>][] = [
      ['get draft', (api) => api.tweet.get({ id: w.draft.id })],
      ['get published', (api) => api.tweet.get({ id: w.published.id })],
      ['get archived', (api) => api.tweet.get({ id: w.archived.id })],
      ['list', (api) => api.tweet.list({})],
      ['list by ada, archived too', (api) => api.tweet.list({ authorId: w.ada.id, includeArchived: true })],
      ['versions of draft', (api) => api.tweet.versions({ id: w.draft.id })],
      ['versions of published', (api) => api.tweet.versions({ id: w.published.id })],
      ['versions of archived', (api) => api.tweet.versions({ id: w.archived.id })],
      ['thread of draft', (api) => api.tweet.thread({ id: w.draft.id })],
      ['thread of published', (api) => api.tweet.thread({ id: w.published.id })],
      ['thread of archived', (api) => api.tweet.thread({ id: w.archived.id })],
      ['thread of a reply to archived', (api) => api.tweet.thread({ id: w.underArchived.id })],
      ['diff of draft', (api) => api.tweet.diff({ id: w.draft.id, from: 1, to: 2 })],
      ['diff of published, from a draft version', (api) => api.tweet.diff({ id: w.published.id, from: 1, to: 4 })],
      ['diff of published, between drafts', (api) => api.tweet.diff({ id: w.published.id, from: 1, to: 2 })],
      ['diff of published, public versions', (api) => api.tweet.diff({ id: w.published.id, from: 3, to: 4 })],
      ['diff of archived', (api) => api.tweet.diff({ id: w.archived.id, from: 1, to: 1 })],
      ...Object.entries(w.media).map(([name, id]): [string, (api: Api) => Promise<unknown>] => [`media.get ${name}`, (api) => api.media.get({ id: id! })]),
      ['stats', (api) => api.system.stats().then((s) => s.topTweets)],
      ['search for every word', (api) => api.tweet.search({ q: 'SECRET' })],
      ['search for public words', (api) => api.tweet.search({ q: 'public' })],
      ['search top', (api) => api.tweet.search({ q: 'SECRET', sort: 'top' })],
      ['search by hashtag', (api) => api.tweet.search({ q: '#hidden' })],
      ['list by hashtag', (api) => api.tweet.list({ hashtag: 'hidden' })],
      ['trending hashtags', (api) => api.trends.hashtags({ limit: 50 })],
      ['trending tweets', (api) => api.trends.tweets({ limit: 50 })],
    ];
    const viewers: [string, Api][] = [
      ['anonymous', t.anonymous],
      ['bob', w.bob.api],
      ['ada', w.ada.api],
    ];
    const answers: Record<string, Record<string, string>> = {};
    for (const [viewer, api] of viewers) {
      answers[viewer] = {};
      for (const [read, call] of reads) answers[viewer][read] = await sent(call(api));
    }
    const notFound = 'error NOT_FOUND';
    for (const viewer of ['anonymous', 'bob']) {
      const seen = answers[viewer]!;
      for (const [read, answer] of Object.entries(seen)) {
        for (const secret of w.secrets) expect(answer, `${viewer}: ${read}`).not.toContain(secret);
      }
      expect(
        Object.entries(seen)
          .filter(([, answer]) => answer === notFound)
          .map(([read]) => read),
        viewer,
      ).toEqual([
        'get draft',
        'get archived',
        'versions of draft',
        'versions of archived',
        'thread of draft',
        'thread of archived',
        'diff of draft',
        'diff of published, from a draft version',
        'diff of published, between drafts',
        'diff of archived',
        'media.get draftPicture',
        'media.get prePicture',
        'media.get archivedPicture',
      ]);
      expect(seen['versions of published'], viewer).toContain('public three');
      expect(seen['list'], viewer).toContain('public four');
      expect(seen['thread of published'], viewer).toContain('public four');
      // the reply still names its parent's id (that it left is all others learn), but no ancestor is shown
      expect(seen['thread of a reply to archived'], viewer).toMatch(/^\{"json":\{"ancestors":\[\],.*a reply to what is archived next/);
      expect(seen['stats'], viewer).toContain(w.published.id);
      expect(seen['search for public words'], viewer).toContain('public four');
      expect(seen['trending tweets'], viewer).toContain(w.published.id);
      // a tag only a draft and an archived tweet carry is nowhere
      for (const read of ['search by hashtag', 'list by hashtag', 'trending hashtags']) expect(seen[read], `${viewer}: ${read}`).not.toContain('hidden');
    }
    // anonymous and bob read the same (bob's like aside); the author reads every secret
    const ada = answers['ada']!;
    expect(Object.values(ada)).not.toContain(notFound);
    for (const [read, secret] of [
      ['get draft', 'DRAFT SECRET two'],
      ['get archived', 'ARCHIVED SECRET'],
      ['list by ada, archived too', 'ARCHIVED SECRET'],
      ['list by ada, archived too', 'DRAFT SECRET two'],
      ['versions of published', 'PREPUB SECRET one'],
      ['versions of archived', 'ARCHIVED SECRET'],
      ['media.get prePicture', w.media.prePicture!],
      ['thread of published', 'DRAFT SECRET reply'],
      ['thread of a reply to archived', 'ARCHIVED SECRET'],
    ] as const) {
      expect(ada[read], read).toContain(secret);
    }
    // the ranking never names an archived tweet, to anyone; search never finds a draft or an archived tweet, not even
    // for its author
    expect(ada['stats']).not.toContain(w.archived.id);
    for (const read of ['search for every word', 'search top', 'search by hashtag', 'list by hashtag', 'trending hashtags', 'trending tweets']) {
      expect(ada[read], read).not.toContain('SECRET');
      expect(ada[read], read).not.toContain('hidden');
      expect(ada[read], read).not.toContain(w.archived.id);
    }
  });

  it('lists, after publication, the versions from the published one on to others, numbered as they are', async () => {
    const w = await world();
    const numbered = async (api: Api) => (await api.tweet.versions({ id: w.published.id })).items.map((v) => [v.version, v.content]);
    expect(await numbered(t.anonymous)).toEqual([
      [3, 'public three'],
      [4, 'public four'],
    ]);
    expect(await numbered(w.bob.api)).toEqual(await numbered(t.anonymous));
    expect((await numbered(w.ada.api)).map(([v]) => v)).toEqual([1, 2, 3, 4]);
    const diff = await t.anonymous.tweet.diff({ id: w.published.id, from: 3, to: 4 });
    expect(diff.ops.filter(([op]) => op !== 1).map(([, s]) => s).join('')).toBe('public three');
    const own = await w.ada.api.tweet.diff({ id: w.published.id, from: 1, to: 4 });
    expect(own.ops.filter(([op]) => op !== 1).map(([, s]) => s).join('')).toBe('PREPUB SECRET one');
    // archived and restored: others see the same versions as before
    await w.ada.api.tweet.archive({ id: w.published.id });
    expect(await codeOf(t.anonymous.tweet.versions({ id: w.published.id }))).toBe('NOT_FOUND');
    await w.ada.api.tweet.restore({ id: w.published.id });
    expect((await numbered(t.anonymous)).map(([v]) => v)).toEqual([3, 4]);
  });
});

describe('rights end with the session', () => {
  const next = async <T>(it: AsyncIterator<unknown>) => (await it.next()).value as [string, T];
  type Change = { type: string; id?: string; tweet?: { content: string } | null };
  type Engaged = { type: string; id: string; engagement: { likedByCurrentUser: boolean; retweets: number } };

  for (const end of ['logout', 'expiry'] as const) {
    it(`after ${end}, a subscription opened with the session sees what an anonymous one sees`, async () => {
      const ada = await t.user('ada');
      const bob = await t.user('bob');
      const watched = await bob.api.tweet.create({ content: 'watched' });
      await ada.api.tweet.engage({ id: watched.id, action: 'like' });
      const abort = new AbortController();
      const changes = (await t.as(ada.token, abort.signal).tweet.onChange({}))[Symbol.asyncIterator]();
      const engagement = (await t.as(ada.token, abort.signal).tweet.onEngagement({ ids: [watched.id] }))[Symbol.asyncIterator]();

      let change = next<Change>(changes);
      await ada.api.tweet.create({ content: 'a draft while signed in', draft: true });
      expect((await change)[1]).toMatchObject({ type: 'created', tweet: { content: 'a draft while signed in' } });
      let engaged = next<Engaged>(engagement);
      await bob.api.tweet.engage({ id: watched.id, action: 'view' });
      expect((await engaged)[1].engagement.likedByCurrentUser).toBe(true);

      if (end === 'logout') await ada.api.auth.logout();
      else t.clock.advance(t.deps.config.sessionTtlMs);
      const signIn = async (username: string) => t.as((await t.anonymous.auth.login({ username, password: 'correct horse battery' })).token);
      const [adaAgain, bobAgain] = [await signIn('ada'), await signIn('bob')]; // sessions that did not end
      change = next<Change>(changes);
      await adaAgain.tweet.create({ content: 'DRAFT SECRET after the session ended', draft: true });
      const after = await adaAgain.tweet.create({ content: 'public after the session ended' });
      expect((await change)[1]).toMatchObject({ type: 'created', id: after.id });
      engaged = next<Engaged>(engagement);
      await bobAgain.tweet.engage({ id: watched.id, action: 'retweet' });
      expect((await engaged)[1].engagement).toMatchObject({ retweets: 1, likedByCurrentUser: false });
      abort.abort();
    });
  }
});
