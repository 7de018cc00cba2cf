// One connection's requests, a few at a time. A client can write thousands of requests at once (5,000 pipelined HTTP
// requests, or WebSocket frames, in one write): the server reads them from one buffer and would start every one
// before the event loop turned again (5,000 pipelined calls held it 2-3 s, 5,000 frames 190-260 ms). Through a
// TurnQueue a connection starts at most `perTurn` requests in an event-loop turn; the rest wait, in order, for later
// turns, and past `high` waiting the connection is not read (TCP pushes back on the client) until they drain. A count,
// not a time budget: what a request starts goes on in microtasks after it returns, where no clock around it sees it.
// An ordinary client (a call or two in flight) never waits.

export class TurnQueue {
  readonly #waiting: (() => void)[] = [];
  /** Requests started in the current turn; null when none has been. */
  #started: number | null = null;
  #paused = false;

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
    private readonly perTurn: number,
    private readonly high = 64,
  ) {}

  run(work: () => void): void {
    if (this.#started === null) {
      this.#started = 0;
      setImmediate(this.#nextTurn);
    }
    if (this.#waiting.length > 0 || this.#started >= this.perTurn) {
      this.#waiting.push(work);
      if (this.#waiting.length >= this.high && !this.#paused) {
        this.#paused = true;
        this.pause();
      }
      return;
    }
    this.#started++;
    work();
  }

  readonly #nextTurn = (): void => {
    if (this.#waiting.length === 0) {
      this.#started = null;
      return;
    }
    this.#started = 0;
    while (this.#waiting.length > 0 && this.#started < this.perTurn) {
      this.#started++;
      this.#waiting.shift()!();
    }
    if (this.#paused && this.#waiting.length < this.high / 4) {
      this.#paused = false;
      this.resume();
    }
    setImmediate(this.#nextTurn);
  };
}
