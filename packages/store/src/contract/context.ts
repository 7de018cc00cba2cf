// The harness an engine hands to the contract, and the per-test context the contract's blocks share.
import { afterEach, beforeEach } from 'vitest';
import { parseContent, sha256Hex, type EditPolicy, type manualClock, type Tweet, type User } from '@tweetstore/core';
import type { CreateTweet, RecordMedia, TweetStore } from '../port.ts';

export type ManualClock = ReturnType<typeof manualClock>;

export interface StoreHarnessOptions {
  /** The store must enforce exactly this edit policy. */
  policy: EditPolicy;
}

export interface StoreHarness {
  store: TweetStore;
  /** The store's clock; the contract moves it. */
  clock: ManualClock;
  /** Closes the store and opens the same data again (same clock and policy). */
  reopen(): Promise<TweetStore>;
  /** Closes the store and removes its data. */
  cleanup(): Promise<void>;
}

export type StoreHarnessFactory = (options: StoreHarnessOptions) => Promise<StoreHarness>;

/** The harness of an engine whose `open()` opens the same data each time: reopen closes and opens again, cleanup
 * closes and then runs `remove`. */
export async function reopeningHarness(clock: ManualClock, open: () => Promise<TweetStore>, remove: () => Promise<void>): Promise<StoreHarness> {
  const harness: StoreHarness = {
    store: await open(),
    clock,
    async reopen() {
      await harness.store.close();
      harness.store = await open();
      return harness.store;
    },
    async cleanup() {
      await harness.store.close();
      await remove();
    },
  };
  return harness;
}

/** Not the default policy, so an engine that ignores options.policy fails. */
export const CONTRACT_EDIT_POLICY: EditPolicy = Object.freeze({ windowMs: 30 * 60_000, maxEdits: 3 });

export interface ContractContext {
  readonly store: TweetStore;
  readonly clock: ManualClock;
  readonly policy: EditPolicy;
  reopen(): Promise<TweetStore>;
  /** A new user with a unique username. */
  user(displayName?: string): Promise<User>;
  post(authorId: string, content: string, extra?: Omit<CreateTweet, 'authorId' | 'text'>): Promise<Tweet>;
  /** core's parseContent, as the API hands text to the store */
  text: typeof parseContent;
  /** Records an upload of `name`'s bytes by the user (as the API does once its files are stored); returns its id. */
  upload(userId: string, name: string, alt?: string | null): Promise<string>;
}

/** The facts the API's processing would give a 640×480 JPEG: an original and a thumbnail. */
export function uploadOf(userId: string, name: string, alt: string | null = null): RecordMedia {
  return {
    id: sha256Hex(name),
    userId,
    alt,
    kind: 'image',
    mime: 'image/jpeg',
    bytes: 40_000 + name.length,
    width: 640,
    height: 480,
    files: [
      { name: 'original', mime: 'image/jpeg', bytes: 38_000, width: 640, height: 480 },
      { name: 'thumb', mime: 'image/webp', bytes: 3_000, width: 160, height: 120 },
    ],
    placeholder: 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG',
  };
}

export function useContractContext(factory: StoreHarnessFactory): ContractContext {
  let harness: StoreHarness | undefined;
  let store: TweetStore | undefined;
  let users = 0;
  const ready = () => {
    if (!harness || !store) throw new Error('the contract context is used outside a test');
    return { harness, store };
  };
  beforeEach(async () => {
    harness = await factory({ policy: CONTRACT_EDIT_POLICY });
    store = harness.store;
    users = 0;
  });
  afterEach(async () => {
    await harness?.cleanup();
    harness = store = undefined;
  });
  return {
    get store() {
      return ready().store;
    },
    get clock() {
      return ready().harness.clock;
    },
    policy: CONTRACT_EDIT_POLICY,
    async reopen() {
      store = await ready().harness.reopen();
      return store;
    },
    user(displayName) {
      users++;
      return ready().store.registerUser({ username: `user_${users}`, displayName: displayName ?? `User ${users}`, passwordHash: `hash-${users}` });
    },
    post(authorId, content, extra) {
      return ready().store.createTweet({ authorId, text: parseContent(content), ...extra });
    },
    text: parseContent,
    async upload(userId, name, alt = null) {
      return (await ready().store.recordMedia(uploadOf(userId, name, alt))).id;
    },
  };
}

/** A well-formed id that no store here ever issued (its time is 1970). */
export const UNKNOWN_ID = '00000000000000000000000000';
