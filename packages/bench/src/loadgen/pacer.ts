// The open-loop schedule shared by every transport: call i is due at t0 + i/rate, whatever is still outstanding,
// and its latency counts from when it was due (no coordinated omission). A 1 ms ticker sends what has come due.
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
    const due = Math.min(now, end);
    while (t0 + scheduled * interval <= due) {
      const at = t0 + scheduled * interval;
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
