// The harness an engine hands to the contract, and the per-test context the contract's blocks share.
import { afterEach, beforeEach } from 'vitest';
import { parseContent, type EditPolicy, type manualClock, type Tweet, type User } from '@tweetstore/core';
import type { CreateTweet, TweetStore } from '../port.ts';

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
  };
}

/** A well-formed id that no store here ever issued (its time is 1970). */
export const UNKNOWN_ID = '00000000000000000000000000';
