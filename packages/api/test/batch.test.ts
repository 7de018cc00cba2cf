// The calls of one batch start in successive event-loop turns (trpc.ts: afterTurns), so a batch of 50 costly calls
// never runs as one turn: other clients' I/O is served between them.
import { callTRPCProcedure } from '@trpc/server';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { appRouter, createContext } from '../src/index.ts';
import { openTestApi, type TestApi } from './setup.ts';

let t: TestApi;
beforeEach(async () => {
  t = await openTestApi();
});
afterEach(() => t.close());

/** Counts event-loop turns: an immediate queued from an immediate runs in the next turn. */
function turnCounter() {
  let turn = 0;
  let running = true;
  const tick = () => {
    turn++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turn, stop: () => void (running = false) };
}

it('starts call k of a batch k event-loop turns after the first, and a lone call at once', async () => {
  const ctx = createContext(t.deps, {});
  const turns = turnCounter();
  const call = (batchIndex: number) => {
    const from = turns.now();
    return callTRPCProcedure({ router: appRouter, path: 'system.health', type: 'query', ctx, getRawInput: async () => undefined, signal: undefined, batchIndex }).then(() => turns.now() - from);
  };
  const waited = await Promise.all([0, 1, 2, 10, 49].map(call));
  turns.stop();
  expect(waited[0]).toBe(0);
  expect(waited[1]).toBeGreaterThanOrEqual(1);
  expect(waited[2]).toBeGreaterThanOrEqual(2);
  expect(waited[3]).toBeGreaterThanOrEqual(10);
  expect(waited[4]).toBeGreaterThanOrEqual(49);
});
