// Component tests run against the real API: the real router and a real lowdb store in a temp folder, called
// in-process through tRPC's localLink (no HTTP, no mocks), inside the app's own providers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appRouter, createCaller, createContext, createLimits, createTelemetry, defaultApiConfig, DirectLanes, memoryLimiterStore, SharedChanges, WakeQueue, type ApiDeps, type Limits } from '@tweetstore/api';
import { systemClock } from '@tweetstore/core';
import { DEFAULT_MEDIA_LIMITS } from '@tweetstore/media';
import { ProcessKeyedLock, type TweetStore } from '@tweetstore/store';
import { openDiskBlobStore, openLowdbStore } from '@tweetstore/store-lowdb';
import { TRPCClientError, unstable_localLink, type TRPCLink } from '@trpc/client';
import type { AppRouter } from '@tweetstore/api';
import { render, waitFor, within, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import superjson from 'superjson';
import { afterEach, beforeEach, expect } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { createQueryClient, Providers, type Clients } from '../src/providers.tsx';
import { trpc } from '../src/trpc.ts';

export interface ApiHarness {
  deps: ApiDeps;
  store: TweetStore;
  /** Register a user; returns their token and a server-side caller acting as them. */
  signUp(username: string): Promise<{ id: string; token: string; api: ReturnType<typeof createCaller> }>;
  /** Render inside the app's providers, signed in with `token` (or anonymous), at `path`. */
  render(ui: ReactElement, options?: { token?: string | null; path?: string }): RenderResult & { navigate: (to: string) => void; address: () => string };
  /** Make the next calls of rendered components fail the way a broken server would (to test rollbacks). */
  failNextCalls(paths: string[]): void;
  /** Resolves once at least `count` subscriptions run on the server: live events reach a page only after that. */
  subscriptionsOpen(count: number): Promise<void>;
  close(): Promise<void>;
}

export interface ApiOptions {
  /** The API's limits (default: API.md's); a test of a limit gives its own, small ones. */
  limits?: Limits;
  /** The address every rendered page calls from (per-address limits count only calls that have one). */
  clientAddress?: string;
}

export async function openApi(options: ApiOptions = {}): Promise<ApiHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tweetstore-web-'));
  const store = await openLowdbStore({ dataDir: dir, clock: systemClock, policy: { windowMs: 3_600_000, maxEdits: 5 }, viewsFlushMs: 20 });
  const telemetry = createTelemetry({ store, clock: systemClock });
  const blobs = await openDiskBlobStore({ root: path.join(dir, 'media') });
  const limits = options.limits ?? createLimits(memoryLimiterStore());
  const deps: ApiDeps = { store, blobs, mediaLimits: DEFAULT_MEDIA_LIMITS, mediaLocks: new ProcessKeyedLock(), clock: systemClock, telemetry, limits, config: { ...defaultApiConfig, statsIntervalMs: 100 }, sharedChanges: new SharedChanges(store), wakes: new WakeQueue(), lanes: new DirectLanes() };
  const failing = new Set<string>();
  const cleanups: (() => void)[] = [];

  // The browser's cookie jar: auth.login/register set the session through the API's cookie writer, as the
  // server does with Set-Cookie, and every later call carries it.
  const jarFor = (token: string | null) => {
    const jar = { token, writer: { set: (t: string) => void (jar.token = t), clear: () => void (jar.token = null) } };
    return jar;
  };
  const clientsFor = (jar: ReturnType<typeof jarFor>) => (): Clients => {
    const failInjector: TRPCLink<AppRouter> = () => ({ next, op }) => {
      if (failing.delete(op.path)) {
        return {
          subscribe(observer) {
            const error = new TRPCClientError<AppRouter>('storage cannot make writes durable; try again shortly', {
              result: { error: { code: -32603, message: 'storage cannot make writes durable; try again shortly', data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 } } } as never,
            });
            const timer = setTimeout(() => observer.error?.(error), 10);
            return { unsubscribe: () => clearTimeout(timer) };
          },
        } as ReturnType<typeof next>;
      }
      return next(op);
    };
    return {
      queryClient: createQueryClient(),
      trpcClient: trpc.createClient({
        links: [failInjector, unstable_localLink({ router: appRouter, transformer: superjson, createContext: async () => createContext(deps, { token: jar.token, cookies: jar.writer, clientAddress: options.clientAddress }) })],
      }),
      close: () => {},
    };
  };

  return {
    deps,
    store,
    async signUp(username) {
      const { user, token } = await createCaller(createContext(deps)).auth.register({ username, password: 'component-test-pw' });
      return { id: user.id, token, api: createCaller(createContext(deps, { token })) };
    },
    render(ui, options = {}) {
      const location = memoryLocation({ path: options.path ?? '/', record: true });
      const result = render(
        <Router hook={location.hook}>
          <Providers createClients={clientsFor(jarFor(options.token ?? null))}>{ui}</Providers>
        </Router>,
      );
      cleanups.push(() => result.unmount());
      // `address`: the page's current path and query, as the address bar would show it.
      return Object.assign(result, { navigate: location.navigate, address: () => location.history!.at(-1)! });
    },
    failNextCalls(paths) {
      paths.forEach((p) => failing.add(p));
    },
    async subscriptionsOpen(count) {
      await waitFor(async () => expect((await telemetry.snapshot()).connections.subscriptions).toBeGreaterThanOrEqual(count));
    },
    async close() {
      cleanups.splice(0).forEach((c) => c());
      telemetry.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh API for each test of the file (opened before it, closed after it), read through the returned function. */
export function apiPerTest(options?: ApiOptions): () => ApiHarness {
  let api: ApiHarness | undefined;
  beforeEach(async () => {
    api = await openApi(options);
  });
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  return () => api!;
}

/** The ids of the posts shown in a region, in order. */
export const articleIds = (region: HTMLElement) => within(region).queryAllByRole('article').map((a) => a.dataset.tweetId);

/** jsdom has no scrolling: keep the window's offset in scrollY and tell listeners, as a browser would. */
export function scrollWindowTo(y: number) {
  Object.defineProperty(window, 'scrollY', { value: y, configurable: true, writable: true });
  window.dispatchEvent(new Event('scroll'));
}
