// SIGKILL of a process writing through openPostgresStore loses nothing it acknowledged: every create and edit it printed
// (after its promise resolved) is there after reopening, the event stream has no gap, and writing goes on.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_EDIT_POLICY, systemClock } from '@tweetstore/core';
import type { StoreEvent } from '@tweetstore/store';
import { openPostgresStore } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';

const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

it('keeps every acknowledged write of a writer killed with SIGKILL, in 3 rounds', { timeout: 180_000 }, async () => {
  const schema = `kill_${randomBytes(4).toString('hex')}`;
  const created = new Map<string, string>();
  const edited = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    const child = spawn(process.execPath, ['--import', 'tsx', join('test/support', 'pg-writer.ts'), db.url, schema, String(round)], { cwd: packageRoot });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    let acked = 0;
    const goal = 150 + 50 * round;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [what, id, ...rest] = line.split(' ');
      if (what === 'created') created.set(id!, rest.join(' '));
      if (what === 'edited') edited.set(id!, Number(rest[0]));
      // killed while 16 callers have writes in flight
      if (++acked === goal) child.kill('SIGKILL');
    });
    expect(await closed, stderr).toBe('SIGKILL');

    const store = await openPostgresStore({ url: db.url, schema, clock: systemClock, policy: DEFAULT_EDIT_POLICY });
    try {
      for (const [id, content] of created) {
        const t = await store.getTweet(id, null);
        expect(t, `tweet ${id}`).not.toBeNull();
        expect((await store.listVersions(id, null))[0]!.content).toBe(content);
        expect(t!.version).toBeGreaterThanOrEqual(edited.get(id) ?? 1);
      }
      const head = await store.events.head();
      const events = (await store.events.after(0, 1_000_000)) as StoreEvent[];
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
      expect((await store.stats()).tweets).toBe(events.filter((e) => e.type === 'TweetCreated').length);
    } finally {
      await store.close();
    }
  }
  expect(created.size).toBeGreaterThanOrEqual(3 * 75);
});
