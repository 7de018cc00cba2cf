// One connection's requests, a few at a time. A client can write thousands of requests at once (5,000 pipelined HTTP
// requests, or WebSocket frames, in one write): the server reads them from one buffer and would start every one
// before the event loop turned again (5,000 pipelined calls held it 2-3 s, 5,000 frames 190-260 ms). Through a
// TurnQueue a connection starts at most `perTurn` requests in an event-loop turn; the rest wait, in order, for later
// turns, and past `high` waiting the connection is not read (TCP pushes back on the client) until they drain. A count,
// not a time budget: what a request starts goes on in microtasks after it returns, where no clock around it sees it.
// An ordinary client (a call or two in flight) never waits.
//
// Many connections: a count per connection does not bound a turn. 64 HTTP clients whose requests arrive together are
// 64 read callbacks in one poll phase, each starting its request (a list, ~1.5 ms): the loop was held 76-93 ms (issue
// 14's bench). So every TurnQueue starts its requests through one TurnGate for the process, which measures a turn:
// Node runs a callback's microtasks before the next I/O callback or immediate, so when a request is about to start,
// the clock has seen all the work of those started before it. Past `budgetMs` in a turn (the poll phase's callbacks),
// requests wait in the gate's queue, in arrival order, and are started by batches of immediates, one request each,
// with a budget of their own: a turn's work is then at most about two budgets and a request.

/** Requests waiting in the gate past which TurnQueues keep theirs (and so stop reading their sockets). */
const GATE_HIGH = 256;
/** The gate's immediates queued at once: the most it can start in one check phase. */
const BATCH = 16;

export class TurnGate {
  readonly #queue: (() => void)[] = [];
  #head = 0;
  /** When the current turn's first request started; null: none has in this turn. */
  #turnStart: number | null = null;
  /** The same for the current batch of the gate's immediates. */
  #batchStart: number | null = null;
  #batchQueued = false;
  #batchLeft = 0;

  constructor(
    readonly budgetMs = 10,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get waiting(): number {
    return this.#queue.length - this.#head;
  }

  /** Whether a TurnQueue should keep its requests: the gate has more than it can start soon. */
  get saturated(): boolean {
    return this.waiting >= GATE_HIGH;
  }

  /** Starts `work` now if this turn has time left and nobody waits before it; else when its turn comes. */
  start(work: () => void): void {
    if (this.waiting === 0 && this.#within()) return work();
    this.#queue.push(work);
    this.#queueBatch();
  }

  /** Whether the turn's budget has time left; the first call of a turn opens it, and an immediate closes it. */
  #within(): boolean {
    const now = this.now();
    if (this.#turnStart === null) {
      this.#turnStart = now;
      setImmediate(this.#endTurn);
      return true;
    }
    return now - this.#turnStart < this.budgetMs;
  }

  /** The same for a batch, which #openBatch opens. */
  #withinBatch(): boolean {
    const now = this.now();
    this.#batchStart ??= now;
    return now - this.#batchStart < this.budgetMs;
  }

  readonly #endTurn = (): void => {
    this.#turnStart = null;
  };

  /** A batch: an immediate that opens a turn of its own, then BATCH that each start one request while it has time. */
  #queueBatch(): void {
    if (this.#batchQueued) return;
    this.#batchQueued = true;
    setImmediate(this.#openBatch);
    this.#batchLeft = BATCH;
    for (let i = 0; i < BATCH; i++) setImmediate(this.#startOne);
  }

  readonly #openBatch = (): void => {
    this.#batchStart = null;
  };

  readonly #startOne = (): void => {
    const last = --this.#batchLeft === 0;
    try {
      if (this.waiting > 0 && this.#withinBatch()) {
        const work = this.#queue[this.#head]!;
        this.#queue[this.#head++] = undefined as never;
        if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
          this.#queue.splice(0, this.#head);
          this.#head = 0;
        }
        work();
      }
    } finally {
      if (last) {
        this.#batchQueued = false;
        if (this.waiting > 0) this.#queueBatch();
      }
    }
  };
}

/** The process's gate: every connection's requests start through it. */
export const processGate = new TurnGate();

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
    private readonly gate: TurnGate = processGate,
  ) {}

  run(work: () => void): void {
    if (this.#started === null) {
      this.#started = 0;
      setImmediate(this.#nextTurn);
    }
    if (this.#waiting.length > 0 || this.#started >= this.perTurn || this.gate.saturated) {
      this.#waiting.push(work);
      if (this.#waiting.length >= this.high && !this.#paused) {
        this.#paused = true;
        this.pause();
      }
      return;
    }
    this.#started++;
    this.gate.start(work);
  }

  readonly #nextTurn = (): void => {
    if (this.#waiting.length === 0) {
      this.#started = null;
      return;
    }
    this.#started = 0;
    while (this.#waiting.length > 0 && this.#started < this.perTurn && !this.gate.saturated) {
      this.#started++;
      this.gate.start(this.#waiting.shift()!);
    }
    if (this.#paused && this.#waiting.length < this.high / 4) {
      this.#paused = false;
      this.resume();
    }
    setImmediate(this.#nextTurn);
  };
}
