// Offline compaction (`tweetstore compact`): open the store, write a checkpoint, apply the retention rule of
// docs/storage.md to what is on disk, close. Sizes before and after, as `tweetstore stats` would show them.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_EDIT_POLICY, systemClock } from '@tweetstore/core';
import { openLowdbStore } from '../open.ts';
import type { StoreLogger } from '@tweetstore/store';
import type { LowdbStoreOptions } from '../options.ts';
import type { LowdbTweetStore } from '../engine/store.ts';

export interface StoreSizes {
  journalSegments: number;
  journalBytes: number;
  checkpoints: number;
  /** A file shared by two checkpoints (a hard link) is counted once. */
  checkpointBytes: number;
}

/** `options.retainEvents`: as the server is configured (default 100,000: that many events stay in the journal). */
export async function compactStore(
  dataDir: string,
  logger?: StoreLogger,
  options: Pick<LowdbStoreOptions, 'retainEvents'> = {},
): Promise<{ before: StoreSizes; after: StoreSizes }> {
  const before = await storeSizes(dataDir);
  // The policy only decides commands; compaction issues none.
  const store = (await openLowdbStore({ ...options, dataDir, clock: systemClock, policy: DEFAULT_EDIT_POLICY, ...(logger ? { logger } : {}) })) as LowdbTweetStore;
  try {
    await store.compact();
  } finally {
    await store.close();
  }
  return { before, after: await storeSizes(dataDir) };
}

export async function storeSizes(dataDir: string): Promise<StoreSizes> {
  const sizes: StoreSizes = { journalSegments: 0, journalBytes: 0, checkpoints: 0, checkpointBytes: 0 };
  for (const name of await namesIn(join(dataDir, 'journal'))) {
    if (!name.endsWith('.log')) continue;
    sizes.journalSegments++;
    sizes.journalBytes += (await stat(join(dataDir, 'journal', name))).size;
  }
  const inodes = new Set<number>();
  for (const name of await namesIn(join(dataDir, 'checkpoints'))) {
    if (!name.startsWith('cp-')) continue;
    sizes.checkpoints++;
    for (const file of await namesIn(join(dataDir, 'checkpoints', name))) {
      const s = await stat(join(dataDir, 'checkpoints', name, file));
      if (inodes.has(s.ino)) continue;
      inodes.add(s.ino);
      sizes.checkpointBytes += s.size;
    }
  }
  return sizes;
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
