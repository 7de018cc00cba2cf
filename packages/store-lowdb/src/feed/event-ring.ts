// The most recent durable events, for events.after() without touching the disk. Events read back from the journal
// after a start are kept as the journal's JSON and parsed only if a subscriber resumes that far back: refilling
// 100,000 events costs a read, not 100,000 parses and their objects.
import type { StoreEvent } from '@tweetstore/store';

export class EventRing {
  readonly #slots: (StoreEvent | string | undefined)[];
  #count = 0;
  #lastSeq = 0;

  constructor(readonly capacity: number) {
    this.#slots = new Array(Math.max(1, capacity));
  }

  /** Events must arrive in seq order without gaps (a gap restarts the ring). */
  push(event: StoreEvent): void {
    this.#put(event.seq, event);
  }

  /**
   * Older events, as the journal holds them (`payload` is the JSON), in seq order and ending right before the oldest
   * held (or anywhere, when none is held): as many as fit. Ignored if they do not end there (the ring moved on).
   */
  prepend(records: readonly { seq: number; payload: string }[]): void {
    const last = records.at(-1);
    if (this.capacity <= 0 || last === undefined) return;
    if (this.#count === 0) this.#lastSeq = last.seq; // nothing held yet: the next event must follow these
    if (last.seq !== this.#lastSeq - this.#count) return;
    for (let i = records.length - 1; i >= 0 && this.#count < this.#slots.length; i--) {
      const { seq, payload } = records[i]!;
      if (seq !== this.#lastSeq - this.#count) return;
      this.#slots[seq % this.#slots.length] = payload;
      this.#count++;
    }
  }

  /** The oldest seq held, or undefined when empty. */
  firstSeq(): number | undefined {
    return this.#count === 0 ? undefined : this.#lastSeq - this.#count + 1;
  }

  /** Events after `afterSeq`, or undefined if the ring does not hold all of them. */
  after(afterSeq: number, limit: number): StoreEvent[] | undefined {
    const first = this.firstSeq();
    if (first === undefined || afterSeq < first - 1) return undefined;
    const out: StoreEvent[] = [];
    for (let seq = afterSeq + 1; seq <= this.#lastSeq && out.length < limit; seq++) {
      const slot = seq % this.#slots.length;
      let event = this.#slots[slot]!;
      if (typeof event === 'string') {
        event = JSON.parse(event) as StoreEvent;
        if (event.seq !== seq) throw new Error(`journal record ${seq} holds event seq ${event.seq}`);
        this.#slots[slot] = event;
      }
      out.push(event);
    }
    return out;
  }

  #put(seq: number, event: StoreEvent | string): void {
    if (this.capacity <= 0) return;
    if (this.#count > 0 && seq !== this.#lastSeq + 1) this.#count = 0;
    this.#slots[seq % this.#slots.length] = event;
    this.#lastSeq = seq;
    this.#count = Math.min(this.#count + 1, this.#slots.length);
  }
}
