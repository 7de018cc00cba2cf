// The event feed of one store instance: ONE tail over the events table. It reads `seq > head` in seq order and hands
// each event to the subscribers once, advancing head(), whenever it is told there is more: by this instance's own
// commits (their events are handed on as they are when nothing came between), by a NOTIFY from any instance's commit,
// and by a poll every `pollMs` (a LISTEN connection that dropped misses notifies; on reconnecting it reads again).
// Reads take turns, so events are delivered in order however the wake-ups interleave.
import { randomBytes } from 'node:crypto';
import type { EventFeed, EventsAfter, StoreEvent, StoreLogger } from '@tweetstore/store';
import { reading, type Queries, type Sql } from './connect.ts';

/**
 * The oldest seq after which every event is kept, as a column of stream_head: seqs are gap-free from the first event
 * kept, and a store imported at a head seq (../import) keeps none before it.
 */
export const oldestRetained = (sql: Queries) => sql`coalesce((select min(seq) from events) - 1, head)`;

/** Events read per query while catching up. */
const PAGE = 1000;

interface EventRow {
  seq: number;
  type: StoreEvent['type'];
  at: number;
  payload: Record<string, unknown>;
}

// the payload spread last: it holds none of these, and properties set after a spread are slow (apply.ts)
const eventOf = (r: EventRow) => ({ seq: r.seq, type: r.type, at: r.at, ...r.payload }) as StoreEvent;

export class PostgresEventFeed implements EventFeed {
  #head: number;
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  #turn: Promise<void> = Promise.resolve();
  /** The highest seq this instance has heard of (its commits, notifies, polls). */
  #known: number;
  /** Since when the tail has been behind what it heard of (Date.now()), or undefined when caught up. */
  #behindSince: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #listening: { unlisten(): Promise<void> } | undefined;
  #closed = false;
  /** the last read failed */
  #failing = false;

  /** Names this instance's commits in their notifies (writer.ts), so it does not read its own events back. */
  readonly origin = randomBytes(6).toString('base64url');

  constructor(
    private readonly sql: Sql,
    head: number,
    private readonly logger: StoreLogger,
  ) {
    this.#head = this.#known = head;
  }

  /** Starts listening on `channel` and polling every `pollMs`. */
  async start(channel: string, pollMs: number): Promise<void> {
    this.#listening = await this.sql.listen(
      channel,
      (payload) => {
        // "<head> <origin>": this instance's own commits reach it through committed(), not by a second read
        const [head, origin] = payload.split(' ');
        if (origin !== this.origin) this.wake(Number(head));
      },
      () => this.wake(), // (re)connected: what was notified meanwhile is read now
    );
    this.#timer = setInterval(() => this.wake(), pollMs).unref();
  }

  async stop(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#listening?.unlisten().catch(() => {});
    await this.#turn;
  }

  head(): Promise<number> {
    return Promise.resolve(this.#head);
  }

  /** The last seq delivered, now. */
  headNow(): number {
    return this.#head;
  }

  async after(afterSeq: number, limit: number): Promise<EventsAfter> {
    const n = Math.max(0, Math.floor(limit));
    return reading(async () => {
      const [rows, [kept]] = await Promise.all([
        this.sql<EventRow[]>`select seq, type, at, payload from events where seq > ${afterSeq} order by seq limit ${n}`,
        this.sql<{ head: number; oldest: number }[]>`select head, ${oldestRetained(this.sql)} oldest from stream_head`,
      ]);
      if (afterSeq > kept!.head || afterSeq < kept!.oldest) return 'gone';
      return rows.map(eventOf);
    });
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    const entry = (event: StoreEvent) => listener(event);
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  /** How long the tail has been behind the newest seq it heard of, in ms (0 when caught up). */
  lagMs(): number {
    return this.#behindSince === undefined ? 0 : Date.now() - this.#behindSince;
  }

  /** Events heard of and not delivered yet. */
  behind(): number {
    return Math.max(0, this.#known - this.#head);
  }

  /** This instance committed these events (in seq order): delivered once every earlier one is. */
  committed(events: StoreEvent[]): Promise<void> {
    const last = events.at(-1)!.seq;
    this.#heard(last);
    return this.#take(async () => {
      if (this.#head < events[0]!.seq - 1) await this.#catchUp(events[0]!.seq - 1);
      for (const e of events) if (e.seq === this.#head + 1) this.#deliver(e);
    });
  }

  /** There may be events past the head (`seq`: the head a notify named). */
  wake(seq?: number): void {
    if (this.#closed) return;
    if (seq !== undefined) {
      if (!(seq > this.#head)) return;
      this.#heard(seq);
    }
    void this.#take(() => this.#catchUp(Infinity)).then(
      () => {
        if (this.#failing) this.logger.info({ head: this.#head }, 'the event tail reads again');
        this.#failing = false;
      },
      (error) => {
        // said once per outage, not at every poll
        if (!this.#failing) this.logger.warn({ err: error }, 'the event tail could not read; it retries at the next wake-up');
        this.#failing = true;
      },
    );
  }

  #heard(seq: number): void {
    if (seq > this.#known) this.#known = seq;
    if (this.#known > this.#head) this.#behindSince ??= Date.now();
  }

  #take(work: () => Promise<void>): Promise<void> {
    const next = this.#turn.then(work);
    this.#turn = next.catch(() => {});
    return next;
  }

  /** Reads and delivers events past the head, up to `upTo`. */
  async #catchUp(upTo: number): Promise<void> {
    for (;;) {
      const want = Math.min(PAGE, upTo - this.#head);
      if (want <= 0) return;
      const rows = await this.sql<EventRow[]>`select seq, type, at, payload from events where seq > ${this.#head} order by seq limit ${want}`;
      for (const r of rows) this.#deliver(eventOf(r));
      if (rows.length < want) return;
    }
  }

  #deliver(event: StoreEvent): void {
    if (event.seq !== this.#head + 1) throw new Error(`event ${event.seq} does not follow ${this.#head}`);
    this.#head = event.seq;
    if (this.#head > this.#known) this.#known = this.#head;
    if (this.#head >= this.#known) this.#behindSince = undefined;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: error, seq: event.seq }, 'an event subscriber threw');
      }
    }
  }
}
