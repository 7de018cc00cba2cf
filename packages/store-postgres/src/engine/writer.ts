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
  /** Gives the draft the next seq and the command's time; the event is inserted with the batch. */
  append(draft: EventDraft): StoreEvent;
  /** Adds to a count stats reports. */
  count(name: keyof Counts, delta: number): void;
  /** A statement whose result nobody waits for: its failure fails the command. */
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
  logger: StoreLogger;
}

export class Writer {
  readonly #queue: Waiting[] = [];
  #running: Promise<void> | undefined;
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

  /** Resolves once every command given so far is answered. */
  async drained(): Promise<void> {
    while (this.#running) await this.#running;
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
    const events: StoreEvent[] = [];
    try {
      conn = await this.o.sql.reserve();
      const c = conn;
      const [, [head]] = await Promise.all([c`begin`, c<{ head: number }[]>`select head from stream_head for update`]);
      let seq = head!.head;
      const counts: Counts = { users: 0, tweets: 0, versions: 0, sessions: 0, media: 0 };
      for (const w of batch) {
        const mark = { seq, events: events.length, counts: { ...counts } };
        const sent: Promise<unknown>[] = [c`savepoint cmd`];
        const ctx = this.o.context();
        const tx: WriteTx = {
          sql: c,
          ctx,
          append: (draft) => {
            const event = { ...draft, seq: ++seq, at: ctx.now } as StoreEvent;
            events.push(event);
            return event;
          },
          count: (name, delta) => void (counts[name] += delta),
          send: (query) => void sent.push(query),
        };
        try {
          const answer = await w.command(tx);
          await Promise.all(sent);
          sent.length = 0;
          void c`release savepoint cmd`.catch(() => {});
          outcomes.push({ answer });
        } catch (error) {
          await Promise.allSettled(sent);
          await c`rollback to savepoint cmd`; // a failure here fails the batch
          void c`release savepoint cmd`.catch(() => {});
          seq = mark.seq;
          events.length = mark.events;
          Object.assign(counts, mark.counts);
          outcomes.push({ error: error instanceof DomainError ? error : storageError(error) });
        }
      }
      const ending: Promise<unknown>[] = [];
      if (events.length > 0) {
        const payloads = events.map(({ seq: _, type: __, at: ___, ...payload }) => JSON.stringify(payload));
        ending.push(c`
          insert into events (seq, type, tweet_id, at, payload)
          select seq, type, tweet_id, at, payload::jsonb from unnest(${events.map((e) => e.seq)}::bigint[], ${events.map((e) => e.type)}::text[],
            ${events.map((e) => ('tweetId' in e ? e.tweetId : null))}::text[], ${events.map((e) => e.at)}::bigint[], ${payloads}::text[])
            as e (seq, type, tweet_id, at, payload)`);
        ending.push(c`
          with h as (
            update stream_head set head = ${seq}, users = users + ${counts.users}, tweets = tweets + ${counts.tweets},
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
      for (const w of batch) w.reject(refusal);
      return;
    }
    conn.release();
    if (events.length > 0) await this.o.committed(events).catch((error) => this.o.logger.error({ err: error }, 'the feed could not deliver a batch'));
    batch.forEach((w, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) w.reject(outcome.error);
      else Promise.resolve().then(outcome.answer).then(w.resolve, (error) => w.reject(storageError(error)));
    });
  }
}
