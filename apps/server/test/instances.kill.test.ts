// One of three instances on one PostgreSQL, Redis and S3 is killed with SIGKILL while all three take writes, round
// after round, and started again: every write any instance acknowledged is there afterwards, on every instance, and
// nothing is half-applied (each tweet's versions without gaps, like counts equal to the likes given). The instance
// killed and the moment come from a seeded PRNG: rerun with KILL_SEED=<printed seed>.
import { describe, expect, it } from 'vitest';
import { closeClient, type TweetstoreClient } from '@tweetstore/client';
import { clusterForTests } from './instances/cluster.ts';
import { createRandom } from '@tweetstore/store';

const N = 3;
const ROUNDS = 5;
const seed = Number(process.env.KILL_SEED ?? Date.now() % 1_000_000);
const cluster = clusterForTests(N, { TWEETSTORE_EDIT_WINDOW_MINUTES: '0', TWEETSTORE_MAX_EDITS: '0' });


describe('an instance killed under write load', () => {
  it(`loses nothing any instance acknowledged, over ${ROUNDS} SIGKILLs (KILL_SEED=${seed})`, { timeout: 240_000 }, async () => {
    console.log(`instances kill test: KILL_SEED=${seed}`);
    const { next: random } = createRandom(seed);
    const users = await Promise.all(Array.from({ length: N }, (_, i) => cluster.register(i, `survivor${i}`)));
    /** Acknowledged: tweet id -> its author and highest acknowledged version; likes as "tweetId userIndex". */
    const tweets = new Map<string, { author: number; version: number }>();
    const likes = new Set<string>();
    let acks = 0;

    for (let round = 1; round <= ROUNDS; round++) {
      const victim = Math.floor(random() * N);
      let writing = true;
      // every user writes on every instance, over HTTP to one and WebSocket to the next; a WebSocket of the killed
      // instance reconnects to it once it is back on its port
      const clients: TweetstoreClient[] = [];
      const load = users.flatMap((user, u) =>
        Array.from({ length: N }, async (_, i) => {
          const api = cluster.client(i, { token: user.token, transport: (u + i) % 2 ? 'ws' : 'http' });
          clients.push(api);
          for (let n = 0; writing; n++) {
            const r = random();
            try {
              const own = [...tweets].filter(([, t]) => t.author === u).map(([id]) => id);
              if (r < 0.5 || own.length === 0) {
                const t = await api.tweet.create.mutate({ content: `round ${round} user ${u} via ${i} #${n}` });
                tweets.set(t.id, { author: u, version: t.version });
              } else if (r < 0.75) {
                const id = own[Math.floor(random() * own.length)]!;
                const t = await api.tweet.edit.mutate({ id, content: `edited in round ${round} by ${u} via ${i} #${n}` });
                tweets.get(id)!.version = Math.max(tweets.get(id)!.version, t.version);
              } else {
                const all = [...tweets.keys()];
                const id = all[Math.floor(random() * all.length)]!;
                await api.tweet.engage.mutate({ id, action: 'like' });
                likes.add(`${id} ${u}`);
              }
              acks++;
            } catch {
              await new Promise((resolve) => setTimeout(resolve, 20)); // its instance is down, or restarting
            }
          }
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(random() * 700)));
      await cluster.restart(victim, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 300));
      writing = false;
      // a call still waiting (sent to the killed instance) fails when its client closes: it was never acknowledged
      await Promise.all(clients.map(closeClient));
      await Promise.all(load);

      // everything acknowledged so far, read on every instance (each user's tweets, page after page)
      for (let i = 0; i < N; i++) {
        const api = cluster.client(i);
        const seen = new Map<string, { version: number; likes: number }>();
        for (const user of users) {
          let cursor: string | null = null;
          do {
            const page: Awaited<ReturnType<typeof api.tweet.list.query>> = await api.tweet.list.query({ authorId: user.id, limit: 100, cursor });
            for (const t of page.items) seen.set(t.id, { version: t.version, likes: t.engagement.likes });
            cursor = page.nextCursor;
          } while (cursor);
        }
        for (const [id, acked] of tweets) {
          const t = seen.get(id);
          expect(t, `tweet ${id} on instance ${i} after round ${round}`).toBeDefined();
          expect(t!.version, `tweet ${id}'s version on instance ${i} after round ${round}`).toBeGreaterThanOrEqual(acked.version);
          const likedBy = [...likes].filter((edge) => edge.startsWith(`${id} `)).length;
          expect(t!.likes).toBeGreaterThanOrEqual(likedBy);
          expect(t!.likes).toBeLessThanOrEqual(N);
        }
      }
      // nothing half-applied: the histories of the tweets edited this round, without gaps
      const edited = [...tweets].filter(([, t]) => t.version > 1).slice(-30);
      for (const [id] of edited) {
        const { items } = await cluster.client(round % N).tweet.versions.query({ id });
        expect(items.map((v) => v.version)).toEqual(items.map((_, k) => k + 1));
      }
    }
    console.log(`instances kill test: ${acks} acknowledged writes, ${tweets.size} tweets, ${likes.size} likes over ${ROUNDS} kills`);
    expect(tweets.size).toBeGreaterThan(ROUNDS * 10);
  });
});
