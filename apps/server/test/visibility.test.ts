// The visibility matrix (API.md, "Visibility") against the real server process: both subscriptions over a real
// WebSocket, live and replayed from lastEventId (from the start and mid-stream), rights that end at logout, and GET
// /media over HTTP. Whatever anyone but the author is sent is searched for the exact secrets: a draft's text, a version
// before publication, an archived tweet's text, media only those carried. (Every read through createCaller, and
// expiry on the store's clock: packages/api/test/visibility.test.ts.)
import { describe, expect, it } from 'vitest';
import { createClient, type TweetChange, type TweetstoreClient } from '@tweetstore/client';
import type { EngagementChange } from '@tweetstore/api';
import { png } from '../../../packages/media/test/fixtures.ts';
import { serverForTests, startSignal } from './harness.ts';

const password = 'visibility-password-1';

interface Received<T> {
  items: { id: string; data: T }[];
  stop(): void;
}

/** A subscription's items as they arrive, once the server has started it. */
async function collect<T>(subscribe: (handlers: { onStarted(): void; onData(item: { id: string; data: T }): void }) => { unsubscribe(): void }): Promise<Received<T>> {
  const items: { id: string; data: T }[] = [];
  const { started, onStarted } = startSignal();
  const sub = subscribe({ onStarted, onData: (item) => items.push(item) });
  await started;
  return { items, stop: () => sub.unsubscribe() };
}

const seq = (id: string) => Number(id.split('@')[0]);
const text = (received: Received<unknown>) => JSON.stringify(received.items);

describe('visibility over a real WebSocket and HTTP', () => {
  const server = serverForTests();
  const client = (token?: string) => {
    const c = createClient({ url: server.url, token });
    server.clients.push(c);
    return c;
  };
  const signUp = async (username: string) => {
    const { user, token } = await client().auth.register.mutate({ username, password });
    return { user, token, api: client(token) };
  };

  it('sends anyone but the author no draft, no version before publication and no archived tweet: live, replayed, and their engagement', async () => {
    const [ada, bob] = [await signUp('ada'), await signUp('bob')];
    const anonymous = client();
    const viewers = { anonymous, bob: bob.api, ada: ada.api };
    const changesOf = (api: TweetstoreClient, lastEventId?: string) =>
      collect<TweetChange>((handlers) => api.tweet.onChange.subscribe({ authorId: ada.user.id, lastEventId }, handlers));
    const watched: string[] = [];
    const engagementOf = (api: TweetstoreClient, lastEventId?: string) =>
      collect<EngagementChange>((handlers) => api.tweet.onEngagement.subscribe({ ids: watched, lastEventId }, handlers));

    const liveChanges = Object.fromEntries(await Promise.all(Object.entries(viewers).map(async ([name, api]) => [name, await changesOf(api)] as const)));
    const gone = await ada.api.tweet.create.mutate({ content: 'ARCHIVED SECRET' });
    const open = await ada.api.tweet.create.mutate({ content: 'always public' });
    // delivered while public, to the others in one view made for all of them (a replay must not be sent it later)
    await expect.poll(() => text(liveChanges.anonymous!)).toContain('always public');
    watched.push(gone.id, open.id);
    const live = {
      changes: liveChanges,
      engagement: Object.fromEntries(await Promise.all(Object.entries(viewers).map(async ([name, api]) => [name, await engagementOf(api)] as const))),
    };

    // while `gone` is public everyone sees it, its likes and replies; then it is archived
    await bob.api.tweet.engage.mutate({ id: gone.id, action: 'like' });
    const reply = await bob.api.tweet.create.mutate({ content: 'a reply', replyToId: gone.id });
    await ada.api.tweet.archive.mutate({ id: gone.id });
    // a reply's archive and restore change the archived parent's engagement
    await bob.api.tweet.archive.mutate({ id: reply.id });
    await bob.api.tweet.restore.mutate({ id: reply.id });

    const draft = await ada.api.tweet.create.mutate({ content: 'DRAFT SECRET one', draft: true });
    await ada.api.tweet.edit.mutate({ id: draft.id, content: 'DRAFT SECRET two' });
    const later = await ada.api.tweet.create.mutate({ content: 'PREPUB SECRET one', draft: true });
    await ada.api.tweet.edit.mutate({ id: later.id, content: 'public two' });
    await ada.api.tweet.publish.mutate({ id: later.id });
    await ada.api.tweet.edit.mutate({ id: later.id, content: 'public three' });
    const end = await ada.api.tweet.create.mutate({ content: 'the end' });
    await bob.api.tweet.engage.mutate({ id: open.id, action: 'like' });
    const ended = (r: Received<TweetChange>) => r.items.some((i) => i.data.type === 'created' && i.data.id === end.id);
    const engagedOpen = (r: Received<EngagementChange>) => r.items.some((i) => i.data.type === 'engagement' && i.data.id === open.id);
    for (const name of Object.keys(viewers)) {
      await expect.poll(() => ended(live.changes[name]!), { message: name }).toBe(true);
      await expect.poll(() => engagedOpen(live.engagement[name]!), { message: name }).toBe(true);
    }
    const archivedAt = seq(live.changes.ada!.items.find((i) => i.data.type === 'archived')!.id);
    const storeId = live.changes.ada!.items[0]!.id.split('@')[1]!;

    // the same, replayed after it all happened: from the start, and from mid-stream (just before the archive)
    const replays = async (lastEventId: string) => {
      const changes = Object.fromEntries(await Promise.all(Object.entries(viewers).map(async ([name, api]) => [name, await changesOf(api, lastEventId)] as const)));
      const engagement = Object.fromEntries(await Promise.all(Object.entries(viewers).map(async ([name, api]) => [name, await engagementOf(api, lastEventId)] as const)));
      for (const name of Object.keys(viewers)) {
        await expect.poll(() => ended(changes[name]!), { message: `${name} from ${lastEventId}` }).toBe(true);
        await expect.poll(() => engagedOpen(engagement[name]!), { message: `${name} from ${lastEventId}` }).toBe(true);
      }
      return { changes, engagement };
    };
    const fromStart = await replays(`0@${storeId}`);
    const fromArchive = await replays(`${archivedAt - 1}@${storeId}`);

    const secretsLive = ['DRAFT SECRET', 'PREPUB SECRET'];
    const secretsReplayed = [...secretsLive, 'ARCHIVED SECRET'];
    for (const name of ['anonymous', 'bob']) {
      for (const [what, received, secrets] of [
        ['live changes', live.changes[name]!, secretsLive],
        ['changes from the start', fromStart.changes[name]!, secretsReplayed],
        ['changes from the archive', fromArchive.changes[name]!, secretsReplayed],
      ] as const) {
        for (const secret of secrets) expect(text(received), `${name}, ${what}`).not.toContain(secret);
        expect(text(received), `${name}, ${what}`).toContain('public three');
        // they learn that it left, by its id alone
        expect(received.items.filter((i) => i.data.type === 'archived').map((i) => i.data), `${name}, ${what}`).toEqual([{ type: 'archived', id: gone.id, tweet: null }]);
      }
      // its engagement while archived, live or replayed: none
      for (const [what, received] of [
        ['live engagement', live.engagement[name]!],
        ['engagement from the start', fromStart.engagement[name]!],
        ['engagement from the archive', fromArchive.engagement[name]!],
      ] as const) {
        const whileArchived = received.items.filter((i) => i.data.type === 'engagement' && i.data.id === gone.id && seq(i.id) > archivedAt);
        expect(whileArchived, `${name}, ${what}`).toEqual([]);
      }
      // from the start: no engagement of `gone` at all, as it is archived now; and never a word of the draft
      expect(fromStart.engagement[name]!.items.filter((i) => i.data.type === 'engagement' && i.data.id === gone.id)).toEqual([]);
      for (const received of [live.changes[name]!, fromStart.changes[name]!, fromArchive.changes[name]!]) {
        expect(received.items.filter((i) => i.data.type !== 'reset' && i.data.id === draft.id)).toEqual([]);
      }
    }
    // live, everyone saw `gone` while it was public
    expect(text(live.changes.anonymous!)).toContain('ARCHIVED SECRET');
    // the author, live and replayed, sees it all: her drafts, the archived tweet and its engagement
    for (const received of [live.changes.ada!, fromStart.changes.ada!]) {
      for (const secret of ['DRAFT SECRET two', 'ARCHIVED SECRET']) expect(text(received)).toContain(secret);
    }
    expect(fromStart.changes.ada!.items.find((i) => i.data.type === 'archived')!.data).toMatchObject({ id: gone.id, tweet: { state: 'archived' } });
    for (const received of [live.engagement.ada!, fromStart.engagement.ada!, fromArchive.engagement.ada!]) {
      expect(received.items.filter((i) => i.data.type === 'engagement' && i.data.id === gone.id && seq(i.id) > archivedAt)).toHaveLength(2);
    }
    for (const r of [live, fromStart, fromArchive]) for (const received of [...Object.values(r.changes), ...Object.values(r.engagement)]) received.stop();
  });

  it('ends a subscription’s rights when its session is logged out', async () => {
    const carol = await signUp('carol');
    const changes = await collect<TweetChange>((handlers) => carol.api.tweet.onChange.subscribe({ authorId: carol.user.id }, handlers));
    await carol.api.tweet.create.mutate({ content: 'a draft while signed in', draft: true });
    await expect.poll(() => text(changes)).toContain('a draft while signed in');
    await carol.api.auth.logout.mutate();
    const again = client((await client().auth.login.mutate({ username: 'carol', password })).token);
    await again.tweet.create.mutate({ content: 'DRAFT SECRET after logout', draft: true });
    const after = await again.tweet.create.mutate({ content: 'public after logout' });
    await expect.poll(() => changes.items.some((i) => i.data.type === 'created' && i.data.id === after.id)).toBe(true);
    expect(text(changes)).not.toContain('DRAFT SECRET');
    changes.stop();
  });

  it('serves media files to anyone once a version anyone may see carries them, else to their uploaders alone', async () => {
    const dan = await signUp('dan');
    const eve = await signUp('eve');
    const upload = async (width: number) => {
      const form = new FormData();
      form.set('file', new Blob([await png(width, 10)], { type: 'image/png' }), 'p.png');
      return (await dan.api.media.upload.mutate(form)).id;
    };
    const [inDraft, beforePublication, inPublic, inArchived] = [await upload(11), await upload(12), await upload(13), await upload(14)];
    await dan.api.tweet.create.mutate({ content: 'a draft', draft: true, mediaIds: [inDraft] });
    const t = await dan.api.tweet.create.mutate({ content: 'draft first', draft: true, mediaIds: [beforePublication] });
    await dan.api.tweet.edit.mutate({ id: t.id, content: 'then published', mediaIds: [inPublic] });
    await dan.api.tweet.publish.mutate({ id: t.id });
    const gone = await dan.api.tweet.create.mutate({ content: 'archived', mediaIds: [inArchived] });
    await dan.api.tweet.archive.mutate({ id: gone.id });

    const as: Record<string, Record<string, string>> = {
      anonymous: {},
      eve: { authorization: `Bearer ${eve.token}` },
      dan: { authorization: `Bearer ${dan.token}` },
      'dan, by cookie': { cookie: `tweetstore_session=${dan.token}` },
    };
    const unknown = await fetch(`${server.url}/media/${'0'.repeat(64)}/thumb`);
    const notFound = { status: 404, cacheControl: unknown.headers.get('cache-control'), body: await unknown.text() };
    const answers: Record<string, unknown[]> = {};
    for (const [viewer, headers] of Object.entries(as)) {
      answers[viewer] = [];
      for (const id of [inDraft, beforePublication, inPublic, inArchived]) {
        const res = await fetch(`${server.url}/media/${id}/thumb`, { headers });
        const body = await res.text();
        answers[viewer]!.push(res.status === 404 ? { status: 404, cacheControl: res.headers.get('cache-control'), body } : `${res.status} ${res.headers.get('cache-control')}`);
      }
    }
    const uploaderOnly = '200 private, no-cache';
    const everyone = '200 public, max-age=300';
    expect(answers).toEqual({
      anonymous: [notFound, notFound, everyone, notFound],
      eve: [notFound, notFound, everyone, notFound],
      dan: [uploaderOnly, uploaderOnly, everyone, uploaderOnly],
      'dan, by cookie': [uploaderOnly, uploaderOnly, everyone, uploaderOnly],
    });
    // a public file stops being public when the last tweet showing it is archived
    await dan.api.tweet.archive.mutate({ id: t.id });
    expect((await fetch(`${server.url}/media/${inPublic}`)).status).toBe(404);
  });
});
