// The store contract, run against the embedded lowdb engine on real temp directories.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '@tweetstore/core';
import { openLowdbStore } from '@tweetstore/store-lowdb';
import { describeTweetStoreContract, reopeningHarness } from '@tweetstore/store/contract';

describeTweetStoreContract('lowdb', async ({ policy }) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tweetstore-contract-'));
  const clock = manualClock();
  return reopeningHarness(
    clock,
    () => openLowdbStore({ dataDir, clock, policy, viewsFlushMs: 50 }),
    () => rm(dataDir, { recursive: true, force: true }),
  );
});
