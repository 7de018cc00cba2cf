// The process's TurnGate: requests that arrive together start while the turn has time left, the rest in later turns,
// in arrival order. Its clock is the test's: each request "costs" what it adds to it, so what a turn held is exact.
import { describe, expect, it } from 'vitest';
import { TurnGate, TurnQueue } from '../src/turns.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A gate on a clock the requests move; `started` logs each request's number and the turn it started in. */
function harness(budgetMs: number) {
  let clock = 0;
  let turn = 0;
  const started: { n: number; turn: number }[] = [];
  const gate = new TurnGate(budgetMs, () => clock);
  const request = (n: number, costMs: number) => () => {
    started.push({ n, turn });
    clock += costMs;
  };
  return { gate, started, request, next: async () => (await nextTurn(), turn++) };
}

describe('TurnGate', () => {
  it('starts requests that arrive together while the turn has time, and the rest in later turns, in order', async () => {
    const { gate, started, request, next } = harness(10);
    // 64 connections' requests read in one poll phase, 3 ms each: 192 ms in one turn before the gate
    for (let n = 0; n < 64; n++) gate.start(request(n, 3));
    expect(started.map((s) => s.n)).toEqual([0, 1, 2, 3]); // 0, 3, 6, 9 ms: the fifth would start at 12
    expect(gate.waiting).toBe(60);
    while (gate.waiting > 0) await next();
    expect(started.map((s) => s.n)).toEqual([...Array(64).keys()]);
    // a turn of the loop holds the poll phase's budget and a batch's, each overrun by at most one request:
    // 8 requests of 3 ms (before the gate, all 64 started in the first)
    const perTurn = new Map<number, number>();
    for (const s of started) perTurn.set(s.turn, (perTurn.get(s.turn) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(8);
    expect(perTurn.size).toBeGreaterThanOrEqual(8);
  });

  it('starts a request at once when nothing waits and the turn has time: an ordinary client never waits', () => {
    const { gate, started, request } = harness(10);
    gate.start(request(0, 0.2));
    gate.start(request(1, 0.2));
    expect(started.map((s) => s.n)).toEqual([0, 1]);
    expect(gate.waiting).toBe(0);
  });

  it('makes a request that arrives after others wait take its place behind them, even when the turn has time', async () => {
    const { gate, started, request, next } = harness(10);
    gate.start(request(0, 11)); // over the budget alone
    gate.start(request(1, 1));
    await next(); // a new turn: time again, but request 1 waits
    gate.start(request(2, 1));
    while (gate.waiting > 0) await next();
    expect(started.map((s) => s.n)).toEqual([0, 1, 2]);
  });

  it('goes on starting the queue when a request throws', async () => {
    const { gate, started, request, next } = harness(10);
    gate.start(request(0, 20));
    gate.start(() => {
      throw new Error('a request that throws');
    });
    gate.start(request(2, 1));
    const thrown: unknown[] = [];
    const onError = (error: unknown) => thrown.push(error);
    process.on('uncaughtException', onError);
    try {
      for (let i = 0; i < 5 && gate.waiting > 0; i++) await next();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(started.map((s) => s.n)).toEqual([0, 2]);
  });

  it("keeps a connection's requests, and stops reading it, while the gate is full", async () => {
    const { gate, request } = harness(10);
    gate.start(request(-1, 100)); // the turn is spent: the rest wait in the gate
    for (let n = 0; n < 256; n++) gate.start(request(n, 0));
    expect(gate.saturated).toBe(true);
    let paused = false;
    const queue = new TurnQueue(() => (paused = true), () => (paused = false), 4, 8, gate);
    for (let n = 0; n < 8; n++) queue.run(request(1000 + n, 0));
    expect(gate.waiting).toBe(256); // none handed to the gate
    expect(paused).toBe(true);
    while (gate.waiting > 0 || paused) await nextTurn();
    expect(paused).toBe(false);
  });
});
