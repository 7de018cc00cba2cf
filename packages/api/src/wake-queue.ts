// Subscribers woken by one event are spread over event-loop turns, WAKES_PER_TURN at a time: an event reaches every
// subscriber, and waking a thousand at once ran all their deliveries back to back in one turn (hundreds of ms with no
// I/O between them). Order within each stream is unchanged; each stream reads its own queue. One queue per server
// (built in its composition root), so all its subscribers share the turns.
const WAKES_PER_TURN = 64;

export class WakeQueue {
  readonly #wakes: (() => void)[] = [];
  #waking = false;

  /** Calls `wake` in a later turn, after the wakes queued before it. */
  add(wake: () => void): void {
    this.#wakes.push(wake);
    if (!this.#waking) {
      this.#waking = true;
      setImmediate(this.#wakeSome);
    }
  }

  readonly #wakeSome = (): void => {
    for (const wake of this.#wakes.splice(0, WAKES_PER_TURN)) wake();
    if (this.#wakes.length > 0) setImmediate(this.#wakeSome);
    else this.#waking = false;
  };
}
