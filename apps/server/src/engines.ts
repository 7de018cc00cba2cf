// The engines the settings choose (config.ts): where tweets and events live, where media files live, and where the rate
// limits count. Each is opened here and nowhere else; the rest of the server sees only their ports. A new engine is
// one case of a switch below.
import path from 'node:path';
import { insuredLimiterStore, localInstanceBoard, memoryLimiterStore, type InstanceBoard, type LimiterStore } from '@tweetstore/api';
import type { Clock } from '@tweetstore/core';
import { ProcessKeyedLock, type BlobStore, type KeyedLock, type StoreOptions, type TweetStore } from '@tweetstore/store';
import { openDiskBlobStore, openLowdbStore } from '@tweetstore/store-lowdb';
import { connectRedis, openPostgresStore, openRedisLimiterStore, openS3BlobStore, PostgresKeyedLock, redisInstanceBoard, type PostgresStoreOptions } from '@tweetstore/store-postgres';
import type { Logger } from 'pino';
import type { BlobSettings, ServerConfig } from './config.ts';

type Redis = Awaited<ReturnType<typeof connectRedis>>;

export interface Engines {
  store: TweetStore;
  blobs: BlobStore;
  limiterStore: LimiterStore & { readonly inMemoryForNow: boolean };
  /** The lock that keeps an upload and a sweep of the same media apart, as wide as the store engine is shared. */
  mediaLocks: KeyedLock;
  /** Where this instance publishes its figures for the dashboard: in the shared Redis, or alone its own. */
  board: InstanceBoard;
  /** Closes what was opened, last opened first. */
  close(): Promise<void>;
}

/** Opens every engine the settings name; when one cannot open, closes those already open and rejects naming it. */
export async function openEngines(config: ServerConfig, clock: Clock, log: Logger): Promise<Engines> {
  const closers: (() => Promise<void> | void)[] = [];
  // every closer runs, even after one fails (the store's last checkpoint must not wait on a Redis that is down)
  const close = async () => {
    const failures: unknown[] = [];
    for (const closer of closers.splice(0).reverse()) await Promise.resolve().then(closer).catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures.length === 1 ? failures[0] : new AggregateError(failures, 'closing the engines failed');
  };
  /** `setting`: the variable to name when it cannot open (its own message names the file, bucket or URL). */
  const opened = async <T>(setting: string | null, open: Promise<T>, closeIt: (engine: T) => Promise<void> | void): Promise<T> => {
    const engine = await open.catch((error: unknown) => {
      throw setting ? new Error(`${setting}: ${(error as Error).message}`, { cause: error }) : error;
    });
    closers.push(() => closeIt(engine));
    return engine;
  };
  try {
    // one connection for everything this instance keeps in Redis; opened first, so the store can keep its committed
    // head there, and closed last
    const redis = config.redis && (await opened('TWEETSTORE_REDIS_URL', connectRedis({ url: config.redis.url }), quitRedis));
    const hot = redis && { redis, prefix: `${config.redis!.prefix}store:` };
    const store = await opened(config.store === 'lowdb' ? null : 'TWEETSTORE_DATABASE_URL', openStore(config, clock, log, hot), (s) => s.close());
    const mediaLocks = await opened(null, Promise.resolve(mediaLocksOf(config)), (l) => l.close?.());
    const blobs = await opened(config.blobs.engine === 'disk' ? null : 'TWEETSTORE_BLOB_STORE=s3', openBlobStore(config.blobs, config.dataDir), (b) => b.close());
    const limiterStore = await opened(null, openLimiterStore(redis && { client: redis, prefix: config.redis!.prefix }, log), (l) => l.close());
    const board = await opened(
      null,
      Promise.resolve(redis ? redisInstanceBoard({ client: redis, self: config.instanceId, prefix: config.redis!.prefix }) : localInstanceBoard(config.instanceId)),
      // an instance that stops leaves the board at once (one killed, once its figures are stale)
      (b) => b.close().catch((err: unknown) => log.warn({ err }, 'this instance could not take itself off the board; it drops off in 10 s')),
    );
    return { store, blobs, limiterStore, mediaLocks, board, close };
  } catch (error) {
    await close().catch((closing: unknown) => log.warn({ err: closing }, 'closing the engines opened before the failure failed'));
    throw error;
  }
}

/** QUIT when Redis answers; when it does not, the connection is cut (nothing of ours waits on it). */
async function quitRedis(client: Redis): Promise<void> {
  await client.quit().catch(() => client.disconnect());
}

/** `hot`: with a Redis, the PostgreSQL engine keeps hot tweets in memory behind a committed head there. */
function openStore(config: ServerConfig, clock: Clock, log: Logger, hot?: PostgresStoreOptions['hot']): Promise<TweetStore> {
  const options: StoreOptions = { clock, policy: config.editPolicy, logger: log.child({ component: 'store' }) };
  switch (config.store) {
    case 'lowdb':
      return openLowdbStore({ ...options, dataDir: config.dataDir, checkpointEveryEvents: config.checkpointEveryEvents });
    case 'postgres':
      return openPostgresStore({ ...options, url: config.databaseUrl!, poolSize: config.databasePoolSize, hot });
  }
}

function mediaLocksOf(config: ServerConfig): KeyedLock {
  switch (config.store) {
    case 'lowdb':
      // one process per data folder: a lock in its memory is everyone's
      return new ProcessKeyedLock();
    case 'postgres':
      // every instance on the database: an advisory lock there
      return new PostgresKeyedLock({ url: config.databaseUrl! });
  }
}

/** The blob store the settings name (the migration's target too). */
export function openBlobStore(settings: BlobSettings, dataDir: string): Promise<BlobStore> {
  switch (settings.engine) {
    case 'disk':
      return openDiskBlobStore({ root: path.join(dataDir, 'media') });
    case 's3': {
      const { engine: _, ...options } = settings;
      return openS3BlobStore(options);
    }
  }
}

/** `inMemoryForNow`: counting in memory while the shared store fails (never, without one). */
async function openLimiterStore(
  redis: { client: Redis; prefix: string } | undefined,
  log: Logger,
): Promise<LimiterStore & { readonly inMemoryForNow: boolean; close(): Promise<void> | void }> {
  const local = memoryLimiterStore();
  // one process: its own memory holds the counts
  if (!redis) return { ...local, inMemoryForNow: false, close() {} };
  const shared = await openRedisLimiterStore({ client: redis.client, prefix: `${redis.prefix}limits:` });
  const limitsLog = log.child({ component: 'limits' });
  // Redis keeps nothing here that must outlive an outage: while it fails, each instance counts its own
  const insured = insuredLimiterStore(shared, local, { sharedName: 'Redis', log: limitsLog });
  return {
    rate: insured.rate,
    once: insured.once,
    gate: insured.gate,
    get inMemoryForNow() {
      return insured.degraded;
    },
    async close() {
      insured.close();
      // gate places Redis is not told of end with their leases
      await shared.close().catch((err: unknown) => limitsLog.warn({ err }, 'Redis was not told of the gate places given back; their leases end by themselves'));
    },
  };
}
