// PostgresKeyedLock: tasks of one key never overlap, whichever instance runs them; tasks of other keys do not wait.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresKeyedLock } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

let db: TestDatabase;
let locks: PostgresKeyedLock[];
beforeAll(async () => {
  db = await createTestDatabase();
  locks = [new PostgresKeyedLock({ url: db.url }), new PostgresKeyedLock({ url: db.url })];
});
afterAll(async () => {
  await Promise.all((locks ?? []).map((l) => l.close()));
  await db?.drop();
});

describe('PostgresKeyedLock', () => {
  it('runs the tasks of one key one at a time across two instances, each to its end', async () => {
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      most = Math.max(most, ++inside);
      await sleep(2); // a turn of real I/O inside the lock, where another task could slip in
      order.push(i);
      inside--;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => locks[i % 2]!.run('media-1', task(i))));
    expect(results).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(most).toBe(1);
    expect(order).toHaveLength(24);
  });

  it('lets tasks of different keys run at once, and passes a failure to its caller', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = locks[0]!.run('media-a', () => held);
    // runs while media-a is held on the other instance: if keys shared a lock this would wait for ever
    await expect(locks[1]!.run('media-b', async () => 'b')).resolves.toBe('b');
    release();
    await first;
    await expect(locks[1]!.run('media-a', async () => Promise.reject(new Error('task failed')))).rejects.toThrow('task failed');
    await expect(locks[0]!.run('media-a', async () => 'after')).resolves.toBe('after');
  });
});
