// One connection's requests, a few per event-loop turn. A client can write thousands of requests at once (5,000
// pipelined HTTP requests, or WebSocket frames, in one write): the server reads them from one buffer and would start
// every one before the event loop turned again (5,000 pipelined calls held it 2-3 s, 5,000 frames 190-260 ms).
// Through a TurnQueue a connection's first request in a turn runs at once and the rest wait for later turns, in order,
// one a turn; past `high` waiting, the connection stops being read (TCP pushes back on the client) until they drain.
export class TurnQueue {
  readonly #waiting: (() => void)[] = [];
  #busy = false;
  #paused = false;

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
    private readonly high = 64,
  ) {}

  run(work: () => void): void {
    if (this.#busy) {
      this.#waiting.push(work);
      if (this.#waiting.length >= this.high && !this.#paused) {
        this.#paused = true;
        this.pause();
      }
      return;
    }
    this.#busy = true;
    setImmediate(this.#next);
    work();
  }

  readonly #next = (): void => {
    const work = this.#waiting.shift();
    if (!work) {
      this.#busy = false;
      return;
    }
    if (this.#paused && this.#waiting.length < this.high / 4) {
      this.#paused = false;
      this.resume();
    }
    setImmediate(this.#next);
    work();
  };
}
