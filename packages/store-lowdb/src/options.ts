// Options of the embedded lowdb engine (on top of every engine's, ../options.ts), with their defaults.
import { join } from 'node:path';
import type { JournalIo, JournalOptions } from './journal/index.ts';
import type { ChunkRows } from './checkpoint/format/snapshot.ts';
import { integerOption, resolveStoreOptions, type ResolvedStoreOptions, type StoreOptions } from '@tweetstore/store';

export interface LowdbOptions {
  dataDir: string;
  /** default 10_000 */
  checkpointEveryEvents?: number;
  /** default 60_000; a checkpoint is written only if events happened */
  checkpointIntervalMs?: number;
  /** default 1000: views are journaled once per tweet per this period (and lost for at most this long on a crash) */
  viewsFlushMs?: number;
  /** default 100_000: events.after() answers for at least the last N events, also after a restart */
  retainEvents?: number;
  /** @internal tests: rows per checkpoint file (default: 500 tweets, each slice of a checkpoint's capture; 50_000 of the rest) */
  checkpointRowsPerFile?: number;
  /** @internal tests: journal segment size */
  journalSegmentBytes?: number;
  /** @internal tests: the journal's write/fdatasync seam, to inject I/O errors */
  journalIo?: JournalIo;
  /** @internal tests: false reads a checkpoint's details files only when their tweets are asked for (default true) */
  readDetailsInBackground?: boolean;
}

export type LowdbStoreOptions = StoreOptions & LowdbOptions;

export type ResolvedOptions = ResolvedStoreOptions &
  Required<Omit<LowdbOptions, 'journalIo' | 'journalSegmentBytes' | 'checkpointRowsPerFile'>> & {
    journalIo: JournalIo | undefined;
    journalSegmentBytes: number | undefined;
    journalDir: string;
    checkpointsDir: string;
    rowsPerFile: ChunkRows;
  };

export function resolveOptions(o: LowdbStoreOptions): ResolvedOptions {
  const rows = o.checkpointRowsPerFile;
  return {
    ...resolveStoreOptions(o),
    dataDir: o.dataDir,
    checkpointEveryEvents: integerOption('checkpointEveryEvents', o.checkpointEveryEvents, 10_000),
    checkpointIntervalMs: integerOption('checkpointIntervalMs', o.checkpointIntervalMs, 60_000),
    viewsFlushMs: integerOption('viewsFlushMs', o.viewsFlushMs, 1000),
    retainEvents: integerOption('retainEvents', o.retainEvents, 100_000, 0),
    journalIo: o.journalIo,
    readDetailsInBackground: o.readDetailsInBackground ?? true,
    journalSegmentBytes: o.journalSegmentBytes,
    journalDir: join(o.dataDir, 'journal'),
    checkpointsDir: join(o.dataDir, 'checkpoints'),
    rowsPerFile: {
      users: integerOption('checkpointRowsPerFile', rows, 50_000),
      sessions: integerOption('checkpointRowsPerFile', rows, 50_000),
      media: integerOption('checkpointRowsPerFile', rows, 20_000),
      texts: integerOption('checkpointRowsPerFile', rows, 50_000),
      tweets: integerOption('checkpointRowsPerFile', rows, 500),
      tags: integerOption('checkpointRowsPerFile', rows, 20_000),
      terms: integerOption('checkpointRowsPerFile', rows, 50_000),
    },
  };
}

export function journalOptions(o: ResolvedOptions): JournalOptions {
  return {
    dir: o.journalDir,
    logger: o.logger,
    ...(o.journalSegmentBytes === undefined ? {} : { segmentBytes: o.journalSegmentBytes }),
    ...(o.journalIo === undefined ? {} : { io: o.journalIo }),
  };
}
