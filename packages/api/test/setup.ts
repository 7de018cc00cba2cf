// A real API over a real lowdb store in a temp folder, called through createCaller.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { manualClock, type EditPolicy } from '@tweetstore/core';
import { DEFAULT_MEDIA_LIMITS } from '@tweetstore/media';
import { ProcessKeyedLock, type TweetStore } from '@tweetstore/store';
import { openDiskBlobStore, openLowdbStore } from '@tweetstore/store-lowdb';
import { createCaller, createContext, createLimits, createTelemetry, defaultApiConfig, defaultLimits, DirectLanes, memoryLimiterStore, SharedChanges, WakeQueue, type ApiDeps, type LimitsConfig } from '../src/index.ts';

export interface TestApi {
  deps: ApiDeps;
  clock: ReturnType<typeof manualClock>;
  store: TweetStore;
  anonymous: ReturnType<typeof createCaller>;
  as(token: string | null, signal?: AbortSignal, clientAddress?: string): ReturnType<typeof createCaller>;
  /** Register a user and return a caller signed in as them. */
  user(username: string): Promise<{ api: ReturnType<typeof createCaller>; id: string; token: string }>;
  close(): Promise<void>;
}

export async function openTestApi(policy: EditPolicy = { windowMs: 3_600_000, maxEdits: 5 }, limits: Partial<LimitsConfig> = {}): Promise<TestApi> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tweetstore-api-'));
  const clock = manualClock(Date.UTC(2026, 10, 21, 12));
  const store = await openLowdbStore({ dataDir: dir, clock, policy, viewsFlushMs: 20 });
  const telemetry = createTelemetry({ store, clock });
  const blobs = await openDiskBlobStore({ root: path.join(dir, 'media') });
  const deps: ApiDeps = { store, blobs, mediaLimits: DEFAULT_MEDIA_LIMITS, mediaLocks: new ProcessKeyedLock(), clock, telemetry, limits: createLimits(memoryLimiterStore(clock.now), { ...defaultLimits, loginFailures: { points: 3, windowMs: 60_000 }, ...limits }), config: { ...defaultApiConfig, statsIntervalMs: 50 }, sharedChanges: new SharedChanges(store), wakes: new WakeQueue(), lanes: new DirectLanes() };
  const as = (token: string | null, signal?: AbortSignal, clientAddress?: string) => createCaller(createContext(deps, { token, clientAddress }), { signal });
  return {
    deps,
    clock,
    store,
    anonymous: as(null),
    as,
    async user(username) {
      const { user, token } = await as(null).auth.register({ username, password: 'correct horse battery' });
      return { api: as(token), id: user.id, token };
    },
    async close() {
      telemetry.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the tRPC error code a promise rejects with (fails the test if it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? `not a tRPC error: ${String(error)}`;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
