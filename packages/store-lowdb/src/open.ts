// Opening the embedded store: dataDir/store.json (identity), dataDir/journal/ (the durable event log) and
// dataDir/checkpoints/ (lowdb snapshots of the projection).
import { mkdir } from 'node:fs/promises';
import { openJournal } from './journal/index.ts';
import type { TweetStore } from '@tweetstore/store';
import { EventRing } from './feed/event-ring.ts';
import { CheckpointStore } from './checkpoint/checkpoints.ts';
import { journalOptions, resolveOptions, type LowdbStoreOptions } from './options.ts';
import { recover } from './engine/recover.ts';
import { lockDataDir } from './data-dir/lock.ts';
import { loadOrCreateStoreId } from './data-dir/store-file.ts';
import { LowdbTweetStore } from './engine/store.ts';

export async function openLowdbStore(options: LowdbStoreOptions): Promise<TweetStore> {
  const o = resolveOptions(options);
  await mkdir(o.dataDir, { recursive: true });
  const lock = await lockDataDir(o.dataDir);
  let journal;
  try {
    const storeId = await loadOrCreateStoreId(o.dataDir, o.clock.now());
    const checkpoints = new CheckpointStore(o.checkpointsDir, storeId);
    await checkpoints.init();
    // Recovery replays what follows the newest checkpoint; older records are checked if a fallback reads them.
    const newest = (await checkpoints.list())[0];
    journal = await openJournal({ ...journalOptions(o), checkLaterThrough: newest?.seq ?? 0 });
    const ring = new EventRing(o.retainEvents);
    const recovered = await recover({ checkpoints, journal, now: o.clock.now(), logger: o.logger, ring });
    return new LowdbTweetStore(storeId, { o, journal, checkpoints, recovered, ring, lock });
  } catch (error) {
    await journal?.close();
    await lock.release();
    throw error;
  }
}
