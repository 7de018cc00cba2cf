// Options of the embedded lowdb engine, with their defaults.
import { DEFAULT_KEYFRAME_INTERVAL, type Clock, type EditPolicy, type IdFactory } from '@tweetstore/core';
import { join } from 'node:path';
import type { JournalIo, JournalOptions } from '../journal/index.ts';
import type { ChunkRows } from '../domain/snapshot.ts';

/** pino-compatible */
export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface LowdbStoreOptions {
  dataDir: string;
  clock: Clock;
  ids?: IdFactory;
  policy: EditPolicy;
  /** default DEFAULT_KEYFRAME_INTERVAL */
  keyframeInterval?: number;
  /** default 10_000 */
  checkpointEveryEvents?: number;
  /** default 60_000; a checkpoint is written only if events happened */
  checkpointIntervalMs?: number;
  /** default 1000: views are journaled once per tweet per this period (and lost for at most this long on a crash) */
  viewsFlushMs?: number;
  /** default 100_000: eventsAfter() answers for at least the last N events, also after a restart */
  retainEvents?: number;
  logger?: StoreLogger;
  /** @internal tests: rows per checkpoint file (default: 500 tweets, each slice of a checkpoint's capture; 50_000 of the rest) */
  checkpointRowsPerFile?: number;
  /** @internal tests: journal segment size */
  journalSegmentBytes?: number;
  /** @internal tests: the journal's write/fdatasync seam, to inject I/O errors */
  journalIo?: JournalIo;
  /** @internal tests: false reads a checkpoint's details files only when their tweets are asked for (default true) */
  readDetailsInBackground?: boolean;
}

export type ResolvedOptions = Required<Omit<LowdbStoreOptions, 'journalIo' | 'journalSegmentBytes' | 'checkpointRowsPerFile'>> & {
  journalIo: JournalIo | undefined;
  journalSegmentBytes: number | undefined;
  journalDir: string;
  checkpointsDir: string;
  rowsPerFile: ChunkRows;
};

const silent: StoreLogger = { info() {}, warn() {}, error() {} };

export function resolveOptions(o: LowdbStoreOptions, defaultIds: () => IdFactory): ResolvedOptions {
  const positive = (name: string, value: number | undefined, fallback: number, min = 1) => {
    const v = value ?? fallback;
    if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
    return v;
  };
  const rows = o.checkpointRowsPerFile;
  return {
    dataDir: o.dataDir,
    clock: o.clock,
    ids: o.ids ?? defaultIds(),
    policy: o.policy,
    keyframeInterval: positive('keyframeInterval', o.keyframeInterval, DEFAULT_KEYFRAME_INTERVAL),
    checkpointEveryEvents: positive('checkpointEveryEvents', o.checkpointEveryEvents, 10_000),
    checkpointIntervalMs: positive('checkpointIntervalMs', o.checkpointIntervalMs, 60_000),
    viewsFlushMs: positive('viewsFlushMs', o.viewsFlushMs, 1000),
    retainEvents: positive('retainEvents', o.retainEvents, 100_000, 0),
    logger: o.logger ?? silent,
    journalIo: o.journalIo,
    readDetailsInBackground: o.readDetailsInBackground ?? true,
    journalSegmentBytes: o.journalSegmentBytes,
    journalDir: join(o.dataDir, 'journal'),
    checkpointsDir: join(o.dataDir, 'checkpoints'),
    rowsPerFile: {
      users: positive('checkpointRowsPerFile', rows, 50_000),
      sessions: positive('checkpointRowsPerFile', rows, 50_000),
      media: positive('checkpointRowsPerFile', rows, 20_000),
      texts: positive('checkpointRowsPerFile', rows, 50_000),
      tweets: positive('checkpointRowsPerFile', rows, 500),
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
