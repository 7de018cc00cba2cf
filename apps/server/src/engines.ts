// The engines the settings choose (config.ts): where tweets and events live, where media files live, and where the rate
// limits count. Each is opened here and nowhere else; the rest of the server sees only their ports.
import path from 'node:path';
import { localInstanceBoard, memoryLimiterStore, type InstanceBoard, type LimiterStore } from '@tweetstore/api';
import type { Clock } from '@tweetstore/core';
import { ProcessKeyedLock, type BlobStore, type KeyedLock, type StoreOptions, type TweetStore } from '@tweetstore/store';
import { openDiskBlobStore, openLowdbStore } from '@tweetstore/store-lowdb';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.ts';

export function openStore(config: ServerConfig, clock: Clock, log: Logger): Promise<TweetStore> {
  const options: StoreOptions = { clock, policy: config.editPolicy, logger: log.child({ component: 'store' }) };
  switch (config.store) {
    case 'lowdb':
      return openLowdbStore({ ...options, dataDir: config.dataDir, checkpointEveryEvents: config.checkpointEveryEvents });
  }
}

/** The lock that keeps an upload and a sweep of the same media apart, as wide as the store engine is shared. */
export function mediaLocksOf(config: ServerConfig): KeyedLock {
  switch (config.store) {
    case 'lowdb':
      // one process per data folder: a lock in its memory is everyone's
      return new ProcessKeyedLock();
  }
}

export function openBlobStore(config: ServerConfig): Promise<BlobStore> {
  switch (config.blobStore) {
    case 'disk':
      return openDiskBlobStore({ root: path.join(config.dataDir, 'media') });
  }
}

export function openLimiterStore(config: ServerConfig): LimiterStore {
  switch (config.limiterStore) {
    case 'memory':
      // one process: its own memory holds the counts
      return memoryLimiterStore();
  }
}

/** Where this instance publishes its figures for the dashboard: alone, a board of its own. */
export function openInstanceBoard(config: ServerConfig): InstanceBoard {
  return localInstanceBoard(config.instanceId);
}
