// The write path: group commit. One writer per store instance gathers the commands waiting (up to `batchSize`) into
// one transaction on a reserved connection. The transaction first locks the stream_head row, which makes writers of
// every instance take turns, so the seqs it gives (head+1, head+2, ...) commit in seq order with no gaps. Each command
// runs in a savepoint: one whose rule throws is rolled back alone and answered with its error while the others
// commit. The events go in with one insert, the head and counts with one update that also notifies the other
// instances, then COMMIT; only after COMMIT returned are the events handed to the feed and the callers answered.
// Statements are pipelined: a command costs a round trip to load what it judges and one to apply what it decided.
import { DomainError, StorageUnavailable } from '@tweetstore/core';
import type { EventDraft, RuleContext, StoreEvent, StoreLogger } from '@tweetstore/store';
import type postgres from 'postgres';
import { storageError, type Sql } from './connect.ts';

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
  /** the reserved connection; statements made without awaiting are pipelined in order */
  readonly sql: Conn;
  readonly ctx: RuleContext;
  /** Gives the draft the command's time, and the next seq once the batch has read the head; the event is inserted with the batch. */
  append(draft: EventDraft): StoreEvent;
  /** Adds to a count stats reports. */
  count(name: keyof Counts, delta: number): void;
  /** Sends a statement now; nobody need wait for it: its failure fails the command. */
  send(query: Promise<unknown>): void;
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
  batchSize: number;
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
  #running: Promise<void> | undefined;
  /** Reserved for the writer while it works, so reads never keep it waiting for a connection; a new one after a failure. */
  #conn: Conn | undefined;
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
      // a turn of the event loop first, so the calls made together go in one batch
      this.#running ??= new Promise<void>((started) => setImmediate(started)).then(() => this.#loop());
    });
  }

  /** Resolves once every command given so far is answered, and gives the writer's connection back. */
  async drained(): Promise<void> {
    while (this.#running) await this.#running;
    this.#conn?.release();
    this.#conn = undefined;
  }

  async #loop(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#batch(this.#queue.splice(0, this.o.batchSize));
    } finally {
      this.#running = undefined;
    }
  }

  async #batch(batch: Waiting[]): Promise<void> {
    let conn: Conn | undefined;
    const outcomes: ({ answer: () => unknown } | { error: unknown })[] = [];
    type Mark = { events: number; counts: Counts };
    const events: StoreEvent[] = [];
    try {
      conn = this.#conn ??= await this.o.sql.reserve();
      const c = conn;
      // not waited for: the first command's loads, sent behind it, come back after it
      let head = NaN;
      void c`begin`.catch(() => {});
      const locked = c<{ head: number }[]>`select head from stream_head for update`.then(([row]) => void (head = row!.head));
      locked.catch(() => {});
      const counts: Counts = { users: 0, tweets: 0, versions: 0, sessions: 0, media: 0 };
      type Open = { sent: Promise<unknown>[]; mark: Mark; index: number };
      /** whether the newest command's savepoint is there, to release */
      let held = false;
      const restore = (mark: Mark) => {
        events.length = mark.events;
        Object.assign(counts, mark.counts);
      };
      /** Rolls back the newest savepoint's command, answering it with `error`. */
      const rollBack = async (o: { mark: Mark; index: number }, error: unknown) => {
        await c.unsafe('rollback to savepoint cmd; release savepoint cmd').simple(); // a failure here fails the batch
        held = false;
        restore(o.mark);
        outcomes[o.index] = { error: error instanceof DomainError ? error : storageError(error) };
      };
      const failure = async (o: Open) => (await Promise.allSettled(o.sent)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
      // A command's statements are not waited for: the next command's loads come back after them (one connection runs
      // them in order), so a failure shows there, or before COMMIT for the last one.
      let open: Open | undefined;
      for (let i = 0; i < batch.length; ) {
        const mark: Mark = { events: events.length, counts: { ...counts } };
        // the command before is done with its savepoint: released and the next one made in one message
        const sent: Promise<unknown>[] = [started(c.unsafe(held ? 'release savepoint cmd; savepoint cmd' : 'savepoint cmd').simple())];
        held = true;
        const ctx = this.o.context();
        const tx: WriteTx = {
          sql: c,
          ctx,
          append: (draft) => {
            const event = { ...draft, seq: 0, at: ctx.now } as StoreEvent; // numbered once the head is read
            events.push(event);
            return event;
          },
          count: (name, delta) => void (counts[name] += delta),
          send: (query) => void sent.push(started(query)),
        };
        try {
          const answer = await batch[i]!.command(tx);
          outcomes[i] = { answer };
          open = { sent, mark, index: i++ };
        } catch (error) {
          await Promise.allSettled(sent);
          const before = open && (await failure(open));
          if (open && before) {
            // the command before failed, and this one's statements after it: roll that one back and run this one again
            await rollBack(open, before.reason);
            open = undefined;
            continue;
          }
          open = undefined;
          await rollBack({ mark, index: i++ }, error);
        }
      }
      const last = open && (await failure(open));
      if (open && last) await rollBack(open, last.reason);
      await locked;
      events.forEach((e, i) => (e.seq = head + i + 1));
      const ending: Promise<unknown>[] = [];
      if (events.length > 0) {
        // one JSON document for the whole batch: JSON.stringify once, no array of strings to escape
        const rows = events.map(({ seq, type, at, ...payload }) => ({ seq, type, tweet_id: 'tweetId' in payload ? payload.tweetId : null, at, payload }));
        ending.push(c`
          insert into events (seq, type, tweet_id, at, payload)
          select * from jsonb_to_recordset(${c.json(rows as never)}) as e (seq bigint, type text, tweet_id text, at bigint, payload jsonb)`);
        ending.push(c`
          with h as (
            update stream_head set head = ${head + events.length}, users = users + ${counts.users}, tweets = tweets + ${counts.tweets},
              versions = versions + ${counts.versions}, sessions = sessions + ${counts.sessions}, media = media + ${counts.media}
            returning head)
          select pg_notify(${this.o.channel}, head::text) from h`);
      }
      ending.push(c`commit`);
      const ended = await Promise.all(ending);
      if ((ended.at(-1) as { command?: string }).command !== 'COMMIT') throw new Error('the server rolled the transaction back');
      this.healthy = true;
      this.batches++;
    } catch (error) {
      this.healthy = false;
      if (conn) await conn`rollback`.catch(() => {});
      const refusal = new StorageUnavailable(`the write could not be committed: ${(error as Error).message}`, { cause: error });
      this.o.logger.error({ err: error, commands: batch.length }, 'a write batch failed');
      conn?.release();
      this.#conn = undefined;
      for (const w of batch) w.reject(refusal);
      return;
    }
    if (events.length > 0) {
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
}
