// The real server process, driven by the typed client over real HTTP and WebSocket.
import { describe, expect, it } from 'vitest';
import { closeClient, createClient, isTRPCClientError, type TweetstoreClient } from '@tweetstore/client';
import { serverForTests, startSignal } from './harness.ts';

const password = 'e2e-password-123';

async function signUp(url: string, username: string, options: { transport?: 'http' | 'ws' } = {}) {
  const anon = createClient({ url });
  const { user, token } = await anon.auth.register.mutate({ username, password });
  await closeClient(anon);
  return { user, token, api: createClient({ url, token, ...options }) };
}

function codeOf(error: unknown): string | undefined {
  return isTRPCClientError(error) ? (error.data as { code?: string } | undefined)?.code : undefined;
}

describe('a live server over HTTP and WebSocket', () => {
  const server = serverForTests();
  const { clients } = server;

  it('answers the plain endpoints', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('tweetstore_calls_total');
    expect(metrics).toContain('process_resident_memory_bytes');
    // the store's head and counts, and each engine detail by its name (journalBytes: tweetstore_store_journal_bytes)
    expect(metrics).toMatch(/^tweetstore_store_head_seq \d+$/m);
    expect(metrics).toMatch(/^tweetstore_store_journal_bytes \d+$/m);
    // which instance answered (TWEETSTORE_INSTANCE_ID, default host name:pid), and how many instances run: alone, one
    expect(metrics).toMatch(/^tweetstore_instance_info\{instance="[^"]+:\d+"\} 1$/m);
    expect(metrics).toMatch(/^tweetstore_instances [01]$/m);
    // The web client: the app for any page address, precompressed and immutable assets, 404 for missing files.
    const page = await fetch(`${server.url}/t/some-thread`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(`${server.url}/`)).text())![1]!;
    const asset = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
  });

  it('runs the whole tweet lifecycle through the typed client', async () => {
    const alice = await signUp(server.url, 'alice');
    const bob = await signUp(server.url, 'bob', { transport: 'ws' });
    clients.push(alice.api, bob.api);
    expect(await alice.api.auth.me.query()).toMatchObject({ username: 'alice' });

    const tweet = await alice.api.tweet.create.mutate({ content: 'Hello from e2e 👋 #first' });
    expect(tweet.createdAt).toBeInstanceOf(Date);
    expect(tweet.hashtags).toEqual(['first']);
    const edited = await alice.api.tweet.edit.mutate({ id: tweet.id, content: 'Hello from e2e 👋 #first, edited', expectedVersion: 1 });
    expect(edited.version).toBe(2);
    expect((await bob.api.tweet.versions.query({ id: tweet.id })).items.map((v) => v.content)).toEqual([tweet.content, edited.content]);
    expect((await bob.api.tweet.diff.query({ id: tweet.id, from: 1, to: 2 })).ops).toContainEqual([1, ', edited']);
    const reverted = await alice.api.tweet.revert.mutate({ id: tweet.id, toVersion: 1 });
    expect(reverted).toMatchObject({ version: 3, content: tweet.content });

    expect(await bob.api.tweet.engage.mutate({ id: tweet.id, action: 'like' })).toMatchObject({ likes: 1, likedByCurrentUser: true });
    expect(await bob.api.tweet.engage.mutate({ id: tweet.id, action: 'retweet' })).toMatchObject({ retweets: 1 });
    await bob.api.tweet.create.mutate({ content: 'a reply', replyToId: tweet.id });
    const seen = await bob.api.tweet.get.query({ id: tweet.id });
    expect(seen.engagement).toMatchObject({ likes: 1, retweets: 1, replies: 1, likedByCurrentUser: true });

    const draft = await alice.api.tweet.create.mutate({ content: 'draft', draft: true });
    expect(codeOf(await bob.api.tweet.get.query({ id: draft.id }).catch((e: unknown) => e))).toBe('NOT_FOUND');
    await alice.api.tweet.publish.mutate({ id: draft.id });
    await alice.api.tweet.archive.mutate({ id: draft.id });
    await alice.api.tweet.restore.mutate({ id: draft.id });
    const page = await bob.api.tweet.list.query({ authorId: alice.user.id, limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toEqual(expect.any(String));
    const stats = await bob.api.system.stats.query();
    expect(stats.store.tweets).toBeGreaterThanOrEqual(3);
    expect((await alice.api.system.health.query()).ok).toBe(true);
  });

  it('ends 200 concurrent likes from 200 users at exactly 200', async () => {
    const author = await signUp(server.url, 'popular');
    clients.push(author.api);
    const tweet = await author.api.tweet.create.mutate({ content: 'like this' });
    const fans = [];
    for (let batch = 0; batch < 200; batch += 50) {
      fans.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => signUp(server.url, `fan${batch + i}`)))));
    }
    clients.push(...fans.map((f) => f.api));
    await Promise.all(fans.map((f) => f.api.tweet.engage.mutate({ id: tweet.id, action: 'like' })));
    await Promise.all(fans.slice(0, 20).map((f) => f.api.tweet.engage.mutate({ id: tweet.id, action: 'like' })));
    expect((await author.api.tweet.get.query({ id: tweet.id })).engagement.likes).toBe(200);
  });

  it('answers a burst of 200 queries fired at once (batches split before the URL grows too long)', async () => {
    const reader = await signUp(server.url, 'burst');
    clients.push(reader.api);
    const tweet = await reader.api.tweet.create.mutate({ content: 'read me many times' });
    const results = await Promise.all(Array.from({ length: 200 }, () => reader.api.tweet.get.query({ id: tweet.id })));
    expect(results.every((t) => t.id === tweet.id)).toBe(true);
  });

  it('lets exactly one of two concurrent edits with the same expectedVersion win', async () => {
    const writer = await signUp(server.url, 'racer');
    clients.push(writer.api);
    const tweet = await writer.api.tweet.create.mutate({ content: 'v1' });
    const results = await Promise.allSettled([
      writer.api.tweet.edit.mutate({ id: tweet.id, content: 'left', expectedVersion: 1 }),
      writer.api.tweet.edit.mutate({ id: tweet.id, content: 'right', expectedVersion: 1 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(codeOf(rejected.reason)).toBe('CONFLICT');
    expect((await writer.api.tweet.versions.query({ id: tweet.id })).items).toHaveLength(2);
  });

  it('streams changes and engagement live over WebSocket', async () => {
    const poster = await signUp(server.url, 'poster');
    const watcher = await signUp(server.url, 'watcher');
    clients.push(poster.api, watcher.api);
    const changes: { id: string; type: string; content?: string }[] = [];
    const changeStart = startSignal();
    const sub = watcher.api.tweet.onChange.subscribe(
      { authorId: poster.user.id },
      { onStarted: changeStart.onStarted, onData: ({ id, data }) => changes.push({ id, type: data.type, content: data.type === 'reset' ? undefined : data.tweet?.content }) },
    );
    await changeStart.started;
    const tweet = await poster.api.tweet.create.mutate({ content: 'live one' });
    await poster.api.tweet.edit.mutate({ id: tweet.id, content: 'live one, edited' });
    await expect.poll(() => changes.map((c) => c.type)).toEqual(['created', 'edited']);

    const engagement: number[] = [];
    const engagementStart = startSignal();
    const esub = poster.api.tweet.onEngagement.subscribe(
      { ids: [tweet.id] },
      { onStarted: engagementStart.onStarted, onData: ({ data }) => data.type === 'engagement' && engagement.push(data.engagement.likes) },
    );
    await engagementStart.started;
    await watcher.api.tweet.engage.mutate({ id: tweet.id, action: 'like' });
    await expect.poll(() => engagement.at(-1)).toBe(1);
    sub.unsubscribe();
    esub.unsubscribe();
  });

  it('refuses bad input with typed 4xx errors and never a 500', async () => {
    const user = await signUp(server.url, 'baddie');
    clients.push(user.api);
    const post = (body: string, proc = 'tweet.create') =>
      fetch(`${server.url}/trpc/${proc}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` }, body });
    const huge = await post(JSON.stringify({ json: { content: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
    expect(JSON.stringify(await huge.json())).toContain('PAYLOAD_TOO_LARGE');
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ json: { content: 123 } }))).status).toBe(400);
    expect((await post(JSON.stringify({ json: { content: '\uD800' } }))).status).toBe(400);
    expect((await post(JSON.stringify({ json: {} }), 'tweet.nope')).status).toBe(404);
    const get = await fetch(`${server.url}/trpc/tweet.list?input=${encodeURIComponent(JSON.stringify({ json: { cursor: '!!!' } }))}`);
    expect(get.status).toBe(400);
    const anonymous = await fetch(`${server.url}/trpc/tweet.create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: { content: 'hi' } }) });
    expect(anonymous.status).toBe(401);
    expect((await fetch(`${server.url}/trpc/tweet.create`, { method: 'POST', body: 'content=hi' })).status).toBe(415);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers password guessing with TOO_MANY_REQUESTS and retryAfterMs', async () => {
    const victim = await signUp(server.url, 'victim');
    clients.push(victim.api);
    const anon = createClient({ url: server.url });
    clients.push(anon);
    for (let i = 0; i < 10; i++) {
      expect(codeOf(await anon.auth.login.mutate({ username: 'victim', password: `wrong-${i}-guess` }).catch((e: unknown) => e))).toBe('UNAUTHORIZED');
    }
    const blocked = await anon.auth.login.mutate({ username: 'victim', password }).catch((e: unknown) => e);
    expect(codeOf(blocked)).toBe('TOO_MANY_REQUESTS');
    expect(isTRPCClientError(blocked) && (blocked.data as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(60_000);
    expect(isTRPCClientError(blocked) && (blocked.data as { httpStatus?: number }).httpStatus).toBe(429);
  });

  it('names the offending field of invalid input in error.data.issues', async () => {
    const user = await signUp(server.url, 'fielder');
    clients.push(user.api);
    const error = await user.api.tweet.create.mutate({ content: 'a'.repeat(300) }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('BAD_REQUEST');
    const issues = (isTRPCClientError(error) ? (error.data as { issues?: { path: string[]; message: string }[] }).issues : undefined) ?? [];
    expect(issues[0]).toMatchObject({ path: ['content'], message: expect.stringContaining('300') });
    expect((error as Error).message).toBe('invalid input: content: content is 300 weighted characters; the limit is 280');
    const conflict = await user.api.tweet.create.mutate({ content: 'v1' }).then((t) =>
      user.api.tweet.edit.mutate({ id: t.id, content: 'v2' }).then(() => user.api.tweet.edit.mutate({ id: t.id, content: 'v3', expectedVersion: 1 })),
    ).catch((e: unknown) => e);
    expect(codeOf(conflict)).toBe('CONFLICT');
    expect(isTRPCClientError(conflict) && (conflict.data as { details?: unknown }).details).toEqual({ expectedVersion: 1, actualVersion: 2 });
  });
});
