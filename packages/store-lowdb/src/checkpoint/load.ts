// Loading a checkpoint into a projection: the manifest, then the files start-up needs (users, sessions, the tweets
// files) in order, a few read ahead while one is parsed, with a turn of the event loop between files (a rebuild after
// a failed write loads while reads are served). Details and history files are read later (details: tweet-index.ts,
// history: histories.ts), but checked meanwhile in a worker thread, so a damaged one still makes the checkpoint
// unusable here, as a damaged tweets file does.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join } from 'node:path';
import type { Projection } from '../projection/projection.ts';
import type { CheckpointFileRef } from '../projection/records.ts';
import { ProjectionRestore, type TweetRow } from './format/restore.ts';
import type { TextRow } from './format/history-rows.ts';
import type { MediaRow } from './format/media-rows.ts';
import type { SessionRow, TagRow, UserRow } from './format/snapshot.ts';
import type { TweetIndexColumns } from './format/tweet-columns.ts';
import { CheckpointUnreadable, CheckpointUnusable, type CheckpointFile, type CheckpointInfo, type CheckpointStore } from './checkpoints.ts';
import { HistoryFiles } from './histories.ts';
import { verifyFiles } from './verify.ts';

/** Files read ahead of the one being parsed (reads run on libuv's thread pool). */
const READ_AHEAD = 4;
const LATER: readonly string[] = ['details', 'history'];

export async function loadCheckpoint(checkpoints: CheckpointStore, name: string, now: number): Promise<{ projection: Projection; info: CheckpointInfo }> {
  const info = await checkpoints.manifest(name);
  const corrupt = (why: string, cause?: unknown) => new CheckpointUnusable('corrupt', `checkpoint ${name}: ${why}`, { cause });
  const later = info.files.filter((f) => LATER.includes(f.table));
  const verified = verifyFiles(later.map((f) => ({ path: join(checkpoints.dir, name, f.name), name: f.name, bytes: f.bytes, crc: f.crc })));
  verified.catch(() => {}); // awaited below
  const restore = new ProjectionRestore(info.seq, now);
  const refs = new Map<string, CheckpointFileRef>();
  for (const f of later) refs.set(f.name, { checkpoint: name, file: f.name, first: f.chunk! * info.rowsPerChunk!.tweets, bytes: f.bytes, crc: f.crc });
  const histories = new Map<number, CheckpointFileRef>();
  for (const f of later) if (f.table === 'history') histories.set(f.chunk!, refs.get(f.name)!);
  for (const ref of histories.values()) restore.historyFile(ref);

  const files = info.files.filter((f) => !LATER.includes(f.table));
  const reads = new Map<number, Promise<unknown>>();
  for (const [i, f] of files.entries()) {
    for (let j = i; j < Math.min(files.length, i + READ_AHEAD); j++) {
      if (reads.has(j)) continue;
      const read = checkpoints.readFile(name, files[j]!);
      read.catch(() => {}); // awaited in its turn
      reads.set(j, read);
    }
    const data = await reads.get(i)!;
    reads.delete(i);
    try {
      add(restore, info, f, data, histories);
    } catch (error) {
      throw corrupt(`${f.name} does not hold together (${(error as Error).message})`, error);
    }
    await nextTurn();
  }
  const read = (ref: CheckpointFileRef) => checkpoints.readBytesNow(ref);
  for (const f of later) {
    if (f.table !== 'details') continue;
    if (f.chunk! * info.rowsPerChunk!.tweets >= restore.tweetCount) throw corrupt(`${f.name} is of a chunk without tweets`);
    restore.tweetDetails(refs.get(f.name)!, info.rowsPerChunk!.tweets, read);
  }
  const bad = await verified;
  if (bad) throw corrupt(`${bad.name} ${bad.why}`);
  const historyFiles = new HistoryFiles(checkpoints);
  try {
    await restore.findShownBy((t) => historyFiles.versions(t));
    return { projection: restore.finish(), info };
  } catch (error) {
    if (error instanceof CheckpointUnusable || error instanceof CheckpointUnreadable) throw error;
    throw corrupt(`its media do not hold together (${(error as Error).message})`, error);
  }
}

function add(restore: ProjectionRestore, info: CheckpointInfo, f: CheckpointFile, data: unknown, histories: Map<number, CheckpointFileRef>): void {
  const rows = (data as { rows?: unknown }).rows;
  if ((info.format < 3 || f.table !== 'tweets') && !Array.isArray(rows)) throw new Error('no rows');
  switch (f.table) {
    case 'users':
      return restore.users(rows as UserRow[]);
    case 'sessions':
      return restore.sessions(rows as SessionRow[]);
    case 'media':
      return restore.media(rows as MediaRow[]);
    case 'texts':
      return restore.texts(rows as TextRow[]);
    case 'tweets':
      if (info.format < 3) return restore.tweetRows(rows as TweetRow[], (data as { texts?: TextRow[] }).texts);
      if (f.chunk! * info.rowsPerChunk!.tweets !== restore.tweetCount) throw new Error(`chunk ${f.chunk} does not start at tweet #${restore.tweetCount}`);
      return restore.tweetIndex(data as TweetIndexColumns, histories.get(f.chunk!) ?? null, info.rowsPerChunk!.tweets, info.format >= 5);
    case 'terms':
      if (f.chunk! * info.rowsPerChunk!.terms !== restore.termCount) throw new Error(`chunk ${f.chunk} does not start at term #${restore.termCount}`);
      return restore.terms(rows as string[]);
    case 'tags':
      if (f.chunk! * info.rowsPerChunk!.tags !== restore.tagCount) throw new Error(`chunk ${f.chunk} does not start at hashtag #${restore.tagCount}`);
      return restore.tags(rows as TagRow[]);
    default:
      throw new Error(`${f.table} files are read later`);
  }
}
