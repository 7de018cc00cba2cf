// exportLowdbStore: an embedded data folder as dump records (@tweetstore/store's dump format), for `tweetstore migrate`.
// It copies state, not events (the journal is cut at checkpoints). The folder is opened as a server opens it (the
// newest checkpoint, then the journal after it), under its lock, so a server running on it is refused; a server's own
// store can be handed in instead. Streams: a tweet's details and history files are read when its turn comes (a few
// files are cached), so a million tweets never hold all histories in memory; the event loop turns every few ms.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_EDIT_POLICY, InvalidInput, PreconditionFailed, StorageUnavailable, systemClock, type Clock } from '@tweetstore/core';
import { DUMP_FORMAT, DUMP_VERSION, pauseEvery, type DumpRecord, type DumpRecordType, type StoreLogger, type TweetStore } from '@tweetstore/store';
import { SLICE_MS } from '../checkpoint/turns.ts';
import { openLowdbStore } from '../open.ts';
import type { Projection } from '../projection/projection.ts';
import { sourceOf, type ExportSource } from './source.ts';
import { tweetRecordAt } from './tweet-record.ts';

export interface ExportProgress {
  phase: DumpRecordType;
  done: number;
  total: number;
}

export interface ExportOptions {
  /** The store open on the folder (a running server's): exported from memory, the lock left as it is. It must not be written to meanwhile. */
  store?: TweetStore;
  /** Called at each phase's start and end, and every few ms between. */
  onProgress?: (progress: ExportProgress) => void;
  signal?: AbortSignal;
  /** When opening the folder: what "now" is (sessions expired by then are left out). Default: the system clock. */
  clock?: Clock;
  logger?: StoreLogger;
}

export async function* exportLowdbStore(dataDir: string, options: ExportOptions = {}): AsyncGenerator<DumpRecord> {
  options.signal?.throwIfAborted();
  const opened = options.store ? undefined : await openForExport(dataDir, options);
  try {
    yield* records(sourceOf(options.store ?? opened!, dataDir), options);
  } finally {
    await opened?.close();
  }
}

async function openForExport(dataDir: string, { clock = systemClock, logger }: ExportOptions): Promise<TweetStore> {
  try {
    await access(join(dataDir, 'store.json'));
  } catch {
    throw new InvalidInput(`${dataDir} is not a tweetstore data folder (it has no store.json)`, { dataDir });
  }
  try {
    // the export decides nothing: the clock and edit policy are only what opening needs
    return await openLowdbStore({ dataDir, clock, policy: DEFAULT_EDIT_POLICY, readDetailsInBackground: false, ...(logger ? { logger } : {}) });
  } catch (error) {
    if (error instanceof StorageUnavailable) throw new StorageUnavailable(`cannot export ${dataDir}: ${error.message}`, { cause: error });
    throw error;
  }
}

async function* records(source: ExportSource, o: ExportOptions): AsyncGenerator<DumpRecord> {
  const { state } = source;
  const p = state.p;
  const headSeq = p.seq;
  const now = source.clock.now();
  const pause = pauseEvery(SLICE_MS);
  /** Between slices: stop if cancelled, and if anything was written meanwhile (the records would not be of one state). */
  const step = async () => {
    await pause();
    o.signal?.throwIfAborted();
    if (state.p !== p || p.seq !== headSeq) {
      throw new PreconditionFailed(`the store changed during the export (seq ${headSeq}, now ${state.p.seq}): export a store nothing writes to`, { headSeq });
    }
  };
  const open = (s: { expiresAt: number }) => s.expiresAt > now;
  let sessions = 0;
  for (const s of p.sessions.values()) if (open(s)) sessions++;
  const counts = { users: p.userOrder.length, sessions, media: p.media.size, tweets: p.tweets.size, versions: p.versionCount };
  yield { type: 'store', format: DUMP_FORMAT, version: DUMP_VERSION, storeId: source.storeId, headSeq, engine: 'lowdb', exportedAt: now, counts };

  const phase = async function* <T>(name: DumpRecordType, total: number, items: Iterable<T>, record: (item: T) => DumpRecord | Promise<DumpRecord>) {
    let done = 0;
    let told = performance.now();
    o.onProgress?.({ phase: name, done, total });
    for (const item of items) {
      yield await record(item);
      done++;
      if (performance.now() - told >= SLICE_MS) {
        told = performance.now();
        o.onProgress?.({ phase: name, done, total });
      }
      await step();
    }
    o.onProgress?.({ phase: name, done, total });
  };
  yield* phase('user', counts.users, p.userOrder, (u) => ({ type: 'user', id: u.id, username: u.username, displayName: u.displayName, createdAt: u.createdAt, passwordHash: u.passwordHash }));
  yield* phase('session', counts.sessions, openSessions(p, open), ([tokenHash, s]) => ({ type: 'session', tokenHash, userId: s.userId, expiresAt: s.expiresAt }));
  yield* phase('media', counts.media, p.media.values(), (m) => ({
    type: 'media',
    id: m.id,
    kind: m.kind,
    mime: m.mime,
    bytes: m.bytes,
    width: m.width,
    height: m.height,
    files: m.files.map((f) => ({ ...f })),
    placeholder: m.placeholder,
    uploadedAt: m.uploadedAt,
    owners: [...m.owners].map(([userId, alt]) => ({ userId, alt })),
    attached: m.attached,
  }));
  yield* phase('tweet', counts.tweets, ordinals(counts.tweets), (ordinal) => tweetRecordAt(source, p, ordinal));
  await step();
}

function* openSessions(p: Projection, open: (s: { expiresAt: number }) => boolean) {
  for (const entry of p.sessions) if (open(entry[1])) yield entry;
}

function* ordinals(n: number) {
  for (let i = 0; i < n; i++) yield i;
}
