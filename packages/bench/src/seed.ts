// Fixture loader, run as its own process by the orchestrator while no server holds the data folder: adds
// `BENCH_SEED_TWEETS` tweets (and `BENCH_SEED_EDITS` edits) to the store in `BENCH_SEED_DIR`, then closes it (which
// writes a checkpoint). With `BENCH_SEED_DATABASE_URL` it fills the PostgreSQL engine in that database instead, the
// same way (through the port, thousands of commands in flight, which its writer commits ~64 to a transaction).
// Uses @tweetstore/store's seedStore, then reads a spread sample of tweet ids for the workloads; BENCH_SEEDER=loader
// uses a small loader on the store port instead: seed users registered directly (a fixed password hash; they never
// sign in), and createTweet with many calls in flight so the journal's group commit batches them.
//   <- {type:'progress', done, total}   <- {type:'done', ms, sampleIds, via}   <- {type:'error', message}
import * as storeModule from '@tweetstore/store';
import type { TweetStore } from '@tweetstore/store';
import { openLowdbStore } from '@tweetstore/store-lowdb';
import { openPostgresStore } from '@tweetstore/store-postgres';
import { parseContent, systemClock } from '@tweetstore/core';
import { postText, prng } from './content.ts';

type SeedStore = (
  store: TweetStore,
  options: { tweets: number; edits: number; users: number; seed: number },
  onProgress?: (done: number, total: number, phase: string) => void,
) => Promise<unknown>;

const dataDir = process.env.BENCH_SEED_DIR;
const databaseUrl = process.env.BENCH_SEED_DATABASE_URL;
const total = Number(process.env.BENCH_SEED_TWEETS ?? 0);
const edits = Number(process.env.BENCH_SEED_EDITS ?? 0);
const seed = Number(process.env.BENCH_SEED ?? 1);
const SAMPLE = 20_000;

const send = (m: object) => process.send?.(m);
/** The last message: sent in full before the channel closes (a large one is still in flight when send returns). */
const sendLast = (m: object) => new Promise<void>((resolve) => (process.send ? process.send(m, () => resolve()) : resolve()));

async function fallback(store: TweetStore): Promise<string[]> {
  const rand = prng(seed);
  const users: string[] = [];
  const hash = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA';
  for (let i = 0; i < 500; i++) {
    const user = await store.registerUser({ username: `s${seed.toString(36)}x${i}`.slice(0, 15), displayName: `Seed ${i}`, passwordHash: hash });
    users.push(user.id);
  }
  const sample: string[] = [];
  let done = 0;
  let lastReport = 0;
  const WINDOW = 2_000;
  while (done < total) {
    const batch = Math.min(WINDOW, total - done);
    const created = await Promise.all(
      Array.from({ length: batch }, (_, k) =>
        store.createTweet({ authorId: users[Math.floor(rand() * users.length)]!, text: parseContent(postText(rand, done + k)) }),
      ),
    );
    for (const t of created) {
      // reservoir sample of ids across the whole range, for gets and likes
      const seen = sample.length < SAMPLE ? -1 : Math.floor(rand() * (done + 1));
      if (seen === -1) sample.push(t.id);
      else if (seen < SAMPLE) sample[seen] = t.id;
      done++;
    }
    if (done - lastReport >= 10_000 || done === total) {
      lastReport = done;
      send({ type: 'progress', done, total });
    }
  }
  return sample;
}

/** Every k-th tweet id of the store, newest to oldest, about SAMPLE of them: gets and likes then reach the whole
 * range, not only the newest tweets. Read through the store port while the seeder still holds it, and cached with
 * the fixture. */
async function spreadSample(store: TweetStore): Promise<string[]> {
  const stride = Math.max(1, Math.floor((await store.stats()).tweets / SAMPLE));
  const ids: string[] = [];
  let beforeId: string | undefined;
  for (let i = 0; ; ) {
    const page = await store.listTweets({ viewerId: null, limit: 1000, ...(beforeId ? { beforeId } : {}) });
    for (const t of page.items) if (i++ % stride === 0) ids.push(t.id);
    if (!page.nextBeforeId) return ids;
    beforeId = page.nextBeforeId;
  }
}

try {
  const started = performance.now();
  const policy = { windowMs: 0, maxEdits: 0 };
  const store = databaseUrl
    ? await openPostgresStore({ url: databaseUrl, clock: systemClock, policy })
    : await openLowdbStore({
        dataDir: dataDir!,
        clock: systemClock,
        policy,
        // one checkpoint at close instead of one per 10,000 events while loading
        checkpointEveryEvents: 100_000_000,
        checkpointIntervalMs: 3_600_000,
      });
  // BENCH_SEEDER=loader forces the bench's own loader even when seedStore exists.
  const seedStore = process.env.BENCH_SEEDER === 'loader' ? undefined : (storeModule as unknown as { seedStore?: SeedStore }).seedStore;
  let sampleIds: string[] = [];
  let via = 'bench fixture loader (createTweet on the store port)';
  if (total > 0) {
    if (typeof seedStore === 'function') {
      via = '@tweetstore/store seedStore';
      let last = 0;
      await seedStore(store, { tweets: total, edits, users: 1000, seed }, (done, all, phase) => {
        if (done - last >= 10_000 || done === all) {
          last = done;
          send({ type: 'progress', done, total: all, phase });
        }
      });
      sampleIds = await spreadSample(store);
    } else {
      if (edits > 0) throw new Error(`the bench's own loader seeds no edits (${edits} asked): use @tweetstore/store's seedStore`);
      sampleIds = await fallback(store);
    }
  }
  await store.close();
  await sendLast({ type: 'done', ms: performance.now() - started, sampleIds, via });
} catch (err) {
  await sendLast({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
process.disconnect?.();
