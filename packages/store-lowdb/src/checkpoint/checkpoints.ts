// Checkpoint directories: checkpoints/cp-<seq>/ holds one lowdb JSON file per table chunk and a manifest written
// LAST, naming the seq and every file with its size and CRC-32. A checkpoint exists only if its manifest is valid.
// Loading reads the manifest, then the files one by one (loadCheckpoint in recovery.ts); history files are read
// only when a history is asked for, and checked against the manifest's CRC then.
// Only chunks that changed are written; an unchanged chunk's file is hard-linked from the previous checkpoint, so
// each directory stays whole on its own (removing the older one removes nothing the newer one uses), but a file
// shared by both is one copy on disk.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { link, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { tableNames, type ChunkRows, type PlannedStep, type TableName } from './format/snapshot.ts';
import type { CheckpointFileRef } from '../projection/records.ts';
import { fsyncPath, readFileBytes, readFileBytesNow, readJsonFile, writeJsonFile, type FileFacts } from './files.ts';

const NAME = /^cp-(\d{16})$/;
/**
 * 1: texts in a table of their own; 2: each tweets chunk holds its texts, files named by chunk, rows per chunk
 * fixed; 3: tweets files hold columns of the tweets' current state, history files their version histories; 4: tweets
 * files also hold who took back a like or a retweet (formats 1-3 did not: a store loaded from one starts with none); 5:
 * tweets files also hold their chunk's part of the search index (terms by id), terms files its dictionary, and tags
 * files the hashtags' uses and velocity (a store loaded from an older one builds the index after it opens, and its
 * hashtags start without velocity).
 */
export const FORMAT = 5;
const FORMATS = [1, 2, 3, 4, 5];

export interface CheckpointFile {
  name: string;
  table: TableName;
  /** format 2 */
  chunk?: number;
  bytes: number;
  crc: number;
}

export interface CheckpointInfo {
  name: string;
  format: number;
  seq: number;
  /** Bytes of all its files. */
  bytes: number;
  files: CheckpointFile[];
  /** Rows per chunk it was written with (null: format 1, whose files cannot be reused). */
  rowsPerChunk: ChunkRows | null;
}

/** What a write did: files written, files reused from the base checkpoint. */
export interface CheckpointWriteStats {
  written: number;
  writtenBytes: number;
  reused: number;
}

interface ManifestBody {
  format: number;
  storeId: string;
  seq: number;
  createdAt: number;
  rowsPerChunk?: ChunkRows;
  files: CheckpointFile[];
}
type Manifest = ManifestBody & { check: number };

/** incomplete: no manifest (a crash while writing it; normal). corrupt: a manifest whose files do not match. */
export class CheckpointUnusable extends Error {
  override name = 'CheckpointUnusable';
  constructor(
    readonly reason: 'incomplete' | 'corrupt',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Reading a checkpoint failed for a reason that says nothing about its data: an I/O error other than a missing file,
 * or the worker that checks its files failed. Recovery rethrows it: setting a good checkpoint aside would lose it.
 */
export class CheckpointUnreadable extends Error {
  override name = 'CheckpointUnreadable';
}

export class CheckpointStore {
  constructor(
    readonly dir: string,
    private readonly storeId: string,
  ) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** Checkpoint names, newest first. */
  async list(): Promise<{ name: string; seq: number }[]> {
    const found = [];
    for (const name of await readdir(this.dir)) {
      const match = NAME.exec(name);
      if (match) found.push({ name, seq: Number(match[1]) });
    }
    return found.sort((a, b) => b.seq - a.seq);
  }

  /**
   * Writes the checkpoint at `seq`: each planned chunk in its own event-loop turn (taken and serialised there), the
   * base's files for every chunk `reuses` accepts (hard links), then, once `beforeManifest` resolves (the caller
   * waits there until every event up to the seq is durable), the manifest.
   */
  async write(
    plan: { seq: number; steps: readonly PlannedStep[]; reuses(table: TableName, chunk: number): boolean },
    rowsPerChunk: ChunkRows,
    base: CheckpointInfo | null,
    now: number,
    beforeManifest: () => Promise<void>,
  ): Promise<{ info: CheckpointInfo; stats: CheckpointWriteStats }> {
    const name = checkpointName(plan.seq);
    const dir = join(this.dir, name);
    try {
      await rm(dir, { recursive: true, force: true }); // a leftover of an attempt that crashed
      await mkdir(dir);
      await fsyncPath(this.dir);
      const files: CheckpointFile[] = [];
      let writtenBytes = 0;
      for (const step of plan.steps) {
        await nextTurn();
        for (const { table, chunk, data } of await step.take()) {
          const file = chunkFileName(table, chunk);
          const facts = await writeJsonFile(join(dir, file), data);
          files.push({ name: file, table, chunk, ...facts });
          writtenBytes += facts.bytes;
        }
      }
      const written = files.length;
      for (const f of base?.files ?? []) {
        if (f.chunk === undefined || !plan.reuses(f.table, f.chunk)) continue;
        await link(join(this.dir, base!.name, f.name), join(dir, f.name));
        files.push(f);
      }
      files.sort((a, b) => tableNames.indexOf(a.table) - tableNames.indexOf(b.table) || a.chunk! - b.chunk!);
      await fsyncPath(dir);
      await beforeManifest();
      const body: ManifestBody = { format: FORMAT, storeId: this.storeId, seq: plan.seq, createdAt: now, rowsPerChunk, files };
      const manifest = await writeJsonFile(join(dir, 'manifest.json'), { ...body, check: crc32(JSON.stringify(body)) });
      await fsyncPath(dir);
      const bytes = files.reduce((sum, f) => sum + f.bytes, manifest.bytes);
      return { info: { name, format: FORMAT, seq: plan.seq, bytes, files, rowsPerChunk }, stats: { written, writtenBytes, reused: files.length - written } };
    } catch (error) {
      await rm(dir, { recursive: true, force: true }).catch(() => {});
      throw error;
    }
  }

  /** Reads and verifies a checkpoint's manifest; throws CheckpointUnusable or CheckpointUnreadable. Its files: readFile. */
  async manifest(name: string): Promise<CheckpointInfo> {
    const read = await readCheckpointJson<Manifest>(this.dir, name, 'manifest.json');
    if (read === null) throw new CheckpointUnusable('incomplete', `checkpoint ${name}: no manifest`);
    const { check, ...body } = read.data;
    if (check !== crc32(JSON.stringify(body))) throw corrupt(name, 'manifest checksum does not match');
    if (!FORMATS.includes(body.format)) throw corrupt(name, `unknown format ${body.format}`);
    if (body.storeId !== this.storeId) throw corrupt(name, `belongs to store ${body.storeId}`);
    if (name !== checkpointName(body.seq)) throw corrupt(name, `manifest names seq ${body.seq}`);
    for (const f of body.files) {
      if (!tableNames.includes(f.table)) throw corrupt(name, `${f.name} is of no known table`);
      if (f.chunk !== undefined && f.name !== chunkFileName(f.table, f.chunk)) throw corrupt(name, `${f.name} is not chunk ${f.chunk}`);
    }
    const bytes = body.files.reduce((sum, f) => sum + f.bytes, read.facts.bytes);
    const rowsPerChunk = body.format === 1 ? null : (body.rowsPerChunk ?? null);
    return { name, format: body.format, seq: body.seq, bytes, files: body.files, rowsPerChunk };
  }

  /** Reads one file of a checkpoint, checked against its manifest; throws CheckpointUnusable or CheckpointUnreadable. */
  async readFile<T>(checkpoint: string, f: Pick<CheckpointFile, 'name' | 'bytes' | 'crc'>): Promise<T> {
    return checked(checkpoint, f, await readCheckpointJson<T>(this.dir, checkpoint, f.name)).data;
  }

  /** The bytes of a file read after start-up, checked against its manifest; throws CheckpointUnusable. */
  async readBytes(ref: CheckpointFileRef): Promise<Buffer> {
    return checked(ref.checkpoint, { name: ref.file, ...ref }, await readFileBytes(join(this.dir, ref.checkpoint, ref.file))).data;
  }

  /** The same, read at once (blocking: one small file, when a request needs it now). */
  readBytesNow(ref: CheckpointFileRef): Buffer {
    return checked(ref.checkpoint, { name: ref.file, ...ref }, readFileBytesNow(join(this.dir, ref.checkpoint, ref.file))).data;
  }

  /** Deletes every checkpoint directory not named in `keep` (and leftovers of unfinished writes). */
  async removeAllBut(keep: readonly string[]): Promise<void> {
    for (const { name } of await this.list()) if (!keep.includes(name)) await rm(join(this.dir, name), { recursive: true, force: true });
    await fsyncPath(this.dir);
  }

  /** Moves a corrupt checkpoint aside (kept for inspection, never read again). */
  async quarantine(name: string): Promise<string> {
    const aside = `corrupt-${name}-${Date.now()}`;
    await rename(join(this.dir, name), join(this.dir, aside));
    await fsyncPath(this.dir);
    return aside;
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.dir, name), { recursive: true, force: true });
  }
}

function checked<T>(checkpoint: string, f: Pick<CheckpointFile, 'name' | 'bytes' | 'crc'>, file: { data: T; facts: FileFacts } | null): { data: T } {
  if (file === null) throw corrupt(checkpoint, `${f.name} is missing`);
  if (file.facts.crc !== f.crc || file.facts.bytes !== f.bytes) throw corrupt(checkpoint, `${f.name} does not match its checksum`);
  return file;
}

/** Unparsable content is damage; any other failure (EIO, EMFILE, ENOMEM) is not. */
async function readCheckpointJson<T>(dir: string, checkpoint: string, file: string): Promise<{ data: T; facts: FileFacts } | null> {
  try {
    return await readJsonFile<T>(join(dir, checkpoint, file));
  } catch (error) {
    if (error instanceof SyntaxError) throw corrupt(checkpoint, `${file} is not valid JSON`, error);
    throw new CheckpointUnreadable(`checkpoint ${checkpoint}: ${file} cannot be read (${(error as Error).message})`, { cause: error });
  }
}

function corrupt(name: string, why: string, cause?: unknown): CheckpointUnusable {
  return new CheckpointUnusable('corrupt', `checkpoint ${name}: ${why}`, { cause });
}

function checkpointName(seq: number): string {
  return `cp-${String(seq).padStart(16, '0')}`;
}

function chunkFileName(table: TableName, chunk: number): string {
  return `${table}-${String(chunk).padStart(5, '0')}.json`;
}
