// The write path: group commit. The writer of a store instance gathers the commands waiting (up to `batchSize`) into
// one transaction on a reserved connection. The transaction locks the stream_head row, which makes writers of every
// instance take turns, so the seqs it gives (head+1, head+2, ...) commit in seq order with no gaps: before the first
// command loads or sends anything (so what it loads is what the batches before wrote), or, when none does, before the
// events; new tweets' rows gathered before then go in while another batch holds it. Up to `lanes` batches are in
// flight, each on a connection of its own: the next is built and sent while one commits, and waits in the database for
// the lock.
// A command runs in a savepoint, made when it first sends a statement: one whose rule throws or whose statement fails
// is rolled back alone and answered with its error while the others commit. New tweets' rows (with their terms and
// tags) are not sent by their command but gathered (`defer`) and sent with one statement per table, before the next
// command sends anything and at the end, outside any savepoint; a plain post by a known author so sends nothing of its
// own. When such a statement fails, the whole transaction is rolled back and the batch written again with each row
// sent by its command.
// The events go in with one insert (each with what it did to hashtags, for the trends projection: trends.ts), the head
// and counts with one update that also notifies the other instances, then COMMIT; only after COMMIT returned are the
// events handed to the feed and the callers answered.
import { DomainError, StorageUnavailable } from '@tweetstore/core';
import type { EventDraft, RuleContext, StoreEvent, StoreLogger } from '@tweetstore/store';
import type postgres from 'postgres';
import { insertRows, type Tables } from './columns.ts';
import { storageError, type Sql } from './connect.ts';
import type { TagChange } from './hashtags.ts';

export type Conn = postgres.ReservedSql<{ bigint: number }>;

/** What stats counts, changed by the events of a batch. */
export interface Counts {
  users: number;
  tweets: number;
  versions: number;
  sessions: number;
  media: number;
}

/** What a command works with inside the transaction. */
export interface WriteTx {
  /**
   * the reserved connection; statements made without awaiting are pipelined in order. Asking for it sends the rows the
   * commands before deferred, so what this one loads sees them: a command that sends nothing need not ask
   */
  readonly sql: Conn;
  readonly ctx: RuleContext;
  /** Gives the draft the command's time, and the next seq once the batch has read the head; the event is inserted with the batch. */
  append(draft: EventDraft): StoreEvent;
  /** Adds to a count stats reports. */
  count(name: keyof Counts, delta: number): void;
  /** Sends a statement now; nobody need wait for it: its failure fails the command. */
  send(query: Promise<unknown>): void;
  /** A row to insert, sent with the batch's other commands' rows of its table (before anything reads it). */
  defer<T extends keyof Tables>(table: T, row: Tables[T]): void;
  /** What the event did to a published tweet's hashtags, kept with it for the trends projection (trends.ts). */
  tagsChanged(event: StoreEvent, change: TagChange): void;
}

/** Loads, decides and applies; returns how to answer once the batch has committed. */
export type Command<T> = (tx: WriteTx) => Promise<() => T | Promise<T>>;

interface Waiting {
  command: Command<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface WriterOptions {
  sql: Sql;
  channel: string;
  /** named in the notify of each commit: the instance's feed (feed.ts) */
  origin: string;
  batchSize: number;
  /** Batches written at once, each on a connection of its own (they take the stream lock in turn). */
  lanes: number;
  context(): RuleContext;
  /** Called with a batch's events once it committed, before its callers are answered; resolves once delivered. */
  committed(events: StoreEvent[]): Promise<void>;
  /** Called with a batch's last seq once it committed, with `committed`, before its callers are answered (the committed head in Redis). */
  published?(seq: number): Promise<void>;
  logger: StoreLogger;
}

/**
 * postgres.js sends a query once it is awaited or executed: sent now, so statements go out in the order made. Its
 * failure is looked at later (the writer settles what a command sent), so it is marked handled now.
 */
function started(query: Promise<unknown>): Promise<unknown> {
  const sent = (query as { execute?: () => Promise<unknown> }).execute?.() ?? query;
  sent.catch(() => {});
  return sent;
}

export class Writer {
  readonly #queue: Waiting[] = [];
  /** Batches being written: at most `lanes`, each on a connection of its own. */
  readonly #inFlight = new Set<Promise<void>>();
  /** Connections reserved for the writer and free, so reads never keep it waiting for one; a new one after a failure. */
  readonly #idle: Conn[] = [];
  #scheduled = false;
  /** false after a batch failed to commit, until one commits */
  healthy = true;
  batches = 0;

  constructor(private readonly o: WriterOptions) {}

  get waiting(): number {
    return this.#queue.length;
  }

  run<T>(command: Command<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ command, resolve: resolve as (v: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Resolves once every command given so far is answered, and gives the writer's connections back. */
  async drained(): Promise<void> {
    while (this.#scheduled || this.#inFlight.size > 0) await Promise.all([...this.#inFlight, new Promise((resolve) => setImmediate(resolve))]);
    for (const conn of this.#idle.splice(0)) conn.release();
  }

  /** A turn of the event loop first, so the calls made together go in one batch. */
  #schedule(): void {
    if (this.#scheduled || this.#inFlight.size >= this.o.lanes) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  /**
   * Starts batches while commands wait and a lane is free. A second batch is built and sent while the first commits:
   * it waits for the stream lock in the database, so it still loads what the first wrote, and takes the next seqs.
   */
  #pump(): void {
    while (this.#queue.length > 0 && this.#inFlight.size < this.o.lanes) {
      // shared among the free lanes: while the database runs one half, this process builds the other and answers
      const size = Math.min(this.o.batchSize, Math.ceil(this.#queue.length / (this.o.lanes - this.#inFlight.size)));
      const running: Promise<void> = this.#batch(this.#queue.splice(0, size)).finally(() => {
        this.#inFlight.delete(running);
        if (this.#queue.length > 0) this.#schedule();
      });
      this.#inFlight.add(running);
    }
  }

  async #batch(batch: Waiting[]): Promise<void> {
    let conn: Conn | undefined;
    let written: Written;
    try {
      conn = this.#idle.pop() ?? (await this.o.sql.reserve());
      written = await this.#write(conn, batch, true).catch(async (error: unknown) => {
        if (!(error instanceof DeferredRowsFailed)) throw error;
        // a statement of several commands' rows failed, and which command's row it was is not known: all of it is
        // rolled back and the batch written again, each row with its own command
        this.o.logger.warn({ err: error.cause, commands: batch.length }, 'the rows a write batch gathered failed; it is written again row by row');
        await conn!`rollback`;
        return this.#write(conn!, batch, false);
      });
      this.healthy = true;
      this.batches++;
    } catch (error) {
      this.healthy = false;
      if (conn) await conn`rollback`.catch(() => {});
      const refusal = new StorageUnavailable(`the write could not be committed: ${(error as Error).message}`, { cause: error });
      this.o.logger.error({ err: error, commands: batch.length }, 'a write batch failed');
      conn?.release();
      for (const w of batch) w.reject(refusal);
      return;
    }
    this.#idle.push(conn);
    const { events, outcomes } = written;
    if (events.length > 0) {
      // the other lane's batch may have committed just before this one and be answered later: the feed then reads its
      // events first (feed.ts), so events are delivered in seq order; the committed head only ever rises
      await Promise.all([
        this.o.committed(events).catch((error) => this.o.logger.error({ err: error }, 'the feed could not deliver a batch')),
        this.o.published?.(events.at(-1)!.seq),
      ]);
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) w.reject(outcome.error);
      else Promise.resolve().then(outcome.answer).then(w.resolve, (error) => w.reject(storageError(error)));
    });
  }

  /**
   * One transaction of the batch's commands, committed. `deferring`: rows given to `defer` are gathered and sent with
   * one statement per table (before the next command touches the connection, and at the end), not one per command.
   */
  async #write(c: Conn, batch: Waiting[], deferring: boolean): Promise<Written> {
    const outcomes: Outcome[] = [];
    const events: StoreEvent[] = [];
    let head = NaN;
    void c`begin`.catch(() => {});
    // Taken when a command first sends or loads, or before the events: the new tweets' rows gathered before it go in
    // while another batch holds it. Not waited for: the loads sent behind it come back after it.
    let locked: Promise<void> | undefined;
    const lock = () => {
      if (locked) return;
      locked = c<{ head: number }[]>`select head from stream_head for update`.then(([row]) => void (head = row!.head));
      locked.catch(() => {});
    };
    const counts: Counts = { users: 0, tweets: 0, versions: 0, sessions: 0, media: 0 };
    /** of the events appended (a command rolled back leaves its events' entries, never written) */
    const tagChanges = new Map<StoreEvent, TagChange>();
    const deferred = new DeferredRows(c);
    type Mark = { events: number; counts: Counts; deferred: number };
    type Open = { sent: Promise<unknown>[]; mark: Mark; index: number };
    /** whether the newest savepoint is there, to release */
    let held = false;
    const restore = (mark: Mark) => {
      events.length = mark.events;
      Object.assign(counts, mark.counts);
      deferred.truncate(mark.deferred);
    };
    /** Rolls back the newest command, answering it with `error`: to its savepoint, when it made one. */
    const rollBack = async (o: { mark: Mark; index: number; saved: boolean }, error: unknown) => {
      await deferred.check();
      if (o.saved) {
        await c.unsafe('rollback to savepoint cmd; release savepoint cmd').simple(); // a failure here fails the batch
        held = false;
      }
      restore(o.mark);
      outcomes[o.index] = { error: error instanceof DomainError ? error : storageError(error) };
    };
    const failure = async (o: Open) => (await Promise.allSettled(o.sent)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // A command's statements are not waited for: the next command's loads come back after them (one connection runs
    // them in order), so a failure shows there, or before COMMIT. `unchecked` are the commands that sent statements
    // since the last check, oldest first: once one failed, every statement after it fails too, so the first with a
    // failure is the one that broke the transaction. It is rolled back to its savepoint (those after it could not
    // release it), and the commands after it are run again.
    let unchecked: Open[] = [];
    const culprit = async () => {
      for (const o of unchecked) {
        const failed = await failure(o);
        if (failed) return { o, reason: failed.reason as unknown };
      }
      return undefined;
    };
    for (let i = 0; ; ) {
      if (i === batch.length) {
        const found = await culprit();
        if (!found) break;
        await rollBack({ ...found.o, saved: true }, found.reason);
        i = found.o.index + 1;
        unchecked = [];
        continue;
      }
      const mark: Mark = { events: events.length, counts: { ...counts }, deferred: deferred.size };
      const sent: Promise<unknown>[] = [];
      /** whether this command made a savepoint: on the first statement it sends, after the rows of those before */
      let saved = false;
      const connection = () => {
        if (!saved) {
          // the command before is done with its savepoint; the rows gathered so far go in outside any savepoint
          if (held) sent.push(started(c.unsafe('release savepoint cmd').simple()));
          deferred.flush(mark.deferred);
          lock();
          sent.push(started(c.unsafe('savepoint cmd').simple()));
          held = saved = true;
        }
        return c;
      };
      const ctx = this.o.context();
      const tx: WriteTx = {
        get sql() {
          return connection();
        },
        ctx,
        append: (draft) => {
          // numbered once the head is read; the draft spread last, as properties set after a spread are slow (apply.ts)
          const event = { seq: 0, at: ctx.now, ...draft } as StoreEvent;
          events.push(event);
          return event;
        },
        count: (name, delta) => void (counts[name] += delta),
        send: (query) => void sent.push(started(query)),
        defer: (table, row) => {
          if (deferring) deferred.add(table, row);
          else sent.push(started(insertRows(connection(), table, [row])));
        },
        tagsChanged: (event, change) => void tagChanges.set(event, change),
      };
      try {
        const answer = await batch[i]!.command(tx);
        outcomes[i] = { answer };
        if (saved) unchecked.push({ sent, mark, index: i });
        i++;
      } catch (error) {
        await Promise.allSettled(sent);
        const found = await culprit();
        if (found) {
          await rollBack({ ...found.o, saved: true }, found.reason);
          i = found.o.index + 1;
          unchecked = [];
          continue;
        }
        // its own error: its savepoint, if it made one, released theirs, so nothing before it is left to check
        if (saved) unchecked = [];
        await rollBack({ mark, index: i++, saved }, error);
      }
    }
    deferred.flush(deferred.size);
    const ending: Promise<unknown>[] = [];
    if (events.length > 0) {
      lock();
      // numbered by the database from the head it locked, so the batch need not wait for the lock's answer first; one
      // JSON document for the whole batch: JSON.stringify once, no array of strings to escape
      const rows = events.map((e) => {
        const { seq: _, type, at, ...payload } = e;
        return { type, tweet_id: 'tweetId' in payload ? payload.tweetId : null, at, payload, tags: tagChanges.get(e) ?? null };
      });
      ending.push(c`
        insert into events (seq, type, tweet_id, at, payload, tags)
        select h.head + e.n, e.type, e.tweet_id, e.at, e.payload, e.tags
        from stream_head h,
          rows from (jsonb_to_recordset(${c.json(rows as never)}) as (type text, tweet_id text, at bigint, payload jsonb, tags jsonb))
            with ordinality as e (type, tweet_id, at, payload, tags, n)`);
      ending.push(c`
        with h as (
          update stream_head set head = head + ${events.length}, users = users + ${counts.users}, tweets = tweets + ${counts.tweets},
            versions = versions + ${counts.versions}, sessions = sessions + ${counts.sessions}, media = media + ${counts.media}
          returning head)
        select pg_notify(${this.o.channel}, head::text || ' ' || ${this.o.origin}) from h`);
    }
    ending.push(c`commit`);
    const ended = await Promise.allSettled(ending);
    await deferred.check();
    const refused = ended.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (refused) throw refused.reason;
    if (((ended.at(-1) as PromiseFulfilledResult<unknown>).value as { command?: string }).command !== 'COMMIT') throw new Error('the server rolled the transaction back');
    await locked; // answered before the COMMIT
    events.forEach((e, i) => (e.seq = head + i + 1));
    return { events, outcomes };
  }
}

type Outcome = { answer: () => unknown } | { error: unknown };

interface Written {
  events: StoreEvent[];
  outcomes: Outcome[];
}

/** A statement carrying several commands' rows failed: the batch is written again without gathering rows. */
class DeferredRowsFailed extends Error {}

/**
 * Rows several commands insert into the same tables, gathered and sent with one statement per table: what a command
 * gave is sent before the next one sends anything (so what it loads sees them), or at the end of the batch.
 */
class DeferredRows {
  readonly #rows: { table: keyof Tables; row: Tables[keyof Tables] }[] = [];
  /** rows before this index are sent */
  #sent = 0;
  readonly #statements: Promise<unknown>[] = [];

  constructor(private readonly c: Conn) {}

  get size(): number {
    return this.#rows.length;
  }

  add<T extends keyof Tables>(table: T, row: Tables[T]): void {
    this.#rows.push({ table, row });
  }

  /** Forgets the rows from `size` on (a command rolled back); rows sent are never forgotten. */
  truncate(size: number): void {
    this.#rows.length = Math.max(size, this.#sent);
  }

  /** Sends the rows before `upTo`, one statement per table in the order tables were first given. */
  flush(upTo: number): void {
    if (upTo <= this.#sent) return;
    const byTable = new Map<keyof Tables, Tables[keyof Tables][]>();
    for (const { table, row } of this.#rows.slice(this.#sent, upTo)) {
      const rows = byTable.get(table);
      if (rows) rows.push(row);
      else byTable.set(table, [row]);
    }
    this.#sent = upTo;
    for (const [table, rows] of byTable) this.#statements.push(started(insertRows(this.c, table, rows as never)));
  }

  /** Throws DeferredRowsFailed when a statement of gathered rows failed. */
  async check(): Promise<void> {
    for (const r of await Promise.allSettled(this.#statements)) {
      if (r.status === 'rejected') throw new DeferredRowsFailed('a statement of gathered rows failed', { cause: r.reason });
    }
  }
}
