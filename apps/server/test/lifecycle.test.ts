// Process lifecycle: SIGKILL durability, resuming streams across restarts, graceful SIGTERM, bad configuration.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { closeClient, createClient, type TweetChange, type TweetstoreClient } from '@tweetstore/client';
import { startServerProcess, startSignal, tempDataDir } from './harness.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

async function freshServer(env: Record<string, string> = {}) {
  const data = await tempDataDir();
  cleanups.push(data.remove);
  const server = await startServerProcess(data.dir, env);
  cleanups.push(() => server.kill('SIGKILL'));
  return server;
}

function client(url: string, token?: string): TweetstoreClient {
  const api = createClient({ url, token });
  cleanups.push(() => closeClient(api));
  return api;
}

describe('durability', () => {
  it('keeps every acknowledged write when the server is killed with SIGKILL', async () => {
    const server = await freshServer();
    const { token, user } = await client(server.url).auth.register.mutate({ username: 'durable', password: 'durable-password' });
    const api = client(server.url, token);
    const acked: string[] = [];
    const tweet = await api.tweet.create.mutate({ content: 'edit me' });
    await api.tweet.edit.mutate({ id: tweet.id, content: 'edited once' });
    await api.tweet.engage.mutate({ id: tweet.id, action: 'like' });
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => api.tweet.create.mutate({ content: `acked ${i}` }).then((t) => acked.push(t.id))),
    );
    expect(await server.kill('SIGKILL')).toBe('SIGKILL');

    const again = await startServerProcess(server.dataDir);
    cleanups.push(() => again.kill('SIGKILL'));
    const after = client(again.url, token);
    expect(await after.auth.me.query()).toMatchObject({ id: user.id });
    const listed = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await after.tweet.list.query({ authorId: user.id, limit: 100, cursor });
      page.items.forEach((t) => listed.add(t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(acked.filter((id) => !listed.has(id))).toEqual([]);
    const restored = await after.tweet.get.query({ id: tweet.id });
    expect(restored).toMatchObject({ version: 2, content: 'edited once', engagement: { likes: 1 } });
  });
});

describe('resuming live streams', () => {
  it('gives a client that resumes with lastEventId exactly the events it missed, across a SIGKILL restart', async () => {
    const server = await freshServer();
    const { token } = await client(server.url).auth.register.mutate({ username: 'streamer', password: 'streamer-password' });
    const writer = client(server.url, token);
    const reader = client(server.url);
    const seen: { id: string; data: TweetChange }[] = [];
    const start = startSignal();
    const sub = reader.tweet.onChange.subscribe({}, { onStarted: start.onStarted, onData: (e) => seen.push(e) });
    await start.started;
    for (const content of ['one', 'two']) await writer.tweet.create.mutate({ content });
    await expect.poll(() => seen.length).toBe(2);
    sub.unsubscribe();
    const lastEventId = seen[1]!.id;

    // Missed while away: three creates and an edit, then the server dies hard and comes back.
    const missed = [];
    for (const content of ['three', 'four', 'five']) missed.push(await writer.tweet.create.mutate({ content }));
    await writer.tweet.edit.mutate({ id: missed[0]!.id, content: 'three, edited' });
    await server.kill('SIGKILL');
    const again = await startServerProcess(server.dataDir);
    cleanups.push(() => again.kill('SIGKILL'));

    const resumed: { id: string; data: TweetChange }[] = [];
    const reader2 = client(again.url);
    const sub2 = reader2.tweet.onChange.subscribe({ lastEventId }, { onData: (e) => resumed.push(e) });
    await expect.poll(() => resumed.length).toBe(4);
    const writer2 = client(again.url, token);
    await writer2.tweet.create.mutate({ content: 'six' });
    await expect.poll(() => resumed.length).toBe(5);
    sub2.unsubscribe();
    expect(resumed.map((e) => e.data.type)).toEqual(['created', 'created', 'created', 'edited', 'created']);
    expect(resumed.map((e) => (e.data.type === 'reset' ? '' : e.data.id))).toEqual([
      missed[0]!.id, missed[1]!.id, missed[2]!.id, missed[0]!.id, expect.any(String),
    ]);
    expect(new Set(resumed.map((e) => e.id)).size).toBe(5);
  });

  it('reconnects a live subscription after a graceful restart on the same port, with no duplicates and no gaps', async () => {
    const server = await freshServer();
    const port = new URL(server.url).port;
    const { token } = await client(server.url).auth.register.mutate({ username: 'restarter', password: 'restarter-password' });
    const writer = client(server.url, token);
    const reader = client(server.url);
    const seen: string[] = [];
    const ids: string[] = [];
    const start = startSignal();
    const sub = reader.tweet.onChange.subscribe({}, {
      onStarted: start.onStarted,
      onData: ({ id, data }) => {
        ids.push(id);
        if (data.type !== 'reset' && data.tweet) seen.push(data.tweet.content);
      },
    });
    await start.started;
    await writer.tweet.create.mutate({ content: 'before restart' });
    await expect.poll(() => seen).toEqual(['before restart']);
    expect(await server.kill('SIGTERM')).toBe(0);

    const again = await startServerProcess(server.dataDir, { PORT: port });
    cleanups.push(() => again.kill('SIGKILL'));
    const writer2 = client(again.url, token);
    // Written before or after the reader's socket is back: the wsLink reconnects by itself and resumes with the
    // last tracked id, so either way it arrives exactly once.
    await writer2.tweet.create.mutate({ content: 'after restart' });
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual(['before restart', 'after restart']);
    expect(new Set(ids).size).toBe(ids.length);
    sub.unsubscribe();
  });
});

describe('shutdown and configuration', () => {
  it('drains an in-flight call on SIGTERM and exits 0', async () => {
    const server = await freshServer();
    // 30 registrations spend hundreds of ms in scrypt together: SIGTERM arrives while they are in flight.
    const api = client(server.url);
    const pending = Promise.all(Array.from({ length: 30 }, (_, i) => api.auth.register.mutate({ username: `inflight${i}`, password: 'inflight-password' })));
    await new Promise((r) => setTimeout(r, 30));
    const exit = server.kill('SIGTERM');
    const results = await pending;
    expect(results.map((r) => r.user.username)).toHaveLength(30);
    expect(await exit).toBe(0);
    expect(server.output()).not.toMatch(/"level":(50|60)/);
  });

  it('serves the API without a built web client, and says how to build it', async () => {
    const empty = await tempDataDir();
    cleanups.push(empty.remove);
    const server = await freshServer({ TWEETSTORE_WEB_DIR: `${empty.dir}/missing` });
    const home = await fetch(server.url);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('npm run build -w @tweetstore/web');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const api = client(server.url);
    const { user } = await api.auth.register.mutate({ username: 'noweb', password: 'noweb-password' });
    expect(user.username).toBe('noweb');
  });

  it('refuses a bad configuration value with a message that names it', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    for (const [name, value] of [['PORT', 'eighty'], ['TWEETSTORE_MAX_EDITS', '-1'], ['LOG_LEVEL', 'loud'], ['TWEETSTORE_EDIT_WINDOW_MINUTES', '1.5'], ['TWEETSTORE_HEAP_GROWTH_PERCENT', '2000']] as const) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', main], { env: { ...process.env, [name]: value }, encoding: 'utf8', timeout: 30_000 });
      expect(run.status, `${name}=${value}`).toBe(2);
      expect(run.stderr).toContain(name);
    }
  });
});
