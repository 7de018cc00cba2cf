// The engines the settings choose (config.ts): where tweets and events live, where media files live, and where the rate
// limits count. Each is opened here and nowhere else; the rest of the server sees only their ports. A new engine is
// one case of a switch below.
import path from 'node:path';
import { insuredLimiterStore, memoryLimiterStore, type LimiterStore } from '@tweetstore/api';
import type { Clock } from '@tweetstore/core';
import { ProcessKeyedLock, type BlobStore, type KeyedLock, type StoreOptions, type TweetStore } from '@tweetstore/store';
import { openDiskBlobStore, openLowdbStore } from '@tweetstore/store-lowdb';
import { openRedisLimiterStore, openS3BlobStore } from '@tweetstore/store-postgres';
import type { Logger } from 'pino';
import type { BlobSettings, ServerConfig } from './config.ts';

export interface Engines {
  store: TweetStore;
  blobs: BlobStore;
  limiterStore: LimiterStore;
  /** The lock that keeps an upload and a sweep of the same media apart, as wide as the store engine is shared. */
  mediaLocks: KeyedLock;
  /** Closes what was opened, last opened first. */
  close(): Promise<void>;
}

/** Opens every engine the settings name; when one cannot open, closes those already open and rejects naming it. */
export async function openEngines(config: ServerConfig, clock: Clock, log: Logger): Promise<Engines> {
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  /** `setting`: the variable to name when the engine cannot open (its own message names the file, bucket or URL). */
  const opened = async <T extends { close(): Promise<void> | void }>(setting: string | null, open: Promise<T>): Promise<T> => {
    const engine = await open.catch((error: unknown) => {
      throw setting ? new Error(`${setting}: ${(error as Error).message}`, { cause: error }) : error;
    });
    closers.push(() => engine.close());
    return engine;
  };
  try {
    const store = await opened(null, openStore(config, clock, log));
    const blobs = await opened(config.blobs.engine === 'disk' ? null : 'TWEETSTORE_BLOB_STORE=s3', openBlobStore(config.blobs, config.dataDir));
    const limiterStore = await opened('TWEETSTORE_REDIS_URL', openLimiterStore(config, log));
    return { store, blobs, limiterStore, mediaLocks: mediaLocksOf(config), close };
  } catch (error) {
    await close().catch((closing: unknown) => log.warn({ err: closing }, 'closing the engines opened before the failure failed'));
    throw error;
  }
}

function openStore(config: ServerConfig, clock: Clock, log: Logger): Promise<TweetStore> {
  const options: StoreOptions = { clock, policy: config.editPolicy, logger: log.child({ component: 'store' }) };
  switch (config.store) {
    case 'lowdb':
      return openLowdbStore({ ...options, dataDir: config.dataDir, checkpointEveryEvents: config.checkpointEveryEvents });
  }
}

function mediaLocksOf(config: ServerConfig): KeyedLock {
  switch (config.store) {
    case 'lowdb':
      // one process per data folder: a lock in its memory is everyone's
      return new ProcessKeyedLock();
  }
}

function openBlobStore(settings: BlobSettings, dataDir: string): Promise<BlobStore> {
  switch (settings.engine) {
    case 'disk':
      return openDiskBlobStore({ root: path.join(dataDir, 'media') });
    case 's3': {
      const { engine: _, ...options } = settings;
      return openS3BlobStore(options);
    }
  }
}

async function openLimiterStore(config: ServerConfig, log: Logger): Promise<LimiterStore & { close(): Promise<void> | void }> {
  const local = memoryLimiterStore();
  // one process: its own memory holds the counts
  if (!config.redis) return { ...local, close() {} };
  const shared = await openRedisLimiterStore({ url: config.redis.url, prefix: `${config.redis.prefix}limits:` });
  // Redis keeps nothing here that must outlive an outage: while it fails, each instance counts its own
  const insured = insuredLimiterStore(shared, local, { sharedName: 'Redis', log: log.child({ component: 'limits' }) });
  return {
    rate: insured.rate,
    once: insured.once,
    gate: insured.gate,
    async close() {
      insured.close();
      await shared.close();
    },
  };
}
