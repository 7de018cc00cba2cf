// The PostgreSQL engine's options: every engine's (clock, ids, edit policy, keyframes, logger) and its own.
import type { Redis } from 'ioredis';
import { integerOption, resolveStoreOptions, type ResolvedStoreOptions, type StoreOptions } from '@tweetstore/store';
import { checkedSchema } from './connect.ts';

export interface PostgresStoreOptions extends StoreOptions {
  /** `TWEETSTORE_DATABASE_URL`, e.g. `postgres://postgres@127.0.0.1:5432/tweetstore` */
  url: string;
  /** Connections for reads and the writer (the LISTEN connection is one more); default 10. */
  poolSize?: number;
  /** A schema of its own in the database (created at open), for several stores in one database; default: none. */
  schema?: string;
  /** How long views are counted in memory before one ViewsCounted per tweet is written; default 1,000 ms. */
  viewsFlushMs?: number;
  /** How often the event tail looks for events it was not told of; default 500 ms. */
  pollMs?: number;
  /** How long after events reach an instance it applies them to the trends (trends.ts), so one pass takes many; default 100 ms. */
  trendsDelayMs?: number;
  /** Most commands one write transaction carries; default 64. */
  batchSize?: number;
  /** Write transactions in flight at once, each on a connection of its own: the next is built while one commits; default 2. */
  writeLanes?: number;
  /** Hot tweets served from this instance's memory, read-after-ack kept by a committed head in this Redis (hot.ts, barrier.ts); default: off, every read goes to PostgreSQL. */
  hot?: HotTweetsOptions;
}

export interface HotTweetsOptions {
  /** the instance's Redis connection (connectRedis) */
  redis: Redis;
  /** the keys' prefix, the same for every instance of one store, e.g. `tweetstore:store:` */
  prefix: string;
  /** tweets kept, default 10,000 */
  tweets?: number;
  /** a tweet with more likes and retweets (given or taken back) keeps no users' sets; default 10,000 */
  maxEdges?: number;
  /** how long a read waits for the tail to reach the committed head before it goes to PostgreSQL; default 20 ms */
  waitMs?: number;
  /** a writer's lease on the committed head; default 2,000 ms */
  leaseMs?: number;
  /** a writer's lease ended this long ago is taken off (an instance killed); default 60,000 ms */
  forgetMs?: number;
}

export interface ResolvedPostgresOptions extends ResolvedStoreOptions {
  url: string;
  poolSize: number;
  schema: string | null;
  viewsFlushMs: number;
  pollMs: number;
  trendsDelayMs: number;
  batchSize: number;
  writeLanes: number;
  /** The NOTIFY channel of this store's commits. */
  channel: string;
  hot: Required<HotTweetsOptions> | null;
}

export function resolvePostgresOptions(o: PostgresStoreOptions): ResolvedPostgresOptions {
  if (typeof o.url !== 'string' || o.url === '') throw new RangeError('url must name the PostgreSQL database (TWEETSTORE_DATABASE_URL)');
  const schema = checkedSchema(o.schema);
  return {
    ...resolveStoreOptions(o),
    url: o.url,
    poolSize: integerOption('poolSize', o.poolSize, 10, 2),
    schema,
    viewsFlushMs: integerOption('viewsFlushMs', o.viewsFlushMs, 1_000),
    pollMs: integerOption('pollMs', o.pollMs, 500),
    trendsDelayMs: integerOption('trendsDelayMs', o.trendsDelayMs, 100, 0),
    batchSize: integerOption('batchSize', o.batchSize, 64),
    writeLanes: integerOption('writeLanes', o.writeLanes, 2),
    hot: o.hot
      ? {
          redis: o.hot.redis,
          prefix: o.hot.prefix,
          tweets: integerOption('hot.tweets', o.hot.tweets, 10_000),
          maxEdges: integerOption('hot.maxEdges', o.hot.maxEdges, 10_000),
          waitMs: integerOption('hot.waitMs', o.hot.waitMs, 20),
          leaseMs: integerOption('hot.leaseMs', o.hot.leaseMs, 2_000, 1),
          forgetMs: integerOption('hot.forgetMs', o.hot.forgetMs, 60_000, 1),
        }
      : null,
    channel: schema === null ? 'tweetstore_events' : `tweetstore_events_${schema}`,
  };
}
