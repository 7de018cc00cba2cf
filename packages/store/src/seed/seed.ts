// seedStore: fills a store through its port with a realistic, reproducible data set (users, tweets with replies,
// small edits, likes and retweets). Fast because many commands are in flight at once: the engine applies each one
// at call time and its journal makes a whole window durable with one write + fdatasync (group commit).
import type { TweetStore } from '../port.ts';
import { editedText, tweetText } from './content.ts';
import { SEED_PASSWORD, seedPasswordHash } from './password.ts';

export { SEED_PASSWORD };
import { createRandom, scatter, type Random } from './random.ts';

export interface SeedOptions {
  tweets: number;
  /** Small edits spread over the tweets. Open the store with a policy-free edit policy ({windowMs: 0, maxEdits: 0}). */
  edits: number;
  users: number;
  /** PRNG seed: the same seed and counts give the same contents (ids and times come from the store). Default 1. */
  seed?: number;
  /** Default: one per tweet. */
  likes?: number;
  /** Default: one per five tweets. */
  retweets?: number;
  /** Share of tweets that reply to an earlier one. Default 0.2. */
  replyShare?: number;
  /** Commands issued per window; two windows are in flight at once. Default 2000. */
  window?: number;
  /** Stops issuing when aborted; what is in flight completes, and the summary says `cancelled`. */
  signal?: AbortSignal;
}

export type SeedPhase = 'users' | 'tweets' | 'edits' | 'likes' | 'retweets';

export interface SeedSummary {
  users: number;
  tweets: number;
  replies: number;
  edits: number;
  likes: number;
  retweets: number;
  cancelled: boolean;
  elapsedMs: number;
  /** Every seeded user's password. */
  password: string;
}

const FIRST_NAMES = ['ada', 'grace', 'linus', 'yuki', 'wei', 'amara', 'jose', 'noor', 'olga', 'kenji', 'lea', 'ravi', 'zoe', 'tariq'];
const DISPLAY_NAMES = ['Ada L.', 'Grace 🌵', '山田 花子', '王伟', 'Amara ✨', 'José Núñez', 'Noor 🇯🇴', 'Олга', '김민준', 'Zoë 👩🏽‍💻'];
/** An edit draws another tweet once its target has this many edits, so histories stay plausible. */
const MAX_EDITS_PER_TWEET = 40;
const REDRAWS = 8;

export async function seedStore(
  store: TweetStore,
  options: SeedOptions,
  onProgress?: (done: number, total: number, phase: SeedPhase) => void,
): Promise<SeedSummary> {
  const started = performance.now();
  const o = resolve(options);
  const rng = createRandom(o.seed);
  const total = o.users + o.tweets + o.edits + o.likes + o.retweets;
  const summary: SeedSummary = { users: 0, tweets: 0, replies: 0, edits: 0, likes: 0, retweets: 0, cancelled: false, elapsedMs: 0, password: SEED_PASSWORD };
  let done = 0;

  /** Issues `count` commands window by window, keeping two windows in flight; stops early when aborted. */
  const phase = async (
    name: SeedPhase,
    count: number,
    issue: (i: number, windowStart: number) => Promise<unknown> | undefined,
    prepare?: (windowStart: number, windowEnd: number) => Promise<void>,
  ) => {
    let previous: Promise<unknown> = Promise.resolve();
    try {
      for (let start = 0; start < count; start += o.window) {
        if (o.signal?.aborted) {
          summary.cancelled = true;
          break;
        }
        const end = Math.min(count, start + o.window);
        await prepare?.(start, end);
        const batch: Promise<unknown>[] = [];
        for (let i = start; i < end; i++) {
          const p = issue(i, start);
          if (p) batch.push(p);
        }
        const current = Promise.all(batch);
        current.catch(() => {}); // awaited below; this only keeps a failure from being reported as unhandled meanwhile
        await previous;
        previous = current;
        done += end - start;
        onProgress?.(Math.min(done, total), total, name);
      }
    } finally {
      await previous.catch(() => {});
    }
    await previous;
  };

  const hash = await seedPasswordHash(Buffer.from(Array.from({ length: 16 }, () => rng.int(256))));
  const userIds: string[] = [];
  const usernames = Array.from({ length: o.users }, (_, i) => `${FIRST_NAMES[i % FIRST_NAMES.length]}_${i}`);
  await phase('users', o.users, (i) =>
    store.registerUser({ username: usernames[i]!, displayName: rng.pick(DISPLAY_NAMES), passwordHash: hash }).then((u) => {
      userIds[i] = u.id;
      summary.users++;
    }),
  );
  if (userIds.length === 0) return finish();

  const tweetIds: string[] = [];
  const authors = new Int32Array(o.tweets);
  await phase('tweets', o.tweets, (i, windowStart) => {
    const author = popular(rng, userIds.length);
    // Replies go to tweets of windows that are already durable (ids are known once a create resolves).
    const parents = windowStart - o.window;
    const replyTo = parents > 0 && rng.chance(o.replyShare) ? tweetIds[popular(rng, parents)]! : null;
    authors[i] = author;
    return store.createTweet({ authorId: userIds[author]!, text: tweetText(rng, usernames), replyToId: replyTo }).then((t) => {
      tweetIds[i] = t.id;
      summary.tweets++;
      if (replyTo) summary.replies++;
    });
  });
  const n = tweetIds.length;
  if (n === 0 || summary.cancelled) return finish();

  const editCounts = new Uint8Array(n);
  const targets: number[] = [];
  const texts = new Map<number, string>();
  // Before each window: choose its targets and read their current text. The projection holds every edit issued so
  // far (the engine applies a command when it is called), so the reads, and thus the edits, are the same every run.
  const chooseTargets = async (start: number, end: number) => {
    targets.length = 0;
    for (let k = start; k < end; k++) targets.push(editTarget(rng, n, editCounts));
    const distinct = [...new Set(targets.filter((t) => t >= 0))];
    const read = await Promise.all(distinct.map((t) => store.getTweet(tweetIds[t]!, userIds[authors[t]!]!)));
    texts.clear();
    distinct.forEach((t, k) => texts.set(t, read[k]!.content));
  };
  await phase(
    'edits',
    o.edits,
    (i, windowStart) => {
      const t = targets[i - windowStart]!;
      if (t < 0) return undefined;
      const text = editedText(rng, texts.get(t)!);
      texts.set(t, text.content);
      return store.editTweet({ id: tweetIds[t]!, actorId: userIds[authors[t]!]!, text }).then(() => void summary.edits++);
    },
    chooseTargets,
  );

  for (const kind of ['likes', 'retweets'] as const) {
    if (summary.cancelled) break;
    const edges = new Set<number>();
    await phase(kind, o[kind], () => {
      for (let attempt = 0; attempt < REDRAWS; attempt++) {
        const t = rng.chance(0.6) ? scatter(rng.zipf(n), n) : rng.int(n);
        const u = popular(rng, userIds.length);
        if (edges.has(t * userIds.length + u)) continue;
        edges.add(t * userIds.length + u);
        return store.engage({ id: tweetIds[t]!, userId: userIds[u]!, action: kind === 'likes' ? 'like' : 'retweet' }).then(() => void summary[kind]++);
      }
      return undefined;
    });
  }
  return finish();

  function finish(): SeedSummary {
    summary.elapsedMs = Math.round(performance.now() - started);
    return summary;
  }
}

function resolve(o: SeedOptions) {
  const count = (name: string, v: number) => {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${v}`);
    return v;
  };
  return {
    tweets: count('tweets', o.tweets),
    edits: count('edits', o.edits),
    users: count('users', o.users),
    likes: count('likes', o.likes ?? o.tweets),
    retweets: count('retweets', o.retweets ?? Math.floor(o.tweets / 5)),
    seed: o.seed ?? 1,
    replyShare: o.replyShare ?? 0.2,
    window: Math.max(1, count('window', o.window ?? 2000)),
    signal: o.signal,
  };
}

/** Half the draws favour a few popular items (scattered over the range), half are uniform. */
function popular(rng: Random, n: number): number {
  return rng.chance(0.5) ? scatter(rng.zipf(n), n) : rng.int(n);
}

/** -1 when no tweet with edits left was drawn. */
function editTarget(rng: Random, n: number, counts: Uint8Array): number {
  for (let attempt = 0; attempt < REDRAWS; attempt++) {
    const t = rng.chance(0.3) ? scatter(rng.zipf(n), n) : rng.int(n);
    if (counts[t]! < MAX_EDITS_PER_TWEET) {
      counts[t]!++;
      return t;
    }
  }
  return -1;
}
