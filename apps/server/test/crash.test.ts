// Crash safety: a write load (creates, edits, likes over HTTP batch and WebSocket) against the real server, killed
// with SIGKILL at random moments and restarted on the same data folder, round after round. After each restart every
// acknowledged write must be there, and nothing may be half-applied (version histories without gaps, like counters
// equal to the like edges). The kill times come from a seeded PRNG: rerun with CRASH_SEED=<printed seed>.
import { afterAll, describe, expect, it } from 'vitest';
import { closeClient, createClient, type TweetstoreClient } from '@tweetstore/client';
import { startServerProcess, tempDataDir, type ServerProcess } from './harness.ts';
import { createRandom } from '@tweetstore/store';

const ROUNDS = 20;
const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);


const env = { TWEETSTORE_EDIT_WINDOW_MINUTES: '0', TWEETSTORE_MAX_EDITS: '0', TWEETSTORE_CHECKPOINT_EVERY: '300' };
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

interface Writer {
  userIndex: number;
  token: string;
}

describe('crash safety', () => {
  it(`keeps every acknowledged write and applies nothing by halves across ${ROUNDS} SIGKILLs (CRASH_SEED=${seed})`, { timeout: 150_000 }, async () => {
    console.log(`crash test: CRASH_SEED=${seed}`);
    const { next: random } = createRandom(seed);
    const data = await tempDataDir();
    cleanups.push(data.remove);
    let server: ServerProcess = await startServerProcess(data.dir, env);
    const writers: Writer[] = [];
    {
      const api = createClient({ url: server.url });
      for (let i = 0; i < 3; i++) writers.push({ userIndex: i, token: (await api.auth.register.mutate({ username: `crash${i}`, password: 'crash-password-1' })).token });
      await closeClient(api);
    }
    /** Acknowledged: tweet id -> author and the highest acknowledged version; like edges as "tweetId user". */
    const tweets = new Map<string, { author: number; version: number }>();
    const likes = new Set<string>();
    let acks = 0;

    for (let round = 1; round <= ROUNDS; round++) {
      let alive = true;
      const clients = writers.map((w, i) => createClient({ url: server.url, token: w.token, transport: i % 2 === 0 ? 'http' : 'ws' }));
      const ids = () => [...tweets.keys()];
      const load = writers.flatMap((w, i) =>
        Array.from({ length: 3 }, async (_, lane) => {
          const api = clients[i]!;
          for (let n = 0; alive; n++) {
            const r = random();
            try {
              const own = ids().filter((id) => tweets.get(id)!.author === w.userIndex);
              if (r < 0.45 || own.length === 0) {
                const t = await api.tweet.create.mutate({ content: `round ${round} writer ${i}.${lane} #${n}` });
                if (alive) tweets.set(t.id, { author: w.userIndex, version: t.version }), acks++;
              } else if (r < 0.75) {
                const id = own[Math.floor(random() * own.length)]!;
                const t = await api.tweet.edit.mutate({ id, content: `edited in round ${round} by ${i}.${lane} #${n}` });
                if (alive) tweets.get(id)!.version = Math.max(tweets.get(id)!.version, t.version), acks++;
              } else {
                const all = ids();
                const id = all[Math.floor(random() * all.length)]!;
                await api.tweet.engage.mutate({ id, action: 'like' });
                if (alive) likes.add(`${id} ${w.userIndex}`), acks++;
              }
            } catch {
              if (alive) await new Promise((r) => setTimeout(r, 5)); // e.g. the socket is still connecting
            }
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 100 + Math.floor(random() * 500)));
      alive = false;
      server.process.kill('SIGKILL');
      expect(await server.exited).toBe('SIGKILL');
      // Calls still waiting on the dead server (a WebSocket call waits for a reconnect) are abandoned: unacknowledged.
      await Promise.all(clients.map(closeClient));
      await Promise.race([Promise.allSettled(load), new Promise((r) => setTimeout(r, 2000))]);

      const t0 = Date.now();
      server = await startServerProcess(data.dir, env);
      const started = Date.now() - t0;
      await verify(server, writers, tweets, likes, round);
      console.log(`crash round ${round}: ${tweets.size} tweets, ${likes.size} likes acknowledged so far; restarted in ${started} ms, verified in ${Date.now() - t0 - started} ms`);
    }
    cleanups.push(() => server.kill('SIGKILL'));
    console.log(`crash test: ${ROUNDS} rounds, ${acks} acknowledged writes, ${tweets.size} tweets, ${likes.size} likes`);
    expect(acks).toBeGreaterThan(ROUNDS * 10);
  });
});

async function verify(server: ServerProcess, writers: Writer[], tweets: Map<string, { author: number; version: number }>, likes: Set<string>, round: number) {
  const apis: TweetstoreClient[] = writers.map((w) => createClient({ url: server.url, token: w.token }));
  try {
    const listed = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await apis[0]!.tweet.list.query({ limit: 100, cursor });
      page.items.forEach((t) => listed.add(t.id));
      cursor = page.nextCursor;
    } while (cursor);
    const missing = [...tweets.keys()].filter((id) => !listed.has(id));
    expect(missing, `round ${round}: acknowledged tweets missing from list`).toEqual([]);
    // In slices: one batch of hundreds of GETs would make a URL longer than the server's header limit (HTTP 431).
    const all = [...tweets];
    for (let at = 0; at < all.length; at += 50) await Promise.all(
      all.slice(at, at + 50).map(async ([id, acked]) => {
        const views = await Promise.all(apis.map((api) => api.tweet.get.query({ id })));
        const t = views[0]!;
        expect(t.version, `round ${round}: ${id} lost an acknowledged edit`).toBeGreaterThanOrEqual(acked.version);
        const { items } = await apis[0]!.tweet.versions.query({ id });
        expect(items.map((v) => v.version), `round ${round}: ${id} history has a gap`).toEqual(items.map((_, i) => i + 1));
        expect(items.at(-1)!.content).toBe(t.content);
        expect(items.length).toBe(t.version);
        const edges = views.filter((v) => v.engagement.likedByCurrentUser).length;
        expect(t.engagement.likes, `round ${round}: ${id} like counter vs edges`).toBe(edges);
        writers.forEach((w, u) => {
          if (likes.has(`${id} ${w.userIndex}`)) expect(views[u]!.engagement.likedByCurrentUser, `round ${round}: acknowledged like lost`).toBe(true);
        });
      }),
    );
  } finally {
    await Promise.all(apis.map(closeClient));
  }
}
