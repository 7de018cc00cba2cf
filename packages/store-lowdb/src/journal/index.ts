// The durable journal of the embedded store: segment files of checksummed records, group-committed with fdatasync.
import { mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FileJournal } from './file-journal.ts';
import { recoverSegments } from './recovery.ts';
import { syncDirSync } from './segment-files.ts';
import { SegmentLog } from './segment-log.ts';
import type { Journal, JournalIo, JournalLogger, JournalOptions, JournalStats } from './types.ts';

export type { Journal, JournalIo, JournalLogger, JournalOptions, JournalRecord, JournalStats } from './types.ts';
export { JournalCorruptError, JournalError, type JournalErrorCode } from './errors.ts';

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

const fileIo: JournalIo = {
  write: async (file, data) => (await file.write(data)).bytesWritten,
  datasync: (file) => file.datasync(),
};

const consoleLogger: JournalLogger = {
  info: () => {},
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

/** Opens (creating if needed) the journal in `options.dir`, recovering from a crash: a torn tail is cut off, anything worse throws. */
export async function openJournal(options: JournalOptions): Promise<Journal> {
  const dir = resolve(options.dir);
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  if (!Number.isSafeInteger(segmentBytes) || segmentBytes <= 0) throw new RangeError(`segmentBytes must be a positive integer, got ${segmentBytes}`);
  const logger = options.logger ?? consoleLogger;
  const created = mkdirSync(dir, { recursive: true });
  if (created !== undefined) syncDirSync(dirname(created));
  const { segments, lastSeq, checkedBytes } = recoverSegments(dir, logger, options.checkLaterThrough);
  const last = segments.at(-1);
  const activeFile = last ? await open(last.path, 'a') : null;
  const stats: JournalStats = { batches: 0, records: 0, fsyncs: 0, checkedAtOpenBytes: checkedBytes };
  const log = new SegmentLog(dir, segmentBytes, options.io ?? fileIo, stats, segments, activeFile);
  logger.info({ dir, segments: segments.length, lastSeq, checkedBytes }, 'journal: opened');
  return new FileJournal(log, stats, logger, lastSeq);
}
