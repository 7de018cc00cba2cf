// The most recent durable events, for eventsAfter() without touching the disk.
import type { StoreEvent } from '../events.ts';

export class EventRing {
  readonly #slots: (StoreEvent | undefined)[];
  #count = 0;
  #lastSeq = 0;

  constructor(readonly capacity: number) {
    this.#slots = new Array(Math.max(1, capacity));
  }

  /** Events must arrive in seq order without gaps (a gap restarts the ring). */
  push(event: StoreEvent): void {
    if (this.capacity <= 0) return;
    if (this.#count > 0 && event.seq !== this.#lastSeq + 1) this.#count = 0;
    this.#slots[event.seq % this.#slots.length] = event;
    this.#lastSeq = event.seq;
    this.#count = Math.min(this.#count + 1, this.#slots.length);
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
    for (let seq = afterSeq + 1; seq <= this.#lastSeq && out.length < limit; seq++) out.push(this.#slots[seq % this.#slots.length]!);
    return out;
  }
}
