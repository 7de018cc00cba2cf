// A shared limiter store (Redis) insured by a process-local one (memory): while the shared store fails or answers
// slowly, each limit counts in this process's memory, so the limits still hold per instance and no call fails or
// waits because of them; once the shared store answers again, the limits count there again. A circuit breaker
// (cockatiel) decides: after a few failures in a row calls go straight to memory, and one call now and then tries the
// shared store again.
import { setMaxListeners } from 'node:events';
import { circuitBreaker, ConsecutiveBreaker, handleAll } from 'cockatiel';
import type { Gate, LimiterStore, Once, RateLimiter } from './port.ts';

export interface InsuredLimiterStoreOptions {
  /** A call the shared store has not answered in this long is counted in memory instead; default 200 ms. */
  timeoutMs?: number;
  /** Failures in a row (errors or timeouts) that switch every call to memory; default 3. */
  failuresToSwitch?: number;
  /** How long after switching one call tries the shared store again; default 1,000 ms. */
  retryAfterMs?: number;
  /** Told once when the limits switch to memory, and once when they are back on the shared store. */
  log: { warn(details: object, message: string): void; info(details: object, message: string): void };
  /** Named in the log lines (e.g. "Redis"). */
  sharedName: string;
}

export interface InsuredLimiterStore extends LimiterStore {
  /** True while the limits count in this process's memory. */
  readonly degraded: boolean;
  /** Stops using the shared store (it is the opener's to close). */
  close(): void;
}

export function insuredLimiterStore(shared: LimiterStore, local: LimiterStore, options: InsuredLimiterStoreOptions): InsuredLimiterStore {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.retryAfterMs ?? 1_000,
    breaker: new ConsecutiveBreaker(options.failuresToSwitch ?? 3),
  });
  const timeoutMs = options.timeoutMs ?? 200;
  // The breaker derives each call's AbortSignal from this one, listening on it while the call runs; unlimited
  // listeners, or Node warns of a leak past 10 calls in flight. (A signal per call, or cockatiel's own timeout policy,
  // cost 3 and 15 us a call more than this signal and our own timer: test/insured-limits.measure.test.ts.)
  const neverAborted = new AbortController().signal;
  setMaxListeners(0, neverAborted);
  let degraded = false;
  // a half-open try that fails breaks the circuit again: logged once per outage, not once per try
  const listeners = [
    breaker.onBreak((reason) => {
      if (degraded) return;
      degraded = true;
      const error = 'error' in reason ? reason.error : undefined;
      options.log.warn({ err: error }, `${options.sharedName} is failing or slow: the limits count in this process's memory until it answers again`);
    }),
    breaker.onReset(() => {
      if (!degraded) return;
      degraded = false;
      options.log.info({}, `${options.sharedName} answers again: the limits count there again`);
    }),
  ];

  /**
   * The shared store's answer, or the local one's when the shared store fails, is slow, or the circuit is open.
   * `late` gets a shared answer that came after the local one was taken.
   */
  async function insured<T>(onShared: () => Promise<T>, onLocal: () => Promise<T>, late?: (value: T) => void): Promise<T> {
    let attempt: Promise<T> | undefined;
    try {
      return await breaker.execute(() => within(timeoutMs, (attempt = onShared())), neverAborted);
    } catch {
      if (attempt && late) attempt.then(late, () => {});
      return onLocal();
    }
  }

  return {
    get degraded() {
      return degraded;
    },
    rate(name, rule): RateLimiter {
      const [onShared, onLocal] = [shared.rate(name, rule), local.rate(name, rule)];
      return {
        rule,
        take: (key, cost) => insured(() => onShared.take(key, cost), () => onLocal.take(key, cost)),
        giveBack: (key, cost) => insured(() => onShared.giveBack(key, cost), () => onLocal.giveBack(key, cost)),
        touched: (key) => insured(() => onShared.touched(key), () => onLocal.touched(key)),
      };
    },
    once(name, windowMs): Once {
      const [onShared, onLocal] = [shared.once(name, windowMs), local.once(name, windowMs)];
      return { first: (key) => insured(() => onShared.first(key), () => onLocal.first(key)) };
    },
    gate(name, max): Gate {
      const [onShared, onLocal] = [shared.gate(name, max), local.gate(name, max)];
      return {
        max,
        // a place the shared store gave after its answer was given up on is nobody's: given back at once
        enter: (key) => insured(() => onShared.enter(key), () => onLocal.enter(key), (release) => release?.()),
      };
    },
    close() {
      for (const listener of listeners) listener.dispose();
    },
  };
}

class SlowAnswer extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'SlowAnswer';
  }
}

/** `answer`, or a SlowAnswer rejection once it has taken `ms` (the answer itself is left to come or not). */
function within<T>(ms: number, answer: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new SlowAnswer(ms)), ms);
    answer.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
