// The keyed lock of every instance on one PostgreSQL database (ApiDeps.mediaLocks): a task runs while its connection
// holds the session-level advisory lock on a hash of the key. Tasks of one key in this process queue in memory first
// (ProcessKeyedLock), so one connection per key waits on the database at a time; the lock has its own small pool, so
// tasks waiting never take the store's connections. If the connection breaks mid-task the database lets the lock go.
import { ProcessKeyedLock, type KeyedLock } from '@tweetstore/store';
import { connect, reading, type Sql } from '../engine/connect.ts';

export interface PostgresKeyedLockOptions {
  url: string;
  /** Connections for tasks holding or waiting for a lock at once; default 4. */
  poolSize?: number;
  /** Keys are locked in this namespace (two uses of the lock on one database stay apart); default 'tweetstore'. */
  namespace?: string;
}

export class PostgresKeyedLock implements KeyedLock {
  readonly #local = new ProcessKeyedLock();
  readonly #sql: Sql;
  readonly #namespace: string;

  constructor(o: PostgresKeyedLockOptions) {
    this.#sql = connect({ url: o.url, poolSize: o.poolSize ?? 4, schema: null });
    this.#namespace = o.namespace ?? 'tweetstore';
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.#local.run(key, async () => {
      const conn = await reading(() => this.#sql.reserve());
      const lock = `${this.#namespace}:${key}`;
      try {
        await reading(() => conn`select pg_advisory_lock(hashtextextended(${lock}, 0))`);
        try {
          return await task();
        } finally {
          await conn`select pg_advisory_unlock(hashtextextended(${lock}, 0))`.catch(() => {});
        }
      } finally {
        conn.release();
      }
    });
  }

  close(): Promise<void> {
    return this.#sql.end({ timeout: 5 });
  }
}
