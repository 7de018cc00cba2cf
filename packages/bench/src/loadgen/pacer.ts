// The open-loop schedule shared by every transport: call i is due at t0 + i/rate, whatever is still outstanding,
// and its latency counts from when it was due (no coordinated omission). A 1 ms ticker sends what has come due.
// Calls are due in [t0, end): a window of rate x duration holds exactly that many calls, however late the last tick.
export interface Pacer {
  stop(): void;
  /** calls sent so far, and the largest lag of an actual send behind its schedule */
  readonly scheduled: number;
  readonly sendLagMaxMs: number;
}

export function startPacer(rate: number, t0: number, end: number, fire: (dueAt: number) => void): Pacer {
  const interval = 1000 / rate;
  let scheduled = 0;
  let sendLagMaxMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    // the window is half-open: a call due exactly at `end` belongs to the next window (rate x duration calls in all)
    for (let at = t0 + scheduled * interval; at <= now && at < end; at = t0 + scheduled * interval) {
      sendLagMaxMs = Math.max(sendLagMaxMs, now - at);
      scheduled++;
      fire(at);
    }
  }, 1);
  return {
    stop: () => clearInterval(ticker),
    get scheduled() {
      return scheduled;
    },
    get sendLagMaxMs() {
      return sendLagMaxMs;
    },
  };
}
