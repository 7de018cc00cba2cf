// A server's wake queue: the wake-ups of many subscribers spread over event-loop turns, a bounded number a turn, in
// the order they were queued.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WakeQueue } from '../src/index.ts';

describe('WakeQueue', () => {
  it('wakes 64 a turn, in order, and the rest in the next turns', async () => {
    const queue = new WakeQueue();
    const woken: number[] = [];
    for (let i = 0; i < 150; i++) queue.add(() => woken.push(i));
    expect(woken).toEqual([]); // none in the turn that queued them
    await nextTurn();
    expect(woken).toEqual(Array.from({ length: 64 }, (_, i) => i));
    await nextTurn();
    expect(woken).toHaveLength(128);
    await nextTurn();
    expect(woken).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });

  it('keeps each queue’s turns to itself', async () => {
    const [a, b] = [new WakeQueue(), new WakeQueue()];
    const woken: string[] = [];
    for (let i = 0; i < 64; i++) a.add(() => woken.push('a'));
    b.add(() => woken.push('b'));
    await nextTurn();
    expect(woken.filter((w) => w === 'b')).toEqual(['b']); // not held back behind the other queue's 64
  });
});
