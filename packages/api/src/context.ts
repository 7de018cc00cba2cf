// Inner context (what tests pass to createCaller) and the outer context the server builds per request/connection.
import type { Clock, User } from '@tweetstore/core';
import type { MediaLimits } from '@tweetstore/media';
import type { BlobStore, KeyedLock, TweetStore } from '@tweetstore/store';
import type { Limits } from './limits/limits.ts';
import type { SharedChanges } from './shared-changes.ts';
import type { Telemetry } from './telemetry.ts';
import type { WakeQueue } from './wake-queue.ts';
import type { DirectLanes, WireSocket } from './wire.ts';

export interface ApiConfig {
  /** How long a session token stays valid. */
  sessionTtlMs: number;
  /** Reported by system.health. */
  version: string;
  /** Interval of system.onStats. */
  statsIntervalMs: number;
}

export const defaultApiConfig: ApiConfig = { sessionTtlMs: 30 * 24 * 3_600_000, version: '0.1.0', statsIntervalMs: 1000 };

/** Long-lived parts, built once in the composition root (apps/server) and shared by every call. */
export interface ApiDeps {
  store: TweetStore;
  /** Where uploaded media's files live; their metadata is in `store`. */
  blobs: BlobStore;
  mediaLimits: MediaLimits;
  /** Per media id: writing an upload's files and recording it, or sweeping them, one at a time (the store engine's). */
  mediaLocks: KeyedLock;
  clock: Clock;
  config: ApiConfig;
  telemetry: Telemetry;
  /** API.md's limits, on the backing store the composition root chose. */
  limits: Limits;
  /** tweet.onChange's views shared by every subscriber but the author: `new SharedChanges(store)`. */
  sharedChanges: SharedChanges;
  /** Spreads the wake-ups of the server's subscriptions over event-loop turns: `new WakeQueue()`. */
  wakes: WakeQueue;
  /** The server's WebSocket subscriptions' direct lanes: `new DirectLanes()`, whose `encode` its ws adapter uses. */
  lanes: DirectLanes;
}

/** How a transport lets a procedure set or clear the browser's session cookie (HTTP only; WebSocket has none). */
export interface SessionCookieWriter {
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

export interface Context extends ApiDeps {
  /** The bearer token the caller presented (header, connectionParams or cookie), if any. */
  token: string | null;
  cookies: SessionCookieWriter | null;
  /** The client's network address (for rate limits), when the transport knows it. */
  clientAddress: string | null;
  /** The WebSocket the connection is served on (subscriptions write their events to it: DirectLane); else null. */
  socket: WireSocket | null;
  /** The transport has already charged this call's limits (an upload is admitted before its body is read). */
  admitted: boolean;
}

export interface RequestInfo {
  token?: string | null;
  cookies?: SessionCookieWriter | null;
  clientAddress?: string | null;
  socket?: WireSocket | null;
  admitted?: boolean;
}

export function createContext(deps: ApiDeps, request: RequestInfo = {}): Context {
  return { ...deps, token: request.token ?? null, cookies: request.cookies ?? null, clientAddress: request.clientAddress ?? null, socket: request.socket ?? null, admitted: request.admitted ?? false };
}

export interface AuthedContext extends Context {
  user: User;
  token: string;
}
