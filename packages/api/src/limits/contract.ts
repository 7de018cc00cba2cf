// The limiter port's contract: every backing store (memory now, a shared one for the scale-out) runs these same tests,
// given a factory that opens a store on a clock the tests move. Each test uses its own names and keys.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LimiterStore, Verdict } from './port.ts';
import { SLOTS } from './sliding-window.ts';

export type OpenLimiterStore = (now: () => number) => LimiterStore | Promise<LimiterStore>;

export function describeLimiterStore(engine: string, open: OpenLimiterStore): void {
  const setUp = async () => {
    let time = Date.UTC(2026, 11, 7, 12, 0, 0, 1);
    const store = await open(() => time);
    return { store, name: `t-${randomUUID()}`, advance: (ms: number) => (time += ms) };
  };
  const allowed = (verdicts: Verdict[]) => verdicts.filter((v) => v.ok).length;

  describe(`limiter store contract: ${engine}`, () => {
    it('allows N in a window, refuses the next with how long to wait, and takes nothing for a refusal', async () => {
      const { store, name, advance } = await setUp();
      const limiter = store.rate(name, { points: 5, windowMs: 60_000 });
      for (let i = 0; i < 5; i++) expect(await limiter.take('ada')).toEqual({ ok: true });
      const refused = await limiter.take('ada');
      expect(refused.ok).toBe(false);
      const wait = (refused as { retryAfterMs: number }).retryAfterMs;
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60_000 + 60_000 / SLOTS);
      // other keys are not affected
      expect(await limiter.take('bob')).toEqual({ ok: true });
      // many refusals later, the wait has not grown: refused takes took nothing
      for (let i = 0; i < 20; i++) await limiter.take('ada');
      advance(wait - 1);
      expect((await limiter.take('ada')).ok).toBe(false);
      advance(1);
      expect(await limiter.take('ada')).toEqual({ ok: true });
    });

    it('holds N in ANY window of length T, not only in fixed windows (no 2N across a boundary)', async () => {
      const { store, name, advance } = await setUp();
      const limiter = store.rate(name, { points: 10, windowMs: 60_000 });
      const takes = (n: number) => Promise.all(Array.from({ length: n }, () => limiter.take('k')));
      expect(allowed(await takes(5))).toBe(5); // t = 0
      advance(40_000);
      expect(allowed(await takes(5))).toBe(5); // t = 40 s
      advance(35_000);
      // t = 75 s: the first five have left every window ending now; the five of t = 40 s have not
      expect(allowed(await takes(10))).toBe(5);
      // and in no window of 60 s did more than 10 get through: from t = 40 s to t = 100 s, still 10
      advance(20_000);
      expect(allowed(await takes(10))).toBe(0);
    });

    it('lets exactly N of many concurrent takes through', async () => {
      const { store, name } = await setUp();
      const limiter = store.rate(name, { points: 10, windowMs: 60_000 });
      const verdicts = await Promise.all(Array.from({ length: 40 }, () => limiter.take('burst')));
      expect(allowed(verdicts)).toBe(10);
    });

    it('gives points back, never below nothing', async () => {
      const { store, name } = await setUp();
      const limiter = store.rate(name, { points: 2, windowMs: 60_000 });
      await limiter.take('k');
      await limiter.take('k');
      expect((await limiter.take('k')).ok).toBe(false);
      await limiter.giveBack('k');
      expect(await limiter.take('k')).toEqual({ ok: true });
      await limiter.giveBack('k', 5);
      expect(allowed(await Promise.all([limiter.take('k'), limiter.take('k'), limiter.take('k')]))).toBe(2);
    });

    it('knows whether a key took anything in the last window', async () => {
      const { store, name, advance } = await setUp();
      const limiter = store.rate(name, { points: 1_000, windowMs: 60_000 });
      expect(await limiter.touched('k')).toBe(false);
      await limiter.take('k');
      expect(await limiter.touched('k')).toBe(true);
      advance(60_000 + 60_000 / SLOTS + 1);
      expect(await limiter.touched('k')).toBe(false);
    });

    it('remembers a key once for at least its window', async () => {
      const { store, name, advance } = await setUp();
      const once = store.once(name, 60_000);
      expect(await once.first('a')).toBe(true);
      expect(await once.first('a')).toBe(false);
      expect(await once.first('b')).toBe(true);
      advance(59_999);
      expect(await once.first('a')).toBe(false);
      advance(2 * 60_000 + 1);
      expect(await once.first('a')).toBe(true);
    });

    it('lets at most `max` through a gate at once per key, and takes a release only once', async () => {
      const { store, name } = await setUp();
      const gate = store.gate(name, 2);
      const first = await gate.enter('ada');
      const second = await gate.enter('ada');
      expect(first && second).toBeTruthy();
      expect(await gate.enter('ada')).toBeNull();
      expect(await gate.enter('bob')).not.toBeNull();
      first!();
      first!();
      const third = await gate.enter('ada');
      expect(third).not.toBeNull();
      expect(await gate.enter('ada')).toBeNull();
    });
  });
}
