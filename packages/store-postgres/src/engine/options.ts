// The PostgreSQL engine's options: every engine's (clock, ids, edit policy, keyframes, logger) and its own.
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
  /** Most commands one write transaction carries; default 64. */
  batchSize?: number;
}

export interface ResolvedPostgresOptions extends ResolvedStoreOptions {
  url: string;
  poolSize: number;
  schema: string | null;
  viewsFlushMs: number;
  pollMs: number;
  batchSize: number;
  /** The NOTIFY channel of this store's commits. */
  channel: string;
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
    batchSize: integerOption('batchSize', o.batchSize, 64),
    channel: schema === null ? 'tweetstore_events' : `tweetstore_events_${schema}`,
  };
}
