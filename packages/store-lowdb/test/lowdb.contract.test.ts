// The store contract, run against the embedded lowdb engine on real temp directories.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '@tweetstore/core';
import { openLowdbStore } from '@tweetstore/store-lowdb';
import { describeTweetStoreContract } from '@tweetstore/store/contract';

describeTweetStoreContract('lowdb', async ({ policy }) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tweetstore-contract-'));
  const clock = manualClock();
  const open = () => openLowdbStore({ dataDir, clock, policy, viewsFlushMs: 50 });
  const harness = {
    store: await open(),
    clock,
    async reopen() {
      await harness.store.close();
      harness.store = await open();
      return harness.store;
    },
    async cleanup() {
      await harness.store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
});
