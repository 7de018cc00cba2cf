// A data folder with every kind of thing a dump carries, for the export and verify tests: seeded tweets with edits,
// likes, retweets and replies, then by hand reverts, a draft edited then published, an archived tweet, likes and
// retweets taken back, views, one media object uploaded by two users with their own alt texts (attached) and one
// never attached, sessions open, closed and expired, and an idempotency key. Part of it before a checkpoint (so
// versions and details are in the checkpoint's files) and part after (in memory and the journal).
import { manualClock, parseContent, type Tweet, type User } from '@tweetstore/core';
import { seedStore, type TweetStore } from '@tweetstore/store';
import { uploadOf } from '@tweetstore/store/contract';
import type { LowdbStoreOptions } from '@tweetstore/store-lowdb';
import { authoring, openedStores } from './support.ts';

const DAY = 24 * 60 * 60 * 1000;

export interface Fixture {
  store: TweetStore;
  ada: User;
  bob: User;
  /** By what they show. */
  tweets: { withMedia: Tweet; keyed: Tweet; draft: Tweet; archived: Tweet; reply: Tweet; reverted: Tweet };
  media: { shared: string; unattached: string };
  tokens: { open: string; closed: string; expired: string };
}

export function dumpFixtures(stores: ReturnType<typeof openedStores>) {
  const clock = manualClock();
  const { register, post } = authoring('dump');
  /** Small chunks, so the tweets span many details and history files; those are read when asked for. */
  const options = (dataDir: string): LowdbStoreOptions => ({
    dataDir,
    clock,
    policy: { windowMs: 0, maxEdits: 0 },
    checkpointRowsPerFile: 8,
    readDetailsInBackground: false,
  });

  async function build(dataDir: string): Promise<Fixture> {
    let store = await stores.open(options(dataDir));
    await seedStore(store, { tweets: 120, edits: 60, users: 8, likes: 150, retweets: 30, seed: 5, window: 30 });
    const [ada, bob] = [await register(store), await register(store)];
    const shared = (await store.recordMedia(uploadOf(ada.id, 'sunset', 'a red sunset'))).id;
    await store.recordMedia(uploadOf(bob.id, 'sunset', 'dusk'));
    const unattached = (await store.recordMedia(uploadOf(bob.id, 'never attached'))).id;
    const withMedia = await post(store, ada, 'look at this #sky', { mediaIds: [shared] });
    const keyed = await post(store, ada, 'posted once only', { idempotencyKey: 'key-1' });
    await post(store, ada, 'posted once only', { idempotencyKey: 'key-1' });
    const draft = await post(store, ada, 'a draft', { draft: true });
    await store.editTweet({ id: draft.id, actorId: ada.id, text: parseContent('a draft, edited before it is out') });
    const archived = await post(store, bob, 'soon archived');
    await store.transitionTweet({ id: archived.id, actorId: bob.id, to: 'archive' });
    const reply = await post(store, bob, '@dump1 what a sky', { replyToId: withMedia.id });
    const reverted = await post(store, ada, 'first take');
    for (const take of ['second take', 'third take 🌵']) await store.editTweet({ id: reverted.id, actorId: ada.id, text: parseContent(take) });
    await store.revertTweet({ id: reverted.id, actorId: ada.id, toVersion: 1 });
    const tokens = { open: 'token-open', closed: 'token-closed', expired: 'token-expired' };
    await store.openSession(tokens.open, { userId: ada.id, expiresAt: new Date(clock.now() + DAY) });
    await store.openSession(tokens.closed, { userId: bob.id, expiresAt: new Date(clock.now() + DAY) });
    await store.closeSession(tokens.closed);
    await store.openSession(tokens.expired, { userId: bob.id, expiresAt: new Date(clock.now() + 60_000) });
    for (const action of ['like', 'retweet', 'view', 'view'] as const) await store.engage({ id: withMedia.id, userId: bob.id, action });
    for (const action of ['like', 'unlike'] as const) await store.engage({ id: keyed.id, userId: bob.id, action });

    await stores.close(store); // a checkpoint of all the above
    store = await stores.open(options(dataDir));
    clock.advance(120_000); // the short session expires
    await store.editTweet({ id: reverted.id, actorId: ada.id, text: parseContent('fourth take, after the checkpoint') });
    await store.transitionTweet({ id: draft.id, actorId: ada.id, to: 'publish' });
    const takenBack = [[ada, 'retweet'], [ada, 'unretweet'], [bob, 'like'], [bob, 'unlike']] as const;
    for (const [user, action] of takenBack) await store.engage({ id: reply.id, userId: user.id, action });
    return { store, ada, bob, tweets: { withMedia, keyed, draft, archived, reply, reverted }, media: { shared, unattached }, tokens };
  }

  return { clock, options, build };
}

/** Everything an async iterable gives. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
