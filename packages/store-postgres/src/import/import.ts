// importDump: a dump's state (@tweetstore/store's dump format) written into the PostgreSQL engine's tables, for
// `tweetstore migrate`. One transaction: a cancel or a failure leaves the database as it was. The schema is migrated
// first (the engine's runner) and must hold no store yet. The rows are the ones the engine itself writes for that
// state (engine/columns.ts; a published tweet's search terms and tags too), sent in batches of one statement per table
// (one JSON document each), pipelined while the next batch is built. The target keeps the dump's storeId and continues
// after its head seq, holding no event at or before it: a client resuming from the head misses nothing, one from before
// it gets a reset.
import { PreconditionFailed, StorageUnavailable } from '@tweetstore/core';
import { DumpChecker, pauseEvery, type DumpCounts, type DumpRecord, type DumpRecordType, type DumpStore } from '@tweetstore/store';
import { searchFilled } from '../engine/backfill.ts';
import { insertRows, type Tables } from '../engine/columns.ts';
import { checkedSchema, connect, storageError, type Queries } from '../engine/connect.ts';
import { migrate } from '../engine/migrate.ts';
import { redacted } from '../redacted.ts';
import { mediaRows, sessionRows, tweetRows, userRows, type Rows } from './rows.ts';

export interface ImportProgress {
  /** The records being written, then `commit`. */
  phase: Exclude<DumpRecordType, 'store'> | 'commit';
  done: number;
  total: number;
}

export interface ImportOptions {
  /** The target database (TWEETSTORE_DATABASE_URL). */
  url: string;
  /** The engine's `schema` option, when the store lives in a schema of its own. */
  schema?: string;
  /** At each phase's start and end, and every few ms between. */
  onProgress?: (progress: ImportProgress) => void;
  /** Cancels: the transaction is rolled back. */
  signal?: AbortSignal;
  /**
   * Runs once every row is written, before COMMIT (the command copies the media files then): its failure, or a cancel
   * meanwhile, rolls the import back.
   */
  beforeCommit?: () => Promise<void>;
  /** Rows gathered before they are sent (default 5,000). */
  batchRows?: number;
}

export interface ImportSummary extends DumpCounts {
  storeId: string;
  headSeq: number;
  likes: number;
  retweets: number;
  /** Media files the media records name. */
  files: number;
}

/** Between progress reports and event-loop turns. */
const SLICE_MS = 8;

export async function importDump(records: AsyncIterable<DumpRecord> | Iterable<DumpRecord>, options: ImportOptions): Promise<ImportSummary> {
  options.signal?.throwIfAborted();
  const schema = checkedSchema(options.schema);
  const sql = connect({ url: options.url, poolSize: 2, schema });
  try {
    await migrate(sql, schema);
    return await sql.begin((tx) => importInto(tx, records, options));
  } catch (error) {
    const meant = storageError(error);
    if (meant instanceof StorageUnavailable) throw new StorageUnavailable(`cannot import into ${redacted(options.url)}: ${meant.message}`, { cause: error });
    throw meant;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function importInto(tx: Queries, records: AsyncIterable<DumpRecord> | Iterable<DumpRecord>, o: ImportOptions): Promise<ImportSummary> {
  // the stream lock: an instance started on the database meanwhile waits for the import to end
  await tx`select head from stream_head for update`;
  await refuseUnlessEmpty(tx);
  const batch = new Batch(tx, o.batchRows ?? 5_000);
  const checker = new DumpChecker();
  const pause = pauseEvery(SLICE_MS);
  let store: DumpStore | undefined;
  const summary = { likes: 0, retweets: 0, files: 0 };
  let progress: ImportProgress | undefined;
  let told = 0;
  const tell = (p: ImportProgress, always: boolean) => {
    if (!always && performance.now() - told < SLICE_MS) return;
    told = performance.now();
    o.onProgress?.({ ...p });
  };
  let line = 0;
  for await (const r of records) {
    o.signal?.throwIfAborted();
    checker.check(r, ++line);
    if (r.type === 'store') {
      store = r;
      continue;
    }
    if (progress?.phase !== r.type) {
      if (progress) tell(progress, true);
      progress = { phase: r.type, done: 0, total: totalOf(store!.counts, r.type) };
      tell(progress, true);
    }
    switch (r.type) {
      case 'user':
        batch.add(userRows(r));
        break;
      case 'session':
        batch.add(sessionRows(r));
        break;
      case 'media':
        batch.add(mediaRows(r));
        summary.files += r.files.length;
        break;
      case 'tweet':
        batch.add(tweetRows(r));
        for (const e of r.edges) {
          if (e.liked) summary.likes++;
          if (e.retweeted) summary.retweets++;
        }
    }
    progress.done++;
    tell(progress, false);
    await batch.sendWhenFull();
    await pause();
  }
  const counts = checker.finish(line);
  if (progress) tell(progress, true);
  await batch.send();
  await batch.sent();
  const s = store!;
  tell({ phase: 'commit', done: 0, total: 1 }, true);
  await tx`
    update stream_head set head = ${s.headSeq}, store_id = ${s.storeId}, users = ${counts.users}, tweets = ${counts.tweets},
      versions = ${counts.versions}, sessions = ${counts.sessions}, media = ${counts.media}`;
  // every published tweet's terms and tags went in with it: their uses counted, nothing left for the open to fill
  await searchFilled(tx);
  // the planner's statistics of the tables just filled (autovacuum would take its time): without them the engine's
  // first reads plan as for empty tables (a tweet read scanned every user)
  await tx`analyze users, sessions, media, media_owners, media_shown, tweets, versions, engagements, idempotency_keys, tweet_terms, tweet_tags, tag_stats`;
  o.signal?.throwIfAborted();
  await o.beforeCommit?.();
  o.signal?.throwIfAborted();
  tell({ phase: 'commit', done: 1, total: 1 }, true);
  return { storeId: s.storeId, headSeq: s.headSeq, ...counts, ...summary };
}

async function refuseUnlessEmpty(tx: Queries): Promise<void> {
  const [held] = await tx<{ users: number; tweets: number; events: number; head: number }[]>`
    select (select count(*) from users) users, (select count(*) from tweets) tweets, (select count(*) from events) events, head from stream_head`;
  const { users, tweets, events, head } = held!;
  if (users > 0 || tweets > 0 || events > 0) {
    throw new PreconditionFailed(
      `the target database already holds a store (${users} users, ${tweets} tweets, ${events} events, head seq ${head}): an import writes only into an empty one; give it a new database (or drop this one's tables)`,
      { users, tweets, events },
    );
  }
}

function totalOf(counts: DumpCounts, type: Exclude<DumpRecordType, 'store'>): number {
  return { user: counts.users, session: counts.sessions, media: counts.media, tweet: counts.tweets }[type];
}

/** Rows gathered by table and sent as one statement per table; one batch in flight while the next is gathered. */
class Batch {
  #rows: Rows = {};
  #count = 0;
  #inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly tx: Queries,
    private readonly size: number,
  ) {}

  add(rows: Rows): void {
    for (const [table, list] of Object.entries(rows) as [keyof Tables, Tables[keyof Tables][]][]) {
      if (list.length === 0) continue;
      ((this.#rows[table] ??= []) as unknown[]).push(...list);
      this.#count += list.length;
    }
  }

  async sendWhenFull(): Promise<void> {
    if (this.#count >= this.size) await this.send();
  }

  /** Sends what was gathered, once the batch before is written. */
  async send(): Promise<void> {
    await this.#inFlight;
    const rows = this.#rows;
    this.#rows = {};
    this.#count = 0;
    const statements = (Object.keys(rows) as (keyof Tables)[]).map((table) => this.#statement(table, rows[table] as never));
    const sent = Promise.all(statements);
    sent.catch(() => {}); // looked at by the next send, or by sent()
    this.#inFlight = sent;
  }

  /** Resolves once everything sent is written (rejects with the first failure). */
  sent(): Promise<unknown> {
    return this.#inFlight;
  }

  #statement<T extends keyof Tables>(table: T, rows: Tables[T][]): Promise<unknown> {
    const tx = this.tx;
    const insert = insertRows(tx, table, table === 'idempotency_keys' ? (lastKeys(rows as never) as never) : rows);
    // a key an author used again (after it was forgotten) names the later tweet, as when the engine wrote it
    const statement = table === 'idempotency_keys' ? tx`${insert} on conflict (author_id, key) do update set tweet_id = excluded.tweet_id, at = excluded.at` : insert;
    return statement.execute();
  }
}

/** The last row of each author's key. */
function lastKeys(rows: Tables['idempotency_keys'][]): Tables['idempotency_keys'][] {
  return [...new Map(rows.map((r) => [`${r.author_id}\n${r.key}`, r])).values()];
}
