// `tweetstore migrate`: an embedded data folder into the engines the server's settings name (TWEETSTORE_DATABASE_URL,
// TWEETSTORE_BLOB_STORE...), so an operator moves by settings alone. The folder is opened once, under its lock (a
// server running on it is refused, with its pid). Its state is exported and imported into PostgreSQL in one
// transaction; before that commits, the media files are copied to the target blob store (a cancel or a failure rolls
// the database back; files copied stay: they are content-addressed, and a rerun skips them). Then the copy is
// verified through the port of each store (verifyCopy) and every media file is read back from the target.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInput, StorageUnavailable, systemClock, type Clock } from '@tweetstore/core';
import { verifyCopy, type DumpMedia, type DumpRecord, type StoreLogger, type TweetStore, type VerifyChecked } from '@tweetstore/store';
import { exportLowdbStore, openDiskBlobStore, openLowdbStore } from '@tweetstore/store-lowdb';
import { importDump, openPostgresStore, type ImportSummary } from '@tweetstore/store-postgres';
import type { ServerConfig } from '../config.ts';
import { openBlobStore } from '../engines.ts';
import { checkMediaFiles, copyMediaFiles, type MediaCopied } from './media-files.ts';

export type MigratePhase = 'import' | 'media' | 'verify';

export interface MigrateProgress {
  phase: MigratePhase;
  /** what of the phase: the records being imported (user, session, media, tweet, commit), copy or check of files, the records being verified */
  step: string;
  done: number;
  total: number;
}

export interface MigrateOptions {
  /** The embedded data folder. */
  from: string;
  /** The target: the server's settings (a database URL is required). */
  config: ServerConfig;
  signal?: AbortSignal;
  onProgress?: (progress: MigrateProgress) => void;
  logger?: StoreLogger;
}

export interface MigrateReport {
  imported: ImportSummary;
  media: MediaCopied;
  verified: VerifyChecked & { files: number };
  /** Seconds each phase took. */
  seconds: Record<MigratePhase, number>;
  /** The first differences found (100 at most), and how many in all. */
  differences: string[];
  differenceCount: number;
}

const quiet: StoreLogger = { info() {}, warn() {}, error() {} };

export async function migrateFolder(o: MigrateOptions): Promise<MigrateReport> {
  const { config, signal } = o;
  const url = config.databaseUrl;
  if (url === undefined) throw new InvalidInput('TWEETSTORE_DATABASE_URL must name the PostgreSQL database to migrate into (e.g. postgres://postgres@127.0.0.1:5432/tweetstore)');
  const logger = o.logger ?? quiet;
  const progress = (phase: MigratePhase) => (p: { phase: string; done: number; total: number }) => {
    // the import's commit comes after the media phase and takes no time worth a bar
    if (p.phase !== 'commit') o.onProgress?.({ phase, step: p.phase === 'check' ? 'files' : p.phase, done: p.done, total: p.total });
  };
  const closers: (() => Promise<void>)[] = [];
  // Both stores read at one instant while verified: velocities decay between two reads, and on a busy machine the
  // source (in memory) and the target (a query) answered seconds apart, more than verifyCopy's tolerance allows.
  let frozenAt: number | undefined;
  const clock = { now: () => frozenAt ?? systemClock.now() };
  try {
    const source = await openSource(o.from, config, clock, logger);
    closers.push(() => source.close());
    const sourceBlobs = await openDiskBlobStore({ root: path.join(o.from, 'media') });
    closers.push(() => sourceBlobs.close());
    const targetBlobs = await openBlobStore(config.blobs, config.dataDir).catch((error: unknown) => {
      throw new Error(`TWEETSTORE_BLOB_STORE=${config.blobs.engine}: ${(error as Error).message}`, { cause: error });
    });
    closers.push(() => targetBlobs.close());

    const media: DumpMedia[] = [];
    const seconds: Record<MigratePhase, number> = { import: 0, media: 0, verify: 0 };
    let started = performance.now();
    let copied: MediaCopied | undefined;
    const imported = await importDump(keepMedia(exportLowdbStore(o.from, { store: source, signal }), media), {
      url,
      signal,
      onProgress: progress('import'),
      beforeCommit: async () => {
        seconds.import = elapsed(started);
        started = performance.now();
        copied = await copyMediaFiles(media, sourceBlobs, targetBlobs, { signal, onProgress: progress('media') });
        seconds.media = elapsed(started);
      },
    });

    started = performance.now();
    frozenAt = systemClock.now();
    const target = await openPostgresStore({ url, poolSize: config.databasePoolSize, clock, policy: config.editPolicy, logger });
    closers.push(() => target.close());
    const report = await verifyCopy(source, target, exportLowdbStore(o.from, { store: source, signal }), { signal, onProgress: progress('verify') });
    const files = await checkMediaFiles(media, sourceBlobs, targetBlobs, { signal, onProgress: progress('verify') });
    seconds.verify = elapsed(started);
    const differences = [...report.differences, ...files.differences];
    return {
      imported,
      media: copied!,
      verified: { ...report.checked, files: files.files },
      seconds,
      differences: differences.slice(0, 100),
      differenceCount: report.differenceCount + files.differences.length,
    };
  } finally {
    for (const close of closers.reverse()) await close().catch((error: unknown) => logger.warn({ err: error }, 'closing after the migration failed'));
  }
}

/** The folder's store, opened as a server opens it, under its lock. */
async function openSource(dataDir: string, config: ServerConfig, clock: Clock, logger: StoreLogger): Promise<TweetStore> {
  try {
    await access(path.join(dataDir, 'store.json'));
  } catch {
    throw new InvalidInput(`${dataDir} is not a tweetstore data folder (it has no store.json)`);
  }
  try {
    return await openLowdbStore({ dataDir, clock, policy: config.editPolicy, readDetailsInBackground: false, logger });
  } catch (error) {
    if (error instanceof StorageUnavailable) throw new StorageUnavailable(`cannot migrate ${dataDir}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** The records as they are, each media record kept on the way (the files to copy). */
async function* keepMedia(records: AsyncIterable<DumpRecord>, media: DumpMedia[]): AsyncGenerator<DumpRecord> {
  for await (const r of records) {
    if (r.type === 'media') media.push(r);
    yield r;
  }
}

function elapsed(since: number): number {
  return (performance.now() - since) / 1000;
}
