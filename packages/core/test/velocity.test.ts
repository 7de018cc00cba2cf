import fc from 'fast-check';
import { expect, test } from 'vitest';
import { bumpRate, levelOfRate, ratePerMinute, velocityLevel, VELOCITY_HALF_LIFE_MS, type DecayedRate } from '../src/velocity.ts';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

function steady(perMinute: number, minutes: number, halfLifeMs?: number): DecayedRate | undefined {
  let rate: DecayedRate | undefined;
  const gap = MINUTE / perMinute;
  for (let t = T0; t < T0 + minutes * MINUTE; t += gap) rate = bumpRate(rate, t, 1, halfLifeMs);
  return rate;
}

test('a steady 10 events/min for 30 minutes reads ~10', () => {
  const end = T0 + 30 * MINUTE;
  // 6 half-lives: within 2% of the steady state (the last 1.6% is still building up)
  expect(ratePerMinute(steady(10, 30), end)).toBeGreaterThan(9.7);
  expect(ratePerMinute(steady(10, 30), end)).toBeLessThan(10.2);
  // and it converges to the stream's rate, for any half-life (within the sawtooth of discrete events, < 1% here)
  expect(Math.abs(ratePerMinute(steady(10, 120), T0 + 120 * MINUTE) - 10)).toBeLessThan(0.1);
  expect(Math.abs(ratePerMinute(steady(60, 60, 2 * MINUTE), T0 + 60 * MINUTE, 2 * MINUTE) - 60)).toBeLessThan(0.6);
});

test('after one half-life without events it reads half', () => {
  const rate = steady(10, 30);
  const end = T0 + 30 * MINUTE;
  expect(ratePerMinute(rate, end + VELOCITY_HALF_LIFE_MS)).toBeCloseTo(ratePerMinute(rate, end) / 2, 10);
  expect(ratePerMinute(rate, end + 2 * VELOCITY_HALF_LIFE_MS)).toBeCloseTo(ratePerMinute(rate, end) / 4, 10);
  expect(ratePerMinute(rate, end + 1000 * VELOCITY_HALF_LIFE_MS)).toBeLessThan(1e-100);
});

test('no events reads 0', () => {
  expect(ratePerMinute(undefined, T0)).toBe(0);
});

test('bumping by n equals n single bumps, and the order events arrive in does not matter', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3_600_000 }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 30 }), (events) => {
      const fold = (list: [number, number][]) => list.reduce<DecayedRate | undefined>((r, [dt, n]) => bumpRate(r, T0 + dt, n), undefined);
      const singles = events.flatMap(([dt, n]) => Array.from({ length: n }, (): [number, number] => [dt, 1]));
      const sorted = [...events].sort((x, y) => x[0] - y[0]);
      const now = T0 + 4_000_000;
      const expected = ratePerMinute(fold(sorted), now);
      expect(ratePerMinute(fold(events), now)).toBeCloseTo(expected, 9);
      expect(ratePerMinute(fold(singles), now)).toBeCloseTo(expected, 9);
    }),
  );
});

test('a late-arriving old event is decayed to the newest time, never the newest decayed back to it', () => {
  const YEAR = 365 * 24 * 60 * MINUTE; // ~10^5 half-lives: 2^+that overflows
  const rate = bumpRate(bumpRate(undefined, T0 + YEAR), T0);
  expect(rate.at).toBe(T0 + YEAR);
  expect(rate.value).toBe(1);
  expect(ratePerMinute(rate, T0 + YEAR)).toBe(ratePerMinute(bumpRate(undefined, T0 + YEAR), T0 + YEAR));
});

test('reading before the last event does not inflate the rate', () => {
  const rate = bumpRate(undefined, T0 + MINUTE);
  expect(ratePerMinute(rate, T0)).toBe(ratePerMinute(rate, T0 + MINUTE));
});

test('a half-life must be positive', () => {
  expect(() => bumpRate(undefined, T0, 1, 0)).toThrow(RangeError);
  expect(() => ratePerMinute(undefined, T0, -1)).toThrow(RangeError);
});

const rateArb = fc.record({ value: fc.double({ min: 1e-3, max: 1e6, noNaN: true }), at: fc.integer({ min: T0, max: T0 + 600 * MINUTE }) });
const ratesArb = fc.array(fc.option(rateArb, { nil: undefined }), { maxLength: 4 });
const sumPerMinute = (rates: (DecayedRate | undefined)[], now: number) => rates.reduce((sum, r) => sum + ratePerMinute(r, now), 0);

test('levels order sets of rates as their summed rates order them, at any time after the rates', () => {
  fc.assert(
    fc.property(ratesArb, ratesArb, fc.integer({ min: 0, max: 120 * MINUTE }), (a, b, after) => {
      const now = T0 + 600 * MINUTE + after;
      const [ra, rb] = [sumPerMinute(a, now), sumPerMinute(b, now)];
      const [la, lb] = [velocityLevel(a), velocityLevel(b)];
      // summed rates that differ by more than rounding compare as their levels do
      if (Math.abs(ra - rb) > 1e-9 * Math.max(ra, rb)) expect(Math.sign(la - lb)).toBe(Math.sign(ra - rb));
    }),
    { numRuns: 2000 },
  );
});

test('levelOfRate is the level at which the rates read that many events per minute', () => {
  fc.assert(
    fc.property(fc.array(rateArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 120 * MINUTE }), (rates, after) => {
      const now = T0 + 600 * MINUTE + after;
      const perMinute = sumPerMinute(rates, now);
      fc.pre(perMinute > 1e-250); // below, the sum underflows
      expect(velocityLevel(rates) - levelOfRate(perMinute, now)).toBeCloseTo(0, 6);
    }),
  );
  expect(velocityLevel([])).toBe(-Infinity);
  expect(velocityLevel([undefined, { value: 0, at: T0 }])).toBe(-Infinity);
});

test('a level never falls when an event is added (it rises, but for one too old to move it beyond rounding)', () => {
  fc.assert(
    fc.property(rateArb, fc.integer({ min: T0 - 60 * MINUTE, max: T0 + 900 * MINUTE }), fc.integer({ min: 1, max: 100 }), (rate, at, n) => {
      expect(velocityLevel([bumpRate(rate, at, n)])).toBeGreaterThanOrEqual(velocityLevel([rate]));
    }),
  );
});
