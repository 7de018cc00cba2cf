// Opens the PostgreSQL engine: connects, applies the migrations and fills what they add for rows written before them
// (both safe when several instances start together), reads the stream's head and identity, and starts the event tail.
import { randomUUID } from 'node:crypto';
import { fillSearch } from './backfill.ts';
import { CommittedHead } from './barrier.ts';
import { connect } from './connect.ts';
import { PostgresEventFeed } from './feed.ts';
import { migrate } from './migrate.ts';
import { resolvePostgresOptions, type PostgresStoreOptions } from './options.ts';
import { PostgresTweetStore } from './store.ts';
import { redacted } from '../redacted.ts';

export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresTweetStore> {
  const o = resolvePostgresOptions(options);
  const sql = connect(o);
  try {
    await migrate(sql, o.schema);
    await fillSearch(sql, o.logger);
    const [row] = await sql<{ head: number; store_id: string }[]>`select head, store_id from stream_head`;
    const feed = new PostgresEventFeed(sql, row!.head, o.logger);
    await feed.start(o.channel, o.pollMs);
    // registered before this instance can commit anything (barrier.ts)
    const head = o.hot && new CommittedHead({ ...o.hot, writerId: randomUUID(), logger: o.logger, databaseHead: async () => (await sql<{ head: number }[]>`select head from stream_head`)[0]!.head });
    await head?.start().catch((error: Error) => {
      throw new Error(`the committed head in Redis (hot tweets) cannot be registered: ${error.message}`, { cause: error });
    });
    const store = new PostgresTweetStore(row!.store_id, sql, o, feed, head || undefined);
    o.logger.info({ schema: o.schema, head: row!.head, storeId: store.storeId }, 'the PostgreSQL store is open');
    return store;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw new Error(`the PostgreSQL store at ${redacted(o.url)} cannot be opened: ${(error as Error).message}`, { cause: error });
  }
}
