// The open-loop schedule: a window of `rate x duration` holds exactly that many calls, each due at its own time,
// also when the ticker first runs after the window has closed (a late tick must not add the call due at `end`).
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startPacer } from '../src/loadgen/pacer.ts';

describe('open-loop pacer', () => {
  it('fires rate x duration calls in [t0, end), at their due times, however late the ticks come', async () => {
    const due: number[] = [];
    const t0 = performance.now();
    const pacer = startPacer(1000, t0, t0 + 20, (at) => due.push(at));
    while (performance.now() < t0 + 40) await sleep(5);
    pacer.stop();
    expect(pacer.scheduled).toBe(20);
    expect(due).toEqual(Array.from({ length: 20 }, (_, i) => t0 + i));
  });

  it('fires a window that is already over at once, with its lag, and no call due at or after its end', async () => {
    const fired: number[] = [];
    const t0 = performance.now() - 100;
    const pacer = startPacer(100, t0, t0 + 50, (at) => fired.push(at));
    await sleep(10);
    pacer.stop();
    expect(fired).toHaveLength(5);
    expect(pacer.sendLagMaxMs).toBeGreaterThanOrEqual(50);
  });
});
