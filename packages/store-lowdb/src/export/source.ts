// What the export reads of an open embedded store (LowdbTweetStore.exportSource): its projection, and the readers of
// what a checkpoint left on disk (details files, histories), which read a file when a tweet of it is first asked for.
import { resolve } from 'node:path';
import { InvalidInput, type Clock } from '@tweetstore/core';
import type { TweetStore } from '@tweetstore/store';
import type { HistoryFiles } from '../checkpoint/histories.ts';
import type { DetailsReader } from '../engine/details.ts';
import type { EngineState } from '../engine/state.ts';
import { LowdbTweetStore } from '../engine/store.ts';

export interface ExportSource {
  storeId: string;
  dataDir: string;
  clock: Clock;
  state: EngineState;
  histories: HistoryFiles;
  details: DetailsReader;
}

/** The source of a store handed in, which must be the embedded store open on `dataDir`. */
export function sourceOf(store: TweetStore, dataDir: string): ExportSource {
  if (!(store instanceof LowdbTweetStore)) throw new InvalidInput(`the store handed in is a ${store.engine} store, not the embedded store of ${dataDir}`);
  const source = store.exportSource();
  if (resolve(source.dataDir) !== resolve(dataDir)) throw new InvalidInput(`the store handed in is open on ${source.dataDir}, not on ${dataDir}`);
  return source;
}
